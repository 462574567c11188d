/**
 * `npm run bench:scale`: the floors at a million passages (BENCH_SIZES to change it), in
 * one run of under 30 minutes here: a resampled corpus ingested in a process of its own
 * (chunks/s, index builds, peak RSS, bytes on disk, re-ingest), then search as the bot
 * runs it at this size (not held in memory: above SEARCH_MEMORY_MAX_CHUNKS), its bare
 * LanceDB queries, recall@20 of the vector index (BENCH_VECTOR_INDEX: and of other indexes,
 * see query.bench.ts), and the bot's start-up and RSS.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config.js";
import { benchQueries, label, parseSizes, writeCorpus } from "./measure/corpora.js";
import { measureIngest } from "./measure/measureIngest.js";
import { measureRecall } from "./measure/measureRecall.js";
import { measureLibraryVectorIndexes, vectorIndexTrialsFromEnv } from "./measure/measureVectorIndexes.js";
import { measureSearch } from "./measure/measureSearch.js";
import { printBot } from "./measure/printBot.js";
import { heading, seconds } from "./measure/report.js";

const memoryChunks = buildConfig({}).search.memoryChunks;
const sweep = (process.env.BENCH_PROBES ?? "").split(",").filter(Boolean).map(Number);
const vectorIndexes = vectorIndexTrialsFromEnv(process.env);
const queries = benchQueries(Number(process.env.BENCH_QUERIES ?? 220));
const [warmUp, timed] = [queries.slice(0, 20), queries.slice(20)];
const began = performance.now();
/** Each step's heading says how long the run has taken so far: the whole must stay under 30 minutes here. */
const step = (text: string) => heading(`${text} (at ${seconds(performance.now() - began)})`);

const work = await mkdtemp(join(tmpdir(), "paperbot-bench-scale-"));
try {
  for (const size of parseSizes(process.env.BENCH_SIZES ?? "1000k")) {
    step(`${label(size)}: writing the corpus`);
    const dir = join(work, String(size));
    const uri = join(dir, "db");
    const writing = performance.now();
    const inputs = await writeCorpus(size, dir);
    console.log(`  ${inputs.length} files in ${seconds(performance.now() - writing)}`);
    step(`${label(size)}: ingest`);
    // A first ingest holds every parsed record: 4–7 GB of heap at 1M passages (6.3 GB RSS), at or past Node's default limit.
    await measureIngest(uri, inputs, { heapMb: typeof size === "number" && size > 500_000 ? 12_288 : undefined });
    await rm(join(dir, "sampled"), { recursive: true, force: true });
    step(`${label(size)}: search`);
    await measureSearch({ uri }, timed, warmUp, { holdUpTo: memoryChunks });
    // Exact search reads every vector (~1 GB at 1M passages): 100 queries keep the run under 30 minutes.
    await measureRecall({ uri }, timed.slice(0, 100), sweep);
    if (vectorIndexes.trials.length > 0)
      await measureLibraryVectorIndexes(uri, timed.slice(0, 100), vectorIndexes.trials, vectorIndexes.sweep);
    step(`${label(size)}: the bot`);
    await printBot(uri, timed.slice(0, 20), dir);
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\nbench:scale took ${seconds(performance.now() - began)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
