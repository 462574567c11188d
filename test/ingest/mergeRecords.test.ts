import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { bySource, canonicalPaper, mergeSources } from "../../ingest/mergeRecords.js";
import { makePaper } from "../../src/paper.js";
import { ingestInto, readLibrary } from "../helpers/library.js";
import { fixture, tempDir } from "../helpers/paths.js";

test("given a record, then canonical form sorts its sources and listing days but keeps the order of its categories and keywords", () => {
  const paper = makePaper({
    source: "arxiv:feed",
    title: "T",
    categories: ["stat.ML", "cs.LG", "math.ST"],
    keywords: ["streaming video", "state compression"],
    listedOn: ["2026-05-13", "2026-05-12"],
  });
  const canonical = canonicalPaper(paper);
  assert.deepEqual(canonical.categories, ["stat.ML", "cs.LG", "math.ST"]);
  assert.deepEqual(canonical.keywords, ["streaming video", "state compression"]);
  assert.deepEqual(canonical.listedOn, ["2026-05-12", "2026-05-13"]);
});

test("given one paper's records read in either order, then their merge is the same, the primary category first", () => {
  const fromArxiv = makePaper({ source: "arxiv:feed", title: "T", arxivId: "2605.08900", categories: ["stat.ML", "cs.LG"] });
  const fromHf = makePaper({ source: "hf-daily-api:day.json", title: "T", arxivId: "2605.08900", keywords: ["b keyword", "a keyword"] });
  const one = mergeSources(bySource([fromArxiv, fromHf]), "arxiv:2605.08900");
  const other = mergeSources(bySource([fromHf, fromArxiv]), "arxiv:2605.08900");
  assert.equal(JSON.stringify(one), JSON.stringify(other));
  assert.deepEqual(one.categories, ["stat.ML", "cs.LG"]);
  assert.deepEqual(one.keywords, ["b keyword", "a keyword"]);
});

test("given an arXiv feed and a Hugging Face list, then the library keeps the primary category first and the keywords in the API's order", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [fixture("real-formats/arxiv-primary-category.xml"), fixture("real-formats/hf-daily-2026-05-13.json")]);
  const { papers } = await readLibrary(uri);
  assert.deepEqual(papers.find((p) => p.arxivId === "2605.08900")?.categories, ["stat.ML", "cs.LG", "math.ST"]);
  assert.deepEqual(papers.find((p) => p.arxivId === "2605.08811")?.keywords, [
    "streaming video",
    "state compression",
    "recurrent memory",
    "long-horizon understanding",
  ]);
  assert.equal(papers.find((p) => p.arxivId === "2605.08420")?.title, "Making `torch.compile` Predictable: A Study of Graph Breaks");
});
