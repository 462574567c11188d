import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ingestFingerprint, rememberRun } from "../../ingest/ingestMemo.js";
import { readInputs } from "../../ingest/readInputs.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { createFetcher } from "../../src/fetch/fetchText.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { fixture, tempDir } from "../helpers/paths.js";
import { ingestInto, readLibrary } from "../helpers/library.js";

const page = fixture("pipeline/daily-page.txt");
const hf = fixture("pipeline/hf-daily.json");
const jsonl = fixture("pipeline/papers.jsonl");

test("given the same paper on a saved page and in the API, then the library holds it once with the arXiv id and both sources", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page]);
  const second = await ingestInto(uri, [hf]);
  assert.deepEqual(second.papers, { added: 1, updated: 1, unchanged: 0 });

  const { papers, chunks } = await readLibrary(uri);
  const lanterns = papers.filter((p) => p.title.startsWith("Lantern"));
  assert.equal(lanterns.length, 1, "one Lantern, not one per source");
  const lantern = lanterns[0]!;
  assert.equal(lantern.id, "arxiv:2510.01234");
  assert.deepEqual(lantern.sources, ["daily-page:daily-page.txt", "hf-daily-api:hf-daily.json"]);
  assert.equal(lantern.authors.length, 4, "the API's author names are kept");
  assert.equal(lantern.authorCount, 4);
  assert.equal(lantern.upvotes, 15, "the higher vote count wins");
  assert.equal(lantern.githubRepo, "https://github.com/example/lantern");
  assert.equal(lantern.publishedAt, "2025-10-30");
  assert.deepEqual(papers.map((p) => p.title.split(":")[0]).sort(), ["Lantern", "Quiet Gradients", "Seedling", "Tidal"]);
  assert.ok(
    chunks.every((c) => papers.some((p) => p.id === c.paperId)),
    "no chunk is left behind by the superseded record",
  );
  assert.equal(new Set(chunks.map((c) => c.paperId)).size, 4);
});

test("given both sources in one run, then the result is the same as ingesting them one after the other", async (t) => {
  const dir = await tempDir(t);
  await ingestInto(join(dir, "a"), [page]);
  await ingestInto(join(dir, "a"), [hf]);
  await ingestInto(join(dir, "b"), [hf, page]);
  const [a, b] = [await readLibrary(join(dir, "a")), await readLibrary(join(dir, "b"))];
  assert.deepEqual(a.paperHashes, b.paperHashes);
  assert.deepEqual(a.chunks, b.chunks);
});

test("given the same inputs again, then everything is reported unchanged and nothing is written", async (t) => {
  const uri = join(await tempDir(t), "db");
  const first = await ingestInto(uri, [page, hf, jsonl]);
  assert.equal(first.papers.added, 6);
  const before = await readLibrary(uri);
  const again = await ingestInto(uri, [jsonl, hf, page]);
  assert.deepEqual(again.papers, { added: 0, updated: 0, unchanged: 6 });
  assert.deepEqual(again.chunks, { written: 0, unchanged: before.chunks.length });
  const after = await readLibrary(uri);
  assert.deepEqual(after.versions, before.versions, "no new table version: no write happened");
});

test("given a memo on a library whose indexes were never built (an earlier paperbot wrote one), then the next run builds them rather than trust it", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page, hf]);
  const store = await PaperStore.open({ uri });
  t.after(() => store.close());
  for (const table of [store.papers(), store.chunks()]) for (const index of await table.listIndices()) await table.dropIndex(index.name);
  // An ingest killed while building indexes, then re-run by a paperbot that wrote its memo all the same.
  const { inputs } = await readInputs([page, hf], { fetcher: createFetcher({ timeoutMs: 5_000, maxRetryAfterMs: 5_000 }) });
  const fingerprint = ingestFingerprint(inputs, { embedderId: new LocalEmbeddings().id });
  await rememberRun(store, { fingerprint, day: "2025-11-03", papers: 4, chunks: 4, skipped: [] });
  assert.equal((await store.unfinishedWork()).length, 5);

  const again = await ingestInto(uri, [page, hf]);
  assert.deepEqual(again.papers, { added: 0, updated: 0, unchanged: 4 });
  assert.deepEqual(await store.unfinishedWork(), [], "the run built the missing indexes");
  const before = await readLibrary(uri);
  await ingestInto(uri, [page, hf]);
  assert.deepEqual((await readLibrary(uri)).versions, before.versions, "and its own memo holds: the next run writes nothing");
});

