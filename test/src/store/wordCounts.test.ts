import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ingestInto, tempLibraryOf, type TempLibrary } from "../../helpers/library.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A question's distinctive words are told from the library's everyday ones by how many passages use them. */

const PAPERS = [
  { title: "Harbor: Diffusion Models for Tide Maps", summary: "Harbor trains a diffusion model on tide gauges." },
  { title: "Quill: Diffusion Models for Handwriting", summary: "Quill trains a diffusion model on scanned letters." },
  { title: "Sextant: Star Tracking with Transformers", summary: "Sextant tracks stars with a small transformer." },
];

describe("word counts of a library", () => {
  let library: TempLibrary | undefined;
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-wordcounts-");
  });
  after(() => library?.remove());

  test("given three papers, two about diffusion, then diffusion is counted in two passages, a word none uses in none", async () => {
    const { passages, counts } = await library!.store.wordCounts(["diffusion", "sextant", "sourdough"]);
    assert.equal(passages, 3);
    assert.equal(counts.get("diffusion"), 2);
    assert.equal(counts.get("sextant"), 1);
    assert.equal(counts.get("sourdough"), 0);
  });

  test("given a later ingest that uses a word, then its count follows the library, not what was remembered", async () => {
    assert.equal((await library!.store.wordCounts(["sourdough"])).counts.get("sourdough"), 0);
    const file = join(library!.store.uri, "..", "more.jsonl");
    await writeFile(
      file,
      `${JSON.stringify({ title: "Levain: Sourdough Fermentation Curves", summary: "A sourdough starter, measured." })}\n`,
    );
    await ingestInto(library!.store.uri, [file]);
    const { passages, counts } = await library!.store.wordCounts(["sourdough"]);
    assert.equal(passages, 4);
    assert.equal(counts.get("sourdough"), 1);
  });
});
