/**
 * `npm run bench:query`: the query floors, measured and printed (not asserted).
 *  1. `search` on the seeds, in-process: p50 / p95 over the eval's seed questions, each once;
 *  2. `npx paperbot ask` (extractive) on the seeds: wall time of the whole command, start-up included;
 *  3. on the real corpus and resampled libraries (BENCH_SIZES, default "real,100k"): search held in
 *     memory and not held, beside its two bare LanceDB queries and a MiniSearch BM25 peer, in turn on
 *     each query (measure/measureSearch.ts); the vector index's recall@20 against exact search
 *     (measure/measureRecall.ts; BENCH_PROBES="10,20,…" adds a sweep; BENCH_VECTOR_INDEX="pq:sub=32,…" other
 *     indexes on a copy, measure/measureVectorIndexes.ts); the bot's start-up and RSS; on the
 *     real corpus, paper look-ups with and without the chunks' paperId index (measure/measurePaperLookups.ts);
 *  4. the real corpus in s3:// on an S3-compatible server on 127.0.0.1 (s3rver), searched the same way.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { seedQuestions } from "../eval/evalQuestions.js";
import { ingestInto } from "../helpers/library.js";
import { CLI, PROJECT_ROOT, SEEDS } from "../helpers/paths.js";
import { runCli } from "../helpers/runCli.js";
import { startS3ServerProcess } from "../helpers/s3Server.js";
import { benchQueries, label, parseSizes, writeCorpus } from "./measure/corpora.js";
import { ingestProcess } from "./measure/measureIngest.js";
import { measureRecall } from "./measure/measureRecall.js";
import { measureLibraryVectorIndexes, vectorIndexTrialsFromEnv } from "./measure/measureVectorIndexes.js";
import { measurePaperLookups } from "./measure/measurePaperLookups.js";
import { measureSearch } from "./measure/measureSearch.js";
import { printBot } from "./measure/printBot.js";
import { heading, ms, percentile, seconds } from "./measure/report.js";
import { timeInTurn } from "./measure/timeInTurn.js";

/** What the bot holds in memory (SEARCH_MEMORY_MAX_CHUNKS, default). */
const memoryChunks = buildConfig({}).search.memoryChunks;
const sweep = (process.env.BENCH_PROBES ?? "").split(",").filter(Boolean).map(Number);
const vectorIndexes = vectorIndexTrialsFromEnv(process.env);
const queries = benchQueries(Number(process.env.BENCH_QUERIES ?? 220));
const [warmUp, timed] = [queries.slice(0, 20), queries.slice(20)];

const work = await mkdtemp(join(tmpdir(), "paperbot-bench-query-"));
try {
  const questions = seedQuestions();

  heading("search on the seeds (in-process, k=10)");
  const seeds = join(work, "seeds");
  await ingestInto(seeds, [SEEDS]);
  const seedStore = await PaperStore.open({ uri: seeds });
  const seedSearcher = createSearcher({ store: seedStore, embeddings: new LocalEmbeddings(), memoryChunks });
  const seedTimes = (await timeInTurn({ search: (q) => seedSearcher.search(q, { k: 10 }) }, questions, warmUp)).search;
  seedStore.close();
  console.log(
    `${seedTimes.length} searches: p50 ${ms(percentile(seedTimes, 0.5))} (floor ≤ 5 ms)   p95 ${ms(percentile(seedTimes, 0.95))}`,
  );

  heading("npx paperbot ask (extractive), start-up included");
  // The command as a user types it, from the project folder, and in turn the same CLI started by node
  // itself: the difference is npx's own start-up.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANCEDB_URI: seeds, LOG_LEVEL: "warn" };
  const wall = (command: string, args: string[]) => {
    const start = performance.now();
    const r = spawnSync(command, args, { cwd: PROJECT_ROOT, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
    return performance.now() - start;
  };
  const askTimes = { npx: [] as number[], node: [] as number[] };
  for (const q of questions.slice(0, 5)) {
    askTimes.npx.push(wall("npx", ["paperbot", "ask", q, "--json"]));
    askTimes.node.push(wall(process.execPath, [CLI, "ask", q, "--json"]));
  }
  console.log(
    `npx paperbot ask   median ${seconds(percentile(askTimes.npx, 0.5))} (floor ≤ 1.5 s)   runs: ${askTimes.npx.map(seconds).join(", ")}`,
  );
  console.log(`node …/main.js ask median ${seconds(percentile(askTimes.node, 0.5))}   runs: ${askTimes.node.map(seconds).join(", ")}`);

  for (const size of parseSizes(process.env.BENCH_SIZES ?? "real,100k")) {
    heading(`search: ${label(size)}`);
    const dir = join(work, String(size));
    const uri = join(dir, "db");
    const built = ingestProcess(uri, await writeCorpus(size, dir));
    console.log(`  ${built.chunksWritten} passages of ${built.papers} papers (ingested in ${seconds(built.totalMs)})`);
    await measureSearch({ uri }, timed, warmUp, { holdUpTo: memoryChunks });
    await measureRecall({ uri }, timed, sweep);
    if (vectorIndexes.trials.length > 0) await measureLibraryVectorIndexes(uri, timed, vectorIndexes.trials, vectorIndexes.sweep);
    if (size === "real") await measurePaperLookups(uri, memoryChunks);
    await printBot(uri, timed.slice(0, 20), dir);
    if (size !== "real") await rm(dir, { recursive: true, force: true });
  }

  heading("search: real corpus in s3:// (s3rver on 127.0.0.1) beside the same on local disk");
  const s3 = await startS3ServerProcess();
  try {
    const days = join(work, "s3-corpus");
    const [input] = await writeCorpus("real", days);
    const start = performance.now();
    const ingest = await runCli(["ingest", input!, "--json"], { cwd: work, env: s3.env("corpus"), timeoutMs: 30 * 60_000 });
    if (ingest.code !== 0) throw new Error(ingest.stderr);
    console.log(`  ingested into s3:// by the CLI in ${seconds(performance.now() - start)}`);
    console.log("  s3://");
    await measureSearch({ uri: s3.uri("corpus"), storageOptions: s3.storageOptions }, timed, warmUp, { holdUpTo: memoryChunks });
    console.log("  local disk (the same corpus, measured just now)");
    const local = join(work, "real", "db");
    if (!existsSync(local)) ingestProcess(local, [input!]);
    await measureSearch({ uri: local }, timed, warmUp, { holdUpTo: memoryChunks });
  } finally {
    await s3.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