test("given a file edited since the last ingest, then the edit is ingested, not taken for a repeat of that run", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  const file = join(dir, "papers.jsonl");
  const orchard = { title: "Orchard: Federated Fine-Tuning on Phones", summary: "Orchard fine-tunes a model across phones.", year: 2024 };
  await writeFile(file, `${JSON.stringify(orchard)}\n`);
  assert.equal((await ingestInto(uri, [file])).papers.added, 1);
  assert.deepEqual((await ingestInto(uri, [file])).papers, { added: 0, updated: 0, unchanged: 1 });

  await writeFile(
    file,
    `${JSON.stringify({ ...orchard, summary: "Orchard fine-tunes a model across ten thousand phones without sharing their data." })}\n`,
  );
  assert.deepEqual((await ingestInto(uri, [file])).papers, { added: 0, updated: 1, unchanged: 0 });
  const { papers } = await readLibrary(uri);
  assert.match(papers[0]!.summary, /ten thousand phones/);
});

test("given a page with dates without a year, then they take the page's year and a year-dated entry keeps its own", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page]);
  const { papers } = await readLibrary(uri);
  const byTitle = (prefix: string) => papers.find((p) => p.title.startsWith(prefix))!;
  assert.equal(byTitle("Lantern").publishedAt, "2025-10-30");
  assert.equal(byTitle("Quiet").publishedAt, "2024-10-28");
  assert.equal(byTitle("Quiet").upvotes, 3);
  assert.equal(byTitle("Seedling").upvotes, undefined);
  assert.equal(byTitle("Seedling").authorCount, 2);
});

test("given a JSONL file with one bad line, then the good lines land and the bad one is reported with its line and field", async (t) => {
  const uri = join(await tempDir(t), "db");
  const summary = await ingestInto(uri, [jsonl]);
  assert.equal(summary.papers.added, 2);
  assert.equal(summary.skipped.length, 1);
  assert.equal(summary.skipped[0]!.line, 2);
  assert.match(summary.skipped[0]!.reason, /upvotes/);
  assert.match(summary.skipped[0]!.source, /papers\.jsonl/);
});

test("given a paper whose summary got shorter, then it is updated and its old extra chunks are gone", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  const file = join(dir, "one.jsonl");
  const long = Array.from({ length: 30 }, (_, i) => `Sentence ${i} explains one more detail of the method in plain words.`).join(" ");
  await writeFile(file, `${JSON.stringify({ title: "Shrinking Paper", summary: long })}\n`);
  await ingestInto(uri, [file]);
  const before = await readLibrary(uri);
  assert.ok(before.chunks.length >= 2, "a long summary is split");
  assert.ok(
    before.chunks.every((c) => c.text.startsWith("Shrinking Paper\n\n")),
    "every chunk carries its title",
  );

  await writeFile(file, `${JSON.stringify({ title: "Shrinking Paper", summary: "Now a single short sentence." })}\n`);
  const summary = await ingestInto(uri, [file]);
  assert.deepEqual(summary.papers, { added: 0, updated: 1, unchanged: 0 });
  const after = await readLibrary(uri);
  assert.equal(after.chunks.length, 1);
  assert.match(after.chunks[0]!.text, /single short sentence/);
});

test("given a dry run, then the summary says what would change and the library is untouched", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [page]);
  const before = await readLibrary(uri);
  const dry = await ingestInto(uri, [page, jsonl], { dryRun: true });
  assert.deepEqual(dry.papers, { added: 2, updated: 0, unchanged: 3 });
  assert.ok(dry.chunks.written >= 2);
  assert.deepEqual((await readLibrary(uri)).versions, before.versions);
});
