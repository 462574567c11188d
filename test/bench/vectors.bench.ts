/**
 * `npm run bench:vectors`: vector indexes compared on the vectors alone (no ingest, no
 * other column), minutes instead of bench:scale's half hour at 1M. For each size in
 * BENCH_SIZES (default "100k"): the passages of bench:query's / bench:scale's resampled
 * corpus (seed 11), chunked and embedded as ingest does, in a table of one column; then
 * each index of BENCH_VECTOR_INDEX (default "flat", grammar in measure/measureVectorIndexes.ts)
 * built on it in turn and queried at BENCH_VECTOR_PROBES (or BENCH_VECTOR_EF for HNSW) ×
 * BENCH_VECTOR_REFINE (0: none): build time, recall@20 against exact search, query p50 / p95,
 * and the largest error of `_distance` against the exact cosine distance.
 * BENCH_VECTORS_DIR keeps the tables there and reuses them in later runs.
 */
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@lancedb/lancedb";
import { Field, FixedSizeList, Float32, Schema } from "apache-arrow";
import { chunkPaper } from "../../ingest/chunkPaper.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { samplePapers } from "../helpers/realCorpus.js";
import { benchQueries, label, parseSizes } from "./measure/corpora.js";
import { measureVectorIndexes, vectorIndexTrialsFromEnv } from "./measure/measureVectorIndexes.js";
import { heading, load, seconds } from "./measure/report.js";

const { trials, sweep } = vectorIndexTrialsFromEnv(process.env, "flat");
const queries = benchQueries(Number(process.env.BENCH_QUERIES ?? 220)).slice(20);

const kept = process.env.BENCH_VECTORS_DIR;
const work = kept ?? (await mkdtemp(join(tmpdir(), "paperbot-bench-vectors-")));
try {
  for (const size of parseSizes(process.env.BENCH_SIZES ?? "100k")) {
    if (size === "real") throw new Error("bench:vectors: BENCH_SIZES takes passage counts (100k, 1000k)");
    heading(`vector indexes: ${label(size)}`);
    const db = await connect(join(work, String(size)));
    const table = (await db.tableNames()).includes("vectors") ? await db.openTable("vectors") : await writeVectors(db, size);
    // The indexes replace each other on a copy, so that a kept table stays without one.
    const copy = join(work, `${size}-copy`);
    if (existsSync(copy)) await rm(copy, { recursive: true, force: true });
    table.close();
    await cp(join(work, String(size)), copy, { recursive: true });
    const trialTable = await (await connect(copy)).openTable("vectors");
    // Exact search reads every vector: 100 queries at 1M keep a sweep within minutes.
    await measureVectorIndexes(trialTable, size > 500_000 ? queries.slice(0, 100) : queries, trials, sweep);
    trialTable.close();
    await rm(copy, { recursive: true, force: true });
  }
} finally {
  if (!kept) await rm(work, { recursive: true, force: true });
}

/** The corpus's passages (as writeSampledCorpus counts them) embedded as ingest embeds them. */
async function writeVectors(db: Awaited<ReturnType<typeof connect>>, passages: number) {
  const start = performance.now();
  const embeddings = new LocalEmbeddings();
  const schema = new Schema([new Field("vector", new FixedSizeList(embeddings.dimensions, new Field("item", new Float32(), true)), false)]);
  const table = await db.createEmptyTable("vectors", schema);
  let batch: { vector: Float32Array }[] = [];
  let written = 0;
  for (const paper of samplePapers({ seed: 11 })) {
    if (written + batch.length >= passages) break;
    for (const chunk of await chunkPaper(paper)) batch.push({ vector: embeddings.embedText(chunk.text) });
    if (batch.length >= 50_000) {
      await table.add(batch);
      written += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await table.add(batch);
  written += batch.length;
  await table.optimize();
  console.log(`  ${written} passages embedded and written in ${seconds(performance.now() - start)}   (${load()})`);
  return table;
}
