import * as lancedb from "@lancedb/lancedb";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PaperStore } from "../../src/store/paperStore.js";
import { sampledPapers, toJsonl } from "../helpers/realCorpus.js";
import { afterBatches, buildingIndexes, compacting, creatingTable, ingestUntil, type PhaseTrigger } from "../helpers/ingestPhases.js";
import { readLibrary, type LibraryContent } from "../helpers/library.js";
import { runCli } from "../helpers/runCli.js";

/**
 * A real `paperbot ingest` process is killed (SIGKILL) or interrupted (SIGINT) at each
 * phase of a first ingest, caught by what it writes into the library (ingestPhases);
 * the next run must leave exactly what an uninterrupted run leaves, with search working.
 */

const PAPERS = 240;
const BATCH = 30; // 8 batches
const CORPUS = sampledPapers(PAPERS, { seed: 7 });
let dir = "";
let file = "";
let clean: LibraryContent;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-interrupted-"));
  file = join(dir, "corpus.jsonl");
  await writeFile(file, toJsonl(CORPUS));
  const run = await runCli(["ingest", file], { cwd: dir, env: { LANCEDB_URI: join(dir, "clean"), INGEST_BATCH_PAPERS: String(BATCH) } });
  assert.equal(run.code, 0, run.stderr);
  clean = await readLibrary(join(dir, "clean"));
});
after(() => rm(dir, { recursive: true, force: true }));

const env = (uri: string) => ({ LANCEDB_URI: uri, INGEST_BATCH_PAPERS: String(BATCH), LOG_LEVEL: "info" });

async function unfinished(uri: string): Promise<string[]> {
  const store = await PaperStore.open({ uri });
  try {
    return await store.unfinishedWork();
  } finally {
    store.close();
  }
}

async function chunkFragments(uri: string): Promise<number> {
  const db = await lancedb.connect(uri);
  try {
    return (await (await db.openTable("chunks")).stats()).fragmentStats.numFragments;
  } finally {
    db.close();
  }
}

/**
 * Kills an ingest when `trigger` fires, until `caught` confirms the library was left in
 * that phase (a kill can land a moment late on a busy machine; then a fresh library is
 * tried, at most three times). Returns the library's folder.
 */
async function killedIn(name: string, trigger: () => PhaseTrigger, caught: (uri: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const uri = join(dir, `${name}-${attempt}`);
    const run = await ingestUntil(uri, [file], trigger(), { cwd: dir, env: env(uri) });
    assert.ok(run.caught, `the ingest reached the phase (${name}): ${run.stderr}`);
    assert.equal(run.signal, "SIGKILL");
    if (await caught(uri)) return uri;
  }
  assert.fail(`the ingest was never killed while ${name}`);
}

/** The re-run: exit 0, no waiting on the dead run's lock, then the clean run's library and a working search. */
async function rerunAndCompare(uri: string): Promise<{ stderr: string }> {
  const rerun = await runCli(["ingest", file, "--json"], { cwd: dir, env: env(uri) });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.doesNotMatch(rerun.stderr, /waiting for it to finish/, "a killed run's lock is taken over at once");
  const summary = JSON.parse(rerun.stdout) as { papers: { added: number; unchanged: number } };
  assert.equal(summary.papers.added + summary.papers.unchanged, PAPERS);

  const resumed = await readLibrary(uri);
  assert.deepEqual(resumed.paperHashes, clean.paperHashes);
  assert.deepEqual(resumed.chunks, clean.chunks);
  assert.deepEqual(await unfinished(uri), [], "compacted, every index built");

  const search = await runCli(["search", "memory routing for text attention", "--k", "3", "--json"], { cwd: dir, env: env(uri) });
  assert.equal(search.code, 0, search.stderr);
  assert.equal((JSON.parse(search.stdout) as { results: unknown[] }).results.length, 3);
  assert.deepEqual(
    readdirSync(uri).filter((n) => /^\.paperbot-write\.\d+\.lock$/.test(n)),
    [],
    "no lock is left held",
  );
  return rerun;
}

