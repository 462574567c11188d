/**
 * `npm run bench:query`: the query floors, measured and printed (not asserted).
 *  1. `search` on the seeds, in-process: p50 / p95 over the eval questions (after one warm-up pass);
 *  2. `search` on a generated library of ~100k chunks, with its indexes, held in memory as the bot
 *     holds it: p50 / p95, and in turn with each search the same search with the library not held
 *     (a one-shot CLI search) and the floor under it: its two LanceDB queries alone;
 *  3. `npx paperbot ask` (extractive) on the seeds: wall time of the whole command, start-up included.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfig } from "../../src/config.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { CANDIDATES, createSearcher, toTextQuery } from "../../src/retrieve/searchPapers.js";
import { PaperStore, VECTOR_PROBES } from "../../src/store/paperStore.js";
import { generatePapers, toJsonl } from "../helpers/generateCorpus.js";
import { seedQuestions } from "../eval/evalQuestions.js";
import { ingestInto } from "../helpers/library.js";
import { CLI, PROJECT_ROOT, SEEDS } from "../helpers/paths.js";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

type Timed = (query: string) => Promise<unknown>;

/** Runs each query through every function in turn (after a warm-up), so that all see the host in the same state. */
async function timeInTurn<K extends string>(runs: Record<K, Timed>, queries: string[]): Promise<Record<K, number[]>> {
  const names = Object.keys(runs) as K[];
  for (const q of queries.slice(0, 10)) for (const name of names) await runs[name](q); // warm-up: open files, load indexes
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (const q of queries) {
    for (const name of names) {
      const start = performance.now();
      await runs[name](q);
      times[name].push(performance.now() - start);
    }
  }
  return times;
}

/** Bytes of JavaScript heap and array buffers still reachable (after full collections: the script runs with --expose-gc). */
async function memoryInUse(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Array buffers are freed after the collection that finds them unreachable: collect, let that run, collect again.
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** What the bot holds in memory (SEARCH_MEMORY_MAX_CHUNKS, default). */
const memoryChunks = buildConfig({}).search.memoryChunks;
const embeddings = new LocalEmbeddings();

const work = await mkdtemp(join(tmpdir(), "paperbot-bench-query-"));
try {
  const questions = seedQuestions();

  console.log("== search on the seeds (in-process, k=10) ==");
  const seeds = join(work, "seeds");
  await ingestInto(seeds, [SEEDS]);
  const seedStore = await PaperStore.open({ uri: seeds });
  const seedSearcher = createSearcher({ store: seedStore, embeddings, memoryChunks });
  const seedTimes = (await timeInTurn({ search: (q) => seedSearcher.search(q, { k: 10 }) }, [...questions, ...questions])).search;
  seedStore.close();
  console.log(`${seedTimes.length} searches: p50 ${ms(percentile(seedTimes, 0.5))} (floor ≤ 5 ms)   p95 ${ms(percentile(seedTimes, 0.95))}`);

  console.log("\n== npx paperbot ask (extractive), start-up included ==");
  // The command as a user types it, from the project folder, and in turn the same CLI started by node
  // itself: the difference is npx's own start-up.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANCEDB_URI: seeds, LOG_LEVEL: "warn" };
  const timed = (command: string, args: string[]) => {
    const start = performance.now();
    const r = spawnSync(command, args, { cwd: PROJECT_ROOT, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
    return performance.now() - start;
  };
  const askTimes = { npx: [] as number[], node: [] as number[] };
  for (const q of questions.slice(0, 5)) {
    askTimes.npx.push(timed("npx", ["paperbot", "ask", q, "--json"]));
    askTimes.node.push(timed(process.execPath, [CLI, "ask", q, "--json"]));
  }
  const seconds = (x: number) => `${(x / 1000).toFixed(2)} s`;
  console.log(`npx paperbot ask   median ${seconds(percentile(askTimes.npx, 0.5))} (floor ≤ 1.5 s)   runs: ${askTimes.npx.map(seconds).join(", ")}`);
  console.log(`node …/main.js ask median ${seconds(percentile(askTimes.node, 0.5))}   runs: ${askTimes.node.map(seconds).join(", ")}`);

  console.log("\n== search on a generated library (~100k chunks, with indexes) ==");
  const file = join(work, "generated.jsonl");
  writeFileSync(file, toJsonl(generatePapers(Number(process.env.BENCH_PAPERS ?? 32_500), { seed: 11, sentencesPerPaper: 22 })));
  const big = join(work, "big");
  const summary = await ingestInto(big, [file]);
  const queries = generatePapers(200, { seed: 99, sentencesPerPaper: 1 }).map((p) => p.summary);
  const store = await PaperStore.open({ uri: big });
  try {
    // As the bot searches: the library held in memory, read once at start-up.
    const held = createSearcher({ store, embeddings, memoryChunks });
    const before = await memoryInUse();
    const loading = performance.now();
    await held.prepare();
    const loaded = performance.now() - loading;
    const heldMb = ((await memoryInUse()) - before) / 1e6;
    // As a one-shot `npx paperbot search` does (and the bot above SEARCH_MEMORY_MAX_CHUNKS): LanceDB reads the columns.
    const notHeld = createSearcher({ store, embeddings, memoryChunks: 0 });
    // The floor under search: the two LanceDB queries it makes (row ids and scores), with the same
    // limits, and nothing else (no embedding, fusion or grouping).
    const chunks = store.chunks();
    const lanceOnly = async (q: string) => {
      const vector = Float32Array.from(await embeddings.embedQuery(`${q} `)); // another string: no cached query vector
      await Promise.all([
        chunks.query().nearestTo(vector).distanceType("cosine").nprobes(VECTOR_PROBES).limit(CANDIDATES).select(["_distance"]).withRowId().toArrow(),
        chunks.query().fullTextSearch(toTextQuery(q)).limit(CANDIDATES).select(["_score"]).withRowId().toArrow(),
      ]);
    };
    const times = await timeInTurn({ held: (q) => held.search(q, { k: 10 }), notHeld: (q) => notHeld.search(q, { k: 10 }), lanceOnly }, queries);
    const p50 = percentile(times.held, 0.5);
    console.log(`${summary.chunks.written} chunks held in memory (read in ${(loaded / 1000).toFixed(1)} s, ${heldMb.toFixed(0)} MB), ${queries.length} searches:`);
    console.log(`  search                    p50 ${ms(p50)} (floor ≤ 10 ms)   p95 ${ms(percentile(times.held, 0.95))} (floor ≤ 25 ms)`);
    console.log(`  the same, library not held p50 ${ms(percentile(times.notHeld, 0.5))}   p95 ${ms(percentile(times.notHeld, 0.95))}   held / not held ${(p50 / percentile(times.notHeld, 0.5)).toFixed(2)}×`);
    const base = percentile(times.lanceOnly, 0.5);
    console.log(`  its two LanceDB queries alone p50 ${ms(base)}   p95 ${ms(percentile(times.lanceOnly, 0.95))}   search / queries ${(p50 / base).toFixed(2)}×`);
  } finally {
    store.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
