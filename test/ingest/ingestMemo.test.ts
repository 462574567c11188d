import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { connect } from "@lancedb/lancedb";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { capturingLogger } from "../helpers/capturingLogger.js";
import { ingestInto, readLibrary } from "../helpers/library.js";
import { fixture, tempDir } from "../helpers/paths.js";

// ingestInto's clock reads 2025-11-03 unless a test moves it.
const NEXT_DAY = new Date("2025-11-04T12:00:00Z");
const A_YEAR_LATER = new Date("2026-11-03T12:00:00Z");

/** A JSON Lines file of two papers and a bad line (reported as skipped on every run). */
const jsonl = fixture("pipeline/papers.jsonl");
/** A saved Daily Papers page whose dates mostly print no year ("Oct 30 12", "Sep 12"). */
const page = fixture("pipeline/daily-page.txt");

/** An ingest into `uri` that also says what became of the last run's memo ("holds", or why it did not). */
/** Drops one of the library's tables, as a user removing its folder would. */
async function dropTable(uri: string, name: string): Promise<void> {
  const db = await connect(uri);
  await db.dropTable(name);
  db.close();
}

async function ingestWithMemo(uri: string, inputs: string[], now?: Date) {
  const { logger, lines } = capturingLogger();
  const summary = await ingestInto(uri, inputs, { logger, ...(now ? { now } : {}) });
  const memo = lines.find((line) => "memo" in line)?.memo;
  return { summary, memo };
}

test("given an unchanged JSONL re-ingested with a clock one day later, then it is answered from the memo and writes 0 rows", async (t) => {
  const uri = join(await tempDir(t), "db");
  const first = await ingestInto(uri, [jsonl]);
  const before = await readLibrary(uri);

  for (const day of [NEXT_DAY, A_YEAR_LATER]) {
    const { summary, memo } = await ingestWithMemo(uri, [jsonl], day);
    assert.equal(memo, "holds", `on ${day.toISOString()}`);
    assert.deepEqual(summary.papers, { added: 0, updated: 0, unchanged: 2 });
    assert.deepEqual(summary.chunks, { written: 0, unchanged: before.chunks.length });
    assert.deepEqual(summary.skipped, first.skipped, "the bad line is still reported");
  }
  assert.deepEqual((await readLibrary(uri)).versions, before.versions, "no table written");
});

test("given a saved Daily Papers page with yearless dates re-ingested another day, then it is parsed and compared again and still writes nothing", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page, jsonl]);
  const before = await readLibrary(uri);

  const sameDay = await ingestWithMemo(uri, [page, jsonl]);
  assert.equal(sameDay.memo, "holds", "on the day it was read, the page's memo holds");
  const nextDay = await ingestWithMemo(uri, [page, jsonl], NEXT_DAY);
  assert.equal(nextDay.memo, "another day, and an input has dates without a year", "one such input binds the whole memo to its day");
  assert.deepEqual(nextDay.summary, sameDay.summary);
  assert.deepEqual((await readLibrary(uri)).versions, before.versions, "no paper or chunk written");

  const again = await ingestWithMemo(uri, [page, jsonl], NEXT_DAY);
  assert.equal(again.memo, "holds", "the compared run left a memo for its own day");
});

test("given a page with yearless dates re-ingested a year later, then its dates move to that year rather than come from the memo", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page]);
  const later = await ingestInto(uri, [page], { now: A_YEAR_LATER });
  assert.deepEqual(later.papers, { added: 0, updated: 2, unchanged: 1 }, "the entry that prints its year is unchanged");

  const { papers } = await readLibrary(uri);
  const published = (prefix: string) => papers.find((p) => p.title.startsWith(prefix))?.publishedAt;
  assert.equal(published("Lantern"), "2026-10-30");
  assert.equal(published("Seedling"), "2026-09-12");
  assert.equal(published("Quiet"), "2024-10-28");
});

