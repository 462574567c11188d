/**
 * `npm run bench:ingest`: the ingest floors, measured and printed (not asserted).
 *  1. the four seed files through the CLI, start-up included (median of 3, fresh library each time);
 *  2. re-ingest of the same files: rows written and time as a share of the first run, both as CLI
 *     wall time and in-process (start-up excluded, the work itself);
 *  3. the real corpus and resampled libraries (BENCH_SIZES, default "real,100k"; see measure/corpora.ts),
 *     each ingested in a process of its own: chunks/s with and without the index builds, index build
 *     time, peak RSS, bytes on disk per 1,000 papers, and what a re-ingest writes and costs (same day,
 *     another day, and with every record compared); then
 *     BENCH_COMPARE (default 3) more first ingests each with the embedding thread and without, in turn.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestSummary } from "../../ingest/runIngest.js";
import { capturingLogger } from "../helpers/capturingLogger.js";
import { ingestInto, readLibrary } from "../helpers/library.js";
import { CLI, SEEDS } from "../helpers/paths.js";
import { bytesOnDisk } from "../helpers/storedCopies.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { label, parseSizes, writeCorpus } from "./measure/corpora.js";
import { measureIngest } from "./measure/measureIngest.js";
import { heading } from "./measure/report.js";

/** What a library takes on disk per 1,000 papers: as the ingest left it, and with older versions pruned (an ingest keeps them a day). */
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const work = mkdtempSync(join(tmpdir(), "paperbot-bench-"));

function cliIngest(uri: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [CLI, "ingest", SEEDS, "--json"], {
    env: { PATH: process.env.PATH, LANCEDB_URI: uri, LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - start;
}

try {
  heading("seeds: first ingest vs re-ingest (CLI, start-up included)");
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

  heading("seeds: in-process (the ingest work, start-up excluded)");
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
    // Another day: the seeds' Daily Papers pages print dates without a year, so the memo of the
    // last run does not apply and every record is parsed and compared.
    const { logger, lines } = capturingLogger();
    t = performance.now();
    const compared = await ingestInto(uri, [SEEDS], { now: new Date("2025-11-04T12:00:00Z"), logger });
    inCompared.push(performance.now() - t);
    if (!unchanged(s) || !unchanged(compared)) throw new Error("re-ingest wrote rows");
    if (lines.some((line) => line.memo === "holds")) throw new Error("the seeds' memo held on another day");
  }
  const ratio = (xs: number[]) => `${((100 * median(xs)) / median(inFirst)).toFixed(0)}%`;
  console.log(`first ${fmt(median(inFirst))}   re-ingest ${fmt(median(inAgain))}   ratio ${ratio(inAgain)}   (floor ≤ 30%)`);
  console.log(
    `re-ingest on another day (the pages' dates print no year: full parse and compare, no memo) ${fmt(median(inCompared))}   ratio ${ratio(inCompared)}`,
  );

  for (const size of parseSizes(process.env.BENCH_SIZES ?? "real,100k")) {
    heading(`ingest: ${label(size)}, local embedder`);
    const dir = join(work, String(size));
    await measureIngest(join(dir, "db"), await writeCorpus(size, dir), { compare: Number(process.env.BENCH_COMPARE ?? 3) });
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