// The chunks table is created by the first batch, the papers table right after it.
for (const [table, reader] of [
  ["chunks", ["search", "attention"]],
  ["papers", ["paper", CORPUS[0]!.title]],
] as const) {
  test(`given an ingest killed while it creates the ${table} table, when it is run again, then the library equals a clean run's`, async () => {
    const uri = await killedIn(
      `creating the ${table} table`,
      () => creatingTable(table),
      async (u) => existsSync(join(u, `${table}.lance`)) && !existsSync(join(u, `${table}.lance`, "_versions")),
    );

    // A reader is told what happened instead of LanceDB's "_versions was not found".
    const read = await runCli([...reader], { cwd: dir, env: env(uri) });
    assert.equal(read.code, 1);
    assert.match(read.stderr, /interrupted while creating it\. Run `npx paperbot ingest/);
    assert.doesNotMatch(read.stderr, /_versions|unexpectedly/);

    const { stderr } = await rerunAndCompare(uri);
    assert.match(stderr, new RegExp(`"tables":\\["${table}"\\].*interrupted while creating these tables`));
  });
}

test("given an ingest killed between write batches, when it is run again, then the library equals a clean run's", async () => {
  const uri = await killedIn(
    "between batches",
    () => afterBatches("papers", 2),
    async (u) => {
      const papers = (await readLibrary(u)).papers.length;
      return papers >= 2 * BATCH && papers < PAPERS;
    },
  );
  await rerunAndCompare(uri);
});

test("given an ingest killed while it compacts, when search runs first and the ingest again, then both finish the work", async () => {
  const uri = await killedIn(
    "compacting",
    () => compacting("chunks", PAPERS / BATCH),
    async (u) => {
      const left = await unfinished(u);
      return (
        (await readLibrary(u)).papers.length === PAPERS && (await chunkFragments(u)) > 1 && left.includes("chunks: no full-text index")
      );
    },
  );
  // A reader meets the missing full-text index and builds it (and compacts) rather than fail.
  const search = await runCli(["search", "memory routing for text attention", "--k", "3"], { cwd: dir, env: env(uri) });
  assert.equal(search.code, 0, search.stderr);
  assert.deepEqual(await unfinished(uri), []);
  assert.equal(await chunkFragments(uri), 1, "compacted");
  await rerunAndCompare(uri);
});

test("given an ingest killed while it builds the indexes, when it is run again, then it builds them although it writes no paper", async () => {
  const uri = await killedIn("building indexes", buildingIndexes, async (u) =>
    (await unfinished(u)).some((l) => /no full-text index/.test(l)),
  );
  assert.equal((await readLibrary(uri)).papers.length, PAPERS, "every paper was stored before the indexes");
  const { stderr } = await rerunAndCompare(uri);
  assert.match(stderr, /finished what an interrupted ingest left undone/);

  // The memo of that run is trusted again: the next run reads nothing.
  const again = await runCli(["ingest", file, "--json"], { cwd: dir, env: { ...env(uri), LOG_LEVEL: "debug" } });
  assert.match(again.stderr, /same inputs as the last ingest/);
});

test("given Ctrl-C during an ingest, then it says what was stored and the command that finishes it, and exits 130", async () => {
  const writing = join(dir, "sigint-writing");
  const duringBatches = await ingestUntil(writing, [file], afterBatches("papers", 2), { cwd: dir, env: env(writing), signal: "SIGINT" });
  assert.equal(duringBatches.code, 130, duringBatches.stderr);
  assert.match(duringBatches.stderr, new RegExp(`Ingest interrupted \\(SIGINT\\) after storing \\d+ of ${PAPERS} papers`));
  assert.ok(duringBatches.stderr.includes(`Run \`npx paperbot ingest ${file}\` again to finish`), duringBatches.stderr);

  const indexing = join(dir, "sigint-indexing");
  const duringIndexes = await ingestUntil(indexing, [file], buildingIndexes(), { cwd: dir, env: env(indexing), signal: "SIGINT" });
  assert.equal(duringIndexes.code, 130, duringIndexes.stderr);
  assert.match(duringIndexes.stderr, /Ingest interrupted \(SIGINT\) while compacting and indexing: every paper is stored/);

  for (const uri of [writing, indexing]) await rerunAndCompare(uri);
});
