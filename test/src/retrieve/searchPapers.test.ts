import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher, filtersToSql, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture } from "../../helpers/paths.js";

describe("hybrid search over a small library", () => {
  let search: Searcher["search"];
  let store: PaperStore | undefined;
  let dir = "";
  after(async () => {
    store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-search-"));
    const uri = join(dir, "db");
    const long = join(dir, "long.jsonl");
    const sentences = Array.from({ length: 25 }, (_, i) => `Step ${i} of the compiler pass rewrites loops for vector units.`).join(" ");
    await writeFile(long, `${JSON.stringify({ title: "Loopwise: Auto-Vectorising Compilers", summary: sentences, year: 2022, section: "Systems" })}\n`);
    await ingestInto(uri, [fixture("pipeline/daily-page.txt"), fixture("pipeline/hf-daily.json"), fixture("pipeline/papers.jsonl"), long]);
    store = await PaperStore.open({ uri });
    search = createSearcher({ store, embeddings: new LocalEmbeddings() }).search;
  });

  test("given a paraphrased question, then the paper that answers it ranks first", async () => {
    const hits = await search("memory-efficient attention over very long legal contracts", { k: 3 });
    assert.match(hits[0]!.title, /^Lantern/);
    assert.equal(hits[0]!.rank, 1);
    assert.equal(hits[0]!.url, "https://arxiv.org/abs/2510.01234");
    assert.ok(hits[0]!.score > hits[1]!.score);
  });

  test("given a question matching many passages of one paper, then the paper appears once", async () => {
    const hits = await search("compiler pass rewrites loops for vector units", { k: 5 });
    assert.match(hits[0]!.title, /^Loopwise/);
    assert.ok(hits[0]!.passages.length >= 2, "several passages kept");
    assert.equal(new Set(hits.map((h) => h.paperId)).size, hits.length);
  });

  test("given filters, then only matching papers are returned", async () => {
    const byYear = await search("training", { k: 10, filters: { yearFrom: 2025, yearTo: 2025 } });
    assert.ok(byYear.length > 0 && byYear.every((h) => h.year === 2025), byYear.map((h) => `${h.title} ${h.year}`).join("; "));
    const bySection = await search("planning routes", { k: 10, filters: { section: "robotics" } });
    assert.deepEqual(bySection.map((h) => h.title.split(":")[0]), ["Compass"]);
    const bySource = await search("attention", { k: 10, filters: { source: "hf-daily-api" } });
    assert.deepEqual(bySource.map((h) => h.title.split(":")[0]).sort(), ["Lantern", "Tidal"]);
    const recent = await search("speech", { k: 10, filters: { publishedAfter: "2025-10-29" } });
    assert.ok(recent.every((h) => (h.paper.publishedAt ?? "") >= "2025-10-29"));
  });

  test("given punctuation and query operators in the question, then search still answers", async () => {
    const hits = await search(`what's "new" in (retrieval) for speech? AND OR NOT -x`, { k: 3 });
    assert.match(hits[0]!.title, /^Tidal/);
  });

  test("given a filter value with a quote, then it is matched literally, not as SQL", () => {
    assert.equal(filtersToSql({ section: "Bob's ' OR 1=1 --" }), "lower(section) = 'bob''s '' or 1=1 --'");
  });
});
