/**
 * `npm run bench:query`: the query floors, measured and printed (not asserted).
 *  1. `search` on the seeds, in-process: p50 / p95 over the eval questions (after one warm-up pass);
 *  2. `search` on a generated library of ~100k chunks, with its indexes: p50 / p95, and in turn with
 *     each search the baseline it cannot go below: the same two LanceDB queries alone;
 *  3. `npx paperbot ask` (extractive) on the seeds: wall time of the whole command, start-up included.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { CANDIDATES, createSearcher, toTextQuery } from "../../src/retrieve/searchPapers.js";
import { PaperStore, VECTOR_PROBES } from "../../src/store/paperStore.js";
import { generatePapers, toJsonl } from "../helpers/generateCorpus.js";
import { ingestInto } from "../helpers/library.js";
import { CLI, PROJECT_ROOT, SEEDS } from "../helpers/paths.js";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function timeSearches(uri: string, queries: string[], { withBaseline = false } = {}): Promise<{ search: number[]; lanceOnly: number[] }> {
  const store = await PaperStore.open({ uri });
  try {
    const embeddings = new LocalEmbeddings();
    const searcher = createSearcher({ store, embeddings });
    // The baseline (for an indexed library): the two LanceDB queries its search makes, with the same
    // limits and columns, and nothing else (no embedding, fusion or grouping). Timed in turn with
    // each search, so that both see the host in the same state.
    const chunks = store.chunks();
    const lanceOnly = async (q: string) => {
      const vector = Float32Array.from(await embeddings.embedQuery(q));
      await Promise.all([
        chunks.query().nearestTo(vector).distanceType("cosine").nprobes(VECTOR_PROBES).limit(CANDIDATES).select(["hit", "_distance"]).toArrow(),
        chunks.query().fullTextSearch(toTextQuery(q)).limit(CANDIDATES).select(["hit", "vector", "_score"]).toArrow(),
      ]);
    };
    for (const q of queries.slice(0, 10)) await searcher.search(q, { k: 10 }); // warm-up: open files, load indexes
    const times = { search: [] as number[], lanceOnly: [] as number[] };
    for (const q of queries) {
      let start = performance.now();
      await searcher.search(q, { k: 10 });
      times.search.push(performance.now() - start);
      if (!withBaseline) continue;
      start = performance.now();
      await lanceOnly(`${q} `); // another string: no cached query vector
      times.lanceOnly.push(performance.now() - start);
    }
    return times;
  } finally {
    store.close();
  }
}

const work = await mkdtemp(join(tmpdir(), "paperbot-bench-query-"));
try {
  const questions = (JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "eval", "questions.json"), "utf8")) as { question: string }[]).map((q) => q.question);

  console.log("== search on the seeds (in-process, k=10) ==");
  const seeds = join(work, "seeds");
  await ingestInto(seeds, [SEEDS]);
  const seedTimes = (await timeSearches(seeds, [...questions, ...questions])).search;
  console.log(`${seedTimes.length} searches: p50 ${ms(percentile(seedTimes, 0.5))} (floor ≤ 5 ms)   p95 ${ms(percentile(seedTimes, 0.95))}`);

  console.log("\n== npx paperbot ask (extractive), start-up included ==");
  const askTimes: number[] = [];
  for (const q of questions.slice(0, 5)) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [CLI, "ask", q, "--json"], { env: { PATH: process.env.PATH, LANCEDB_URI: seeds, LOG_LEVEL: "warn" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    askTimes.push(performance.now() - start);
  }
  console.log(`median ${(percentile(askTimes, 0.5) / 1000).toFixed(2)} s (floor ≤ 1.5 s)   runs: ${askTimes.map((t) => (t / 1000).toFixed(2)).join(", ")} s`);

  console.log("\n== search on a generated library (~100k chunks, with indexes) ==");
  const file = join(work, "generated.jsonl");
  writeFileSync(file, toJsonl(generatePapers(Number(process.env.BENCH_PAPERS ?? 32_500), { seed: 11, sentencesPerPaper: 22 })));
  const big = join(work, "big");
  const summary = await ingestInto(big, [file]);
  const queries = generatePapers(200, { seed: 99, sentencesPerPaper: 1 }).map((p) => p.summary);
  const { search: bigTimes, lanceOnly } = await timeSearches(big, queries, { withBaseline: true });
  console.log(`${summary.chunks.written} chunks, ${bigTimes.length} searches: p50 ${ms(percentile(bigTimes, 0.5))} (floor ≤ 10 ms)   p95 ${ms(percentile(bigTimes, 0.95))} (floor ≤ 25 ms)`);
  const p50 = percentile(bigTimes, 0.5);
  const base = percentile(lanceOnly, 0.5);
  console.log(`baseline, the same two LanceDB queries alone: p50 ${ms(base)}   p95 ${ms(percentile(lanceOnly, 0.95))}   search / baseline ${(p50 / base).toFixed(2)}×`);
} finally {
  await rm(work, { recursive: true, force: true });
}
