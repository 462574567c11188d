import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { buildConfig } from "../../../src/config.js";
import { gatherDigestPapers, papersFromLibrary, todayIn } from "../../../src/digest/digestSources.js";
import { createRateGate } from "../../../src/fetch/fetchText.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto, readLibrary, silentLogger } from "../../helpers/library.js";
import { startPaperSourcesStandIn, STAND_IN_DATE, unreachableUrl } from "../../helpers/paperSourcesStandIn.js";
import { tempDir } from "../../helpers/paths.js";

const local = new LocalEmbeddings();
const ingest = { embeddings: local, embedder: { id: local.id, dimensions: local.dimensions } };
const FAST = { rateGate: createRateGate(0), retry: { retries: 1, minDelayMs: 5 } };

test("given the day's papers from both sources, then they are ingested once each and a second run changes nothing", async (t) => {
  const dir = await tempDir(t);
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  const config = buildConfig({ HF_API_URL: standIn.hfApiUrl, ARXIV_API_URL: standIn.arxivApiUrl, LANCEDB_URI: join(dir, "db") });
  const store = await PaperStore.open({ uri: config.lancedb.uri });
  t.after(() => store.close());

  const first = await gatherDigestPapers({ date: STAND_IN_DATE, config, logger: silentLogger, store, ingest, ...FAST });
  assert.equal(first.origin, "sources");
  assert.deepEqual(first.notices, []);
  assert.equal(first.papers.length, 8);
  assert.deepEqual(first.ingested?.papers, { added: 8, updated: 0, unchanged: 0 });

  const library = await readLibrary(config.lancedb.uri);
  assert.equal(library.papers.length, 8);
  const merged = library.papers.find((p) => p.arxivId === "2611.10002")!;
  assert.deepEqual(
    merged.sources.map((s) => s.split(":", 1)[0]),
    ["arxiv", "hf-daily-api"],
  );
  assert.equal(merged.upvotes, 31);
  assert.ok(
    library.chunks.some((c) => c.paperId === "arxiv:2611.10201"),
    "arXiv-only papers are chunked and searchable",
  );

  const second = await gatherDigestPapers({ date: STAND_IN_DATE, config, logger: silentLogger, store, ingest, ...FAST });
  assert.deepEqual(second.ingested?.papers, { added: 0, updated: 0, unchanged: 8 });
});

test("given unreachable sources, then the digest's papers come from the library: that day's, else the most recent day before it", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  // A library holding the stand-in's day (Hugging Face list and arXiv feeds) and an older paper.
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  await ingestInto(uri, [
    `${standIn.hfApiUrl}/api/daily_papers?date=${STAND_IN_DATE}`,
    `${standIn.arxivApiUrl}?search_query=cat:cs.CL&sortBy=submittedDate&sortOrder=descending&start=0&max_results=100`,
  ]);
  const down = await unreachableUrl();
  const config = buildConfig({ HF_API_URL: down, ARXIV_API_URL: `${down}/api/query`, LANCEDB_URI: uri, DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  const store = await PaperStore.open({ uri });
  t.after(() => store.close());

  const sameDay = await gatherDigestPapers({ date: STAND_IN_DATE, config, logger: silentLogger, store, ingest, ...FAST });
  assert.equal(sameDay.origin, "library");
  assert.deepEqual(sameDay.reachable, { huggingface: false, arxiv: false });
  assert.equal(sameDay.ingested, undefined);
  assert.match(sameDay.notices.join("\n"), /Hugging Face cannot be reached: .*ECONNREFUSED/);
  assert.match(sameDay.notices.join("\n"), /The paper sources are unreachable: building the digest from the library instead\./);
  // Listed on Hugging Face that day (whatever their arXiv date), or published on arXiv that day; not the day before.
  const ids = sameDay.papers.map((p) => p.arxivId).sort();
  assert.deepEqual(ids, ["2611.10001", "2611.10002", "2611.10003", "2611.10004", "2611.10005", "2611.10101", "2611.10102"]);

  const later = await papersFromLibrary(store, "2026-11-27");
  assert.equal(later.date, STAND_IN_DATE);
  assert.equal(later.papers.length, 7);
  const before = await papersFromLibrary(store, "2026-11-22");
  assert.equal(before.date, "2026-11-22");
  // Published on arXiv that day and read from its feed; not the two Hugging Face papers with that arXiv date,
  // which were on Hugging Face's list only the day after (and are in that day's digest).
  assert.deepEqual(before.papers.map((p) => p.arxivId).sort(), ["2611.09990"]);
  assert.deepEqual(await papersFromLibrary(store, "2020-01-01"), { papers: [], empty: false });

  const offline = await gatherDigestPapers({ date: "2026-11-27", config, logger: silentLogger, store, offline: true });
  assert.equal(offline.reachable, null);
  assert.deepEqual(offline.notices, ["The library has no papers from 2026-11-27: using the most recent day before it, 2026-11-23."]);
});

test("given an empty library and no sources, then the notice says there is nothing to build from", async (t) => {
  const dir = await tempDir(t);
  const store = await PaperStore.open({ uri: join(dir, "db") });
  t.after(() => store.close());
  const config = buildConfig({ LANCEDB_URI: join(dir, "db") });
  const gathered = await gatherDigestPapers({ date: STAND_IN_DATE, config, logger: silentLogger, store, offline: true });
  assert.deepEqual(gathered.papers, []);
  assert.deepEqual(gathered.notices, ["The library is empty: there is nothing to build a digest from."]);
});

test("given a time zone, then today is that zone's date", () => {
  const instant = new Date("2026-11-23T23:30:00Z");
  assert.equal(todayIn("UTC", instant), "2026-11-23");
  assert.equal(todayIn("Asia/Tokyo", instant), "2026-11-24");
  assert.equal(todayIn("America/Los_Angeles", instant), "2026-11-23");
});
