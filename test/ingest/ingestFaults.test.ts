import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { PaperStore } from "../../src/store/paperStore.js";
import { sampledPapers, toJsonl } from "../helpers/realCorpus.js";
import { readLibrary } from "../helpers/library.js";
import { tempDir } from "../helpers/paths.js";
import { runCli, spawnCli } from "../helpers/runCli.js";

const BATCH = "30";

async function corpus(dir: string, count: number): Promise<string> {
  const file = join(dir, "corpus.jsonl");
  await writeFile(file, toJsonl(sampledPapers(count, { seed: 7 })));
  return file;
}

test("given an ingest killed with SIGKILL mid-way, when it is run again, then the library equals an uninterrupted run's", async (t) => {
  const dir = await tempDir(t);
  const file = await corpus(dir, 240);
  const killedUri = join(dir, "killed");
  const cleanUri = join(dir, "clean");

  const child = spawnCli(["ingest", file], { cwd: dir, env: { LANCEDB_URI: killedUri, INGEST_BATCH_PAPERS: BATCH, LOG_LEVEL: "debug" } });
  let committed = 0;
  await new Promise<void>((resolve) => {
    child.stderr?.on("data", (d: Buffer) => {
      committed += (d.toString().match(/"batch committed"/g) ?? []).length;
      if (committed >= 2 && !child.killed) child.kill("SIGKILL");
    });
    child.on("close", () => resolve());
  });
  assert.equal(child.signalCode, "SIGKILL", "the ingest was killed before it finished");
  const partial = await readLibrary(killedUri);
  assert.ok(partial.papers.length >= 60 && partial.papers.length < 240, `killed mid-way (${partial.papers.length} papers stored)`);

  const rerun = await runCli(["ingest", file, "--json"], { cwd: dir, env: { LANCEDB_URI: killedUri, INGEST_BATCH_PAPERS: BATCH } });
  assert.equal(rerun.code, 0, rerun.stderr);
  const summary = JSON.parse(rerun.stdout) as { papers: { added: number; unchanged: number } };
  assert.equal(summary.papers.added + summary.papers.unchanged, 240);
  assert.ok(summary.papers.unchanged >= 60, "batches committed before the kill are kept");

  await runCli(["ingest", file], { cwd: dir, env: { LANCEDB_URI: cleanUri, INGEST_BATCH_PAPERS: BATCH } });
  const [resumed, clean] = [await readLibrary(killedUri), await readLibrary(cleanUri)];
  assert.equal(new Set(resumed.chunks.map((c) => c.id)).size, resumed.chunks.length, "no duplicate chunks");
  assert.deepEqual(resumed.paperHashes, clean.paperHashes);
  assert.deepEqual(resumed.chunks, clean.chunks);
});

test("given an ingest writing in another process, then a reader keeps answering with consistent counts", async (t) => {
  const dir = await tempDir(t);
  const file = await corpus(dir, 300);
  const uri = join(dir, "db");
  // Seed the library so the reader has tables to open.
  const seedFile = join(dir, "seed.jsonl");
  await writeFile(seedFile, toJsonl(sampledPapers(20, { seed: 3 })));
  await runCli(["ingest", seedFile], { cwd: dir, env: { LANCEDB_URI: uri } });

  const reader = await PaperStore.open({ uri });
  t.after(() => reader.close());
  const child = spawnCli(["ingest", file], { cwd: dir, env: { LANCEDB_URI: uri, INGEST_BATCH_PAPERS: BATCH } });
  let running = true;
  child.on("close", () => (running = false));

  const seen: number[] = [];
  while (running) {
    const counts = await reader.counts();
    const hits = await reader.chunks().search("model training", "fts").limit(5).toArray();
    assert.ok(hits.length > 0, "full-text search answers during the write");
    seen.push(counts.papers);
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(child.exitCode, 0);
  assert.ok(seen.length >= 3, "the reader ran while the ingest wrote");
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    seen,
    "the paper count never goes backwards",
  );
  assert.ok(seen[0]! >= 20);
  assert.equal((await reader.counts()).papers, 320, "the reader sees the finished ingest without reopening");
});
