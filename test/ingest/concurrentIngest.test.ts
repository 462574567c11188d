import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { PaperStore } from "../../src/store/paperStore.js";
import { WriteLock, lockDirOf } from "../../src/store/writeLock.js";
import { sampledPapers, toJsonl, type SampledPaper } from "../helpers/realCorpus.js";
import { readLibrary } from "../helpers/library.js";
import { tempDir } from "../helpers/paths.js";
import { runCli, spawnCli, type CliResult } from "../helpers/runCli.js";

/**
 * Two real `paperbot ingest` processes on one library, started together and held at
 * the library's door by the test taking its write lock first; once both say they are
 * waiting, the lock is released and they race for the library, each having opened it
 * before any table existed, as two ingests started at the same moment do. Both must
 * succeed, each reporting its own records, and leave what one run of both inputs leaves.
 */

async function jsonl(dir: string, name: string, papers: SampledPaper[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, toJsonl(papers));
  return file;
}

/** A running CLI process: its result when it ends, and a promise for the moment its stderr first matches. */
function running(child: ReturnType<typeof spawnCli>, waitFor: RegExp): { done: Promise<CliResult>; matched: Promise<void> } {
  let stdout = "";
  let stderr = "";
  let seen!: () => void;
  const matched = new Promise<void>((resolve) => (seen = resolve));
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (waitFor.test(stderr)) seen();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, matched: Promise.race([matched, done.then((r) => Promise.reject(new Error(`ended before waiting: ${r.stderr}`)))]) };
}

async function racing(dir: string, uri: string, first: string, second: string): Promise<[CliResult, CliResult]> {
  const held = await WriteLock.acquire(lockDirOf(uri), { what: "ingest" });
  try {
    const env = { LANCEDB_URI: uri, LOG_LEVEL: "info" };
    const runs = [first, second].map((file) =>
      running(spawnCli(["ingest", file, "--json"], { cwd: dir, env }), /waiting for it to finish/),
    );
    await Promise.all(runs.map((r) => r.matched));
    await held?.release();
    return (await Promise.all(runs.map((r) => r.done))) as [CliResult, CliResult];
  } finally {
    await held?.release();
  }
}

type Summary = { papers: { added: number; updated: number; unchanged: number } };

test("given two ingests into a new library at once, then both exit 0 and the library holds both, as one run of both would", async (t) => {
  const dir = await tempDir(t);
  const a = await jsonl(dir, "a.jsonl", sampledPapers(150, { seed: 21 }));
  const b = await jsonl(dir, "b.jsonl", sampledPapers(150, { seed: 22 }));
  const [first, second] = await racing(dir, join(dir, "db"), a, b);

  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  assert.match(first.stderr, /another ingest is writing this library \(pid \d+/, "each waited while the library was held");
  assert.equal((JSON.parse(first.stdout) as Summary).papers.added, 150);
  assert.equal((JSON.parse(second.stdout) as Summary).papers.added, 150, "the second's records landed, and it says so");

  const clean = join(dir, "clean");
  assert.equal((await runCli(["ingest", a, b], { cwd: dir, env: { LANCEDB_URI: clean } })).code, 0);
  const [together, both] = [await readLibrary(join(dir, "db")), await readLibrary(clean)];
  assert.deepEqual(together.paperHashes, both.paperHashes);
  assert.deepEqual(together.chunks, both.chunks);
  const store = await PaperStore.open({ uri: join(dir, "db") });
  t.after(() => store.close());
  assert.deepEqual(await store.unfinishedWork(), [], "indexes complete");
});

test("given two ingests updating an existing library at once, then both exit 0 and every update lands", async (t) => {
  const dir = await tempDir(t);
  const papers = sampledPapers(200, { seed: 23 });
  const uri = join(dir, "db");
  const base = await jsonl(dir, "base.jsonl", papers);
  assert.equal((await runCli(["ingest", base], { cwd: dir, env: { LANCEDB_URI: uri } })).code, 0);

  // Each run changes its own half of the papers: both runs merge, re-chunk and rebuild indexes.
  const votes = (from: number, to: number, upvotes: number) => papers.slice(from, to).map((p) => ({ ...p, upvotes }));
  const first = await jsonl(dir, "first.jsonl", votes(0, 100, 1001));
  const second = await jsonl(dir, "second.jsonl", [...votes(100, 200, 1002), ...sampledPapers(50, { seed: 24 })]);
  const [one, two] = await racing(dir, uri, first, second);

  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  assert.doesNotMatch(`${one.stderr}${two.stderr}`, /conflict|unexpectedly/i);
  assert.deepEqual((JSON.parse(one.stdout) as Summary).papers, { added: 0, updated: 100, unchanged: 0 });
  assert.deepEqual((JSON.parse(two.stdout) as Summary).papers, { added: 50, updated: 100, unchanged: 0 });

  const stored = (await readLibrary(uri)).papers;
  assert.equal(stored.length, 250);
  assert.equal(stored.filter((p) => p.upvotes === 1001).length, 100);
  assert.equal(stored.filter((p) => p.upvotes === 1002).length, 100);
});