test("given a Daily Papers page whose dates all print their year, then its memo holds on another day: the parse decides, not the format", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  const dated = join(dir, "dated-page.txt");
  const text = await readFile(page, "utf8");
  // The page's own date under its header and two entries' dates, given the year they were read in.
  const withYears = text
    .replace(/^Nov 3$/m, "Nov 3, 2025")
    .replace(/^Oct 30 12$/m, "Oct 30, 2025 12")
    .replace(/^Sep 12$/m, "Sep 12, 2025");
  assert.doesNotMatch(
    withYears,
    /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?: \d+)?$/m,
    "no date without a year is left",
  );
  await writeFile(dated, withYears);

  const first = await ingestInto(uri, [dated]);
  assert.equal(first.papers.added, 3);
  const nextDay = await ingestWithMemo(uri, [dated], NEXT_DAY);
  assert.equal(nextDay.memo, "holds");
  assert.deepEqual(nextDay.summary.papers, { added: 0, updated: 0, unchanged: 3 });
});

test("given a paper deleted from the library since (a write that leaves no memo), then another day's re-ingest compares and restores it", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [jsonl]);
  const store = await PaperStore.open({ uri });
  const [orchard] = (await store.allPapers()).filter((row) => row.paper.title.startsWith("Orchard"));
  await store.deletePapers([orchard!.id]);
  store.close();

  const { summary, memo } = await ingestWithMemo(uri, [jsonl], NEXT_DAY);
  assert.equal(memo, "library written since");
  assert.deepEqual(summary.papers, { added: 1, updated: 0, unchanged: 1 });
  assert.equal((await readLibrary(uri)).papers.length, 2);
});

test("given the papers table deleted since, then another day's re-ingest compares and writes it again", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [jsonl]);
  await dropTable(uri, "papers");

  const { summary, memo } = await ingestWithMemo(uri, [jsonl], NEXT_DAY);
  assert.equal(memo, "library written since");
  assert.deepEqual(summary.papers, { added: 2, updated: 0, unchanged: 0 });
  assert.equal((await readLibrary(uri)).papers.length, 2);
});

test("given the passages deleted since (the chunks table dropped), then the re-ingest writes every paper's passages again and search finds them", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [jsonl]);
  const before = await readLibrary(uri);
  await dropTable(uri, "chunks");

  const { summary, memo } = await ingestWithMemo(uri, [jsonl], NEXT_DAY);
  assert.equal(memo, "library written since");
  assert.deepEqual(summary.papers, { added: 0, updated: 0, unchanged: 2 });
  assert.equal(summary.chunks.written, before.chunks.length);
  const after = await readLibrary(uri);
  assert.deepEqual(
    after.chunks.map(({ id, hash }) => ({ id, hash })),
    before.chunks.map(({ id, hash }) => ({ id, hash })),
  );
  const store = await PaperStore.open({ uri });
  t.after(() => store.close());
  const hits = await createSearcher({ store, embeddings: new LocalEmbeddings() }).search("federated fine-tuning on phones", { k: 1 });
  assert.match(hits[0]?.title ?? "", /^Orchard/);

  const again = await ingestWithMemo(uri, [jsonl], NEXT_DAY);
  assert.equal(again.summary.chunks.written, 0, "and the next run writes nothing");
});

test("given another embedder configured since, then another day's re-ingest is not answered from the memo but refused", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [jsonl]);
  const local = new LocalEmbeddings();
  await assert.rejects(
    ingestInto(uri, [jsonl], { now: NEXT_DAY, embedder: { id: "another-embedder", dimensions: local.dimensions } }),
    /vectors were made by .* not by the configured "another-embedder"/,
  );
});

test("given other inputs ingested in between, then the first inputs on another day are compared again, not taken from an older memo", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  const other = join(dir, "other.jsonl");
  await writeFile(other, `${JSON.stringify({ title: "Lighthouse: Sparse Retrieval at Sea", summary: "Lighthouse indexes ship logs." })}\n`);
  await ingestInto(uri, [jsonl]);
  await ingestInto(uri, [other]);

  const { summary, memo } = await ingestWithMemo(uri, [jsonl], NEXT_DAY);
  assert.equal(memo, "other inputs, format, embedder or ingest code");
  assert.deepEqual(summary.papers, { added: 0, updated: 0, unchanged: 2 });
});
