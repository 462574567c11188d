import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ingestInto, tempLibraryOf, type TempLibrary } from "../../helpers/library.js";

/** Papers are found by the short names people call them, which their own text may never spell out. */

const PAPERS = [
  { title: "Lantern: Linear Attention for Long Contracts", summary: "Linear memory in contract length." },
  { title: "Denoising Diffusion Probabilistic Models", summary: "A generative model that learns to reverse a noising process." },
  { title: "Big Bird: Transformers for Longer Sequences", summary: "Sparse attention with global tokens." },
  { title: "Deep Diffusion Pricing Markets", summary: "Another title with the same initials, by design." },
];

describe("papers by their short names", () => {
  let library: TempLibrary | undefined;
  const titleOf = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => (await library!.store.paperById(id))!.title.split(":")[0])).then((t) => t.sort());
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-names-");
  });
  after(() => library?.remove());

  test("given a title's lead, in any case or spacing, then that paper", async () => {
    assert.deepEqual(await titleOf(await library!.store.papersNamed("Lantern")), ["Lantern"]);
    assert.deepEqual(await titleOf(await library!.store.papersNamed("lantern")), ["Lantern"]);
    assert.deepEqual(await titleOf(await library!.store.papersNamed("BigBird")), ["Big Bird"]);
  });

  test("given an acronym, then every paper whose title's initials spell it", async () => {
    assert.deepEqual(await titleOf(await library!.store.papersNamed("DDPM")), [
      "Deep Diffusion Pricing Markets",
      "Denoising Diffusion Probabilistic Models",
    ]);
    // Lower case is a word, not an acronym.
    assert.deepEqual(await library!.store.papersNamed("ddpm"), []);
    assert.deepEqual(await library!.store.papersNamed("XYZ"), []);
  });

  test("given a paper ingested after a look-up, then the next look-up finds it", async () => {
    assert.deepEqual(await library!.store.papersNamed("Quill"), []);
    const file = join(library!.store.uri, "..", "more.jsonl");
    await writeFile(file, `${JSON.stringify({ title: "Quill: Diffusion for Handwriting", summary: "Scanned letters." })}\n`);
    await ingestInto(library!.store.uri, [file]);
    assert.deepEqual(await titleOf(await library!.store.papersNamed("Quill")), ["Quill"]);
  });
});
