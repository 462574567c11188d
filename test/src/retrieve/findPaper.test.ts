import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findPaper } from "../../../src/retrieve/findPaper.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { similarPapers } from "../../../src/retrieve/similarPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture } from "../../helpers/paths.js";

describe("looking a paper up", () => {
  let dir = "";
  let store: PaperStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-find-"));
    await ingestInto(join(dir, "db"), [
      fixture("pipeline/daily-page.txt"),
      fixture("pipeline/hf-daily.json"),
      fixture("pipeline/papers.jsonl"),
    ]);
    store = await PaperStore.open({ uri: join(dir, "db") });
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const titleOf = async (query: string) => {
    const found = await findPaper(store, query);
    return "paper" in found ? found.paper.title : `suggestions: ${found.suggestions.join(" | ")}`;
  };

  test("given an arXiv id or abs URL with a version, then that paper is found", async () => {
    assert.match(await titleOf("2510.01234"), /^Lantern/);
    assert.match(await titleOf("https://arxiv.org/abs/2510.01234v3"), /^Lantern/);
  });

  test("given a title with other case, curly quotes or no punctuation, then it is found", async () => {
    assert.match(await titleOf("quiet gradients stabilising low precision training"), /^Quiet Gradients/);
    assert.match(await titleOf("Orchard — “Federated Fine-Tuning on Phones”"), /^Orchard/);
  });

  test("given a fragment or a typo, then the one paper meant is found", async () => {
    assert.match(await titleOf("Seedling"), /^Seedling/);
    assert.match(await titleOf("compas calibrated uncertainity route planing"), /^Compass/);
  });

  test("given a paper's short name or its acronym, then that paper is found before anything fuzzy", async (t) => {
    const uri = join(dir, "short-names");
    await ingestInto(uri, [fixture("short-names.jsonl")]);
    const names = await PaperStore.open({ uri });
    t.after(() => names.close());
    const title = async (query: string) => {
      const found = await findPaper(names, query);
      return "paper" in found ? found.paper.title : `suggestions: ${found.suggestions.join(" | ")}`;
    };
    assert.match(await title("KITE"), /^KITE: Keyed/, "the title it leads, though two more titles contain it");
    assert.match(await title("GRMN"), /^Gated Recurrent Memory Networks/);
    assert.match(await title("grmn"), /^suggestions/, "lower case is a word, not an acronym");
  });

  test("given something that is no title, then nothing is made up and close titles are suggested", async () => {
    const found = await findPaper(store, "federated phones speech");
    assert.ok("suggestions" in found);
    assert.ok(found.suggestions.some((t) => t.startsWith("Orchard")));
    assert.deepEqual(await findPaper(store, "9999.99999"), { suggestions: [] });
  });

  test("given a paper, then similar papers are other papers, each once, closest first", async () => {
    const found = await findPaper(store, "Lantern");
    assert.ok("paper" in found);
    const similar = await similarPapers(createSearcher({ store, embeddings: new LocalEmbeddings() }), found.paper, 3);
    assert.equal(similar.length, 3);
    assert.ok(similar.every((s) => s.paperId !== found.paper.id));
    assert.equal(new Set(similar.map((s) => s.paperId)).size, 3);
    assert.ok(similar[0]!.similarity >= similar[2]!.similarity);
  });
});
