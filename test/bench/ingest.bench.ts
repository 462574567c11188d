/**
 * `npm run bench:ingest`: the ingest floors, measured and printed (not asserted).
 *  1. the four seed files through the CLI, start-up included (median of 3, fresh library each time);
 *  2. re-ingest of the same files: rows written and time as a share of the first run, both as CLI
 *     wall time and in-process (start-up excluded, the work itself);
 *  3. a generated corpus of ~100k chunks with the local embedder: chunks/s and peak RSS;
 *  and for the seeds and the corpus, the bytes the library takes on disk per 1,000 papers: as the
 *  ingest left it, and with the versions before its last one pruned (an ingest keeps them a day).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestSummary } from "../../ingest/runIngest.js";
import { ingestInto, readLibrary } from "../helpers/library.js";
import { generatePapers, toJsonl } from "../helpers/generateCorpus.js";
import { CLI, SEEDS } from "../helpers/paths.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { bytesOnDisk } from "../helpers/storedCopies.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const work = mkdtempSync(join(tmpdir(), "paperbot-bench-"));

/** Bytes on disk per 1,000 papers, as left and once older versions are pruned (a write of its own: run it last). */
async function diskPerThousandPapers(uri: string, papers: number): Promise<string> {
  const mb = (bytes: number) => `${((1000 * bytes) / papers / 1e6).toFixed(2)} MB`;
  const asLeft = await bytesOnDisk(uri);
  const store = await PaperStore.open({ uri });
  try {
    for (const table of [store.papers(), store.chunks()]) await table.optimize({ cleanupOlderThan: new Date() });
  } finally {
    store.close();
  }
  return `bytes on disk per 1,000 papers: ${mb(asLeft)} as the ingest left it, ${mb(await bytesOnDisk(uri))} with older versions pruned`;
}

function cliIngest(uri: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [CLI, "ingest", SEEDS, "--json"], { env: { PATH: process.env.PATH, LANCEDB_URI: uri, LOG_LEVEL: "warn" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - start;
}

try {
  console.log("== seeds: first ingest vs re-ingest (CLI, start-up included) ==");
  const first: number[] = [];
  const again: number[] = [];
  for (let i = 0; i < 3; i++) {
    const uri = join(work, `seeds-${i}`);
    first.push(cliIngest(uri));
    const before = await readLibrary(uri);
    again.push(cliIngest(uri));
    const after = await readLibrary(uri);
    if (JSON.stringify(before.versions) !== JSON.stringify(after.versions)) throw new Error("re-ingest wrote rows");
  }
  console.log(`first ingest   median ${fmt(median(first))}   (floor ≤ 5 s)   runs: ${first.map(fmt).join(", ")}`);
  console.log(`re-ingest      median ${fmt(median(again))}   rows written: 0   runs: ${again.map(fmt).join(", ")}`);
  console.log(`re-ingest / first (CLI wall): ${((100 * median(again)) / median(first)).toFixed(0)}%`);
  const seedsUri = join(work, "seeds-0");
  console.log(`seeds ${await diskPerThousandPapers(seedsUri, (await readLibrary(seedsUri)).papers.length)}`);

  console.log("\n== seeds: in-process (the ingest work, start-up excluded) ==");
  const inFirst: number[] = [];
  const inAgain: number[] = [];
  const inCompared: number[] = [];
  const unchanged = (s: IngestSummary) => s.chunks.written === 0 && s.papers.added + s.papers.updated === 0;
  for (let i = 0; i < 3; i++) {
    const uri = join(work, `inproc-${i}`);
    let t = performance.now();
    await ingestInto(uri, [SEEDS]);
    inFirst.push(performance.now() - t);
    t = performance.now();
    const s = await ingestInto(uri, [SEEDS]);
    inAgain.push(performance.now() - t);
    // Another day: the memo of the last run does not apply, so every record is parsed and compared.
    t = performance.now();
    const compared = await ingestInto(uri, [SEEDS], { now: new Date("2025-11-04T12:00:00Z") });
    inCompared.push(performance.now() - t);
    if (!unchanged(s) || !unchanged(compared)) throw new Error("re-ingest wrote rows");
  }
  const ratio = (xs: number[]) => `${((100 * median(xs)) / median(inFirst)).toFixed(0)}%`;
  console.log(`first ${fmt(median(inFirst))}   re-ingest ${fmt(median(inAgain))}   ratio ${ratio(inAgain)}   (floor ≤ 30%)`);
  console.log(`re-ingest on another day (full parse and compare, no memo) ${fmt(median(inCompared))}   ratio ${ratio(inCompared)}`);

  console.log("\n== generated corpus, local embedder ==");
  const papers = generatePapers(Number(process.env.BENCH_PAPERS ?? 32_500), { seed: 11, sentencesPerPaper: 22 });
  const file = join(work, "generated.jsonl");
  writeFileSync(file, toJsonl(papers));
  const uri = join(work, "generated");
  // Time the index builds separately: they are a one-off at this size, the rest is per chunk.
  let indexMs = 0;
  const refresh = PaperStore.prototype.refreshIndexes;
  PaperStore.prototype.refreshIndexes = async function (this: PaperStore, ...args: Parameters<typeof refresh>) {
    const start = performance.now();
    const unfinished = await refresh.apply(this, args);
    indexMs += performance.now() - start;
    return unfinished;
  };
  const t = performance.now();
  const summary = await ingestInto(uri, [file]);
  const seconds = (performance.now() - t) / 1000;
  const writeSeconds = seconds - indexMs / 1000;
  const chunks = summary.chunks.written;
  console.log(`${summary.papers.added} papers → ${chunks} chunks`);
  console.log(`  parse + chunk + embed + write: ${writeSeconds.toFixed(1)} s = ${Math.round(chunks / writeSeconds)} chunks/s (floor ≥ 3,000)`);
  console.log(`  index builds (full-text, IVF vector, compaction): ${(indexMs / 1000).toFixed(1)} s`);
  console.log(`  end to end: ${seconds.toFixed(1)} s = ${Math.round(chunks / seconds)} chunks/s`);
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  console.log(`generated corpus ${await diskPerThousandPapers(uri, summary.papers.added)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
