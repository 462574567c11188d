import { cp, rm } from "node:fs/promises";
import { Index, type Table, type VectorQuery } from "@lancedb/lancedb";
import { CANDIDATES } from "../../../src/retrieve/searchPapers.js";
import { vectorPartitions } from "../../../src/store/indexes.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { recallAgainstExact } from "./measureRecall.js";
import { load, ms, seconds } from "./report.js";

/**
 * One vector index to try (BENCH_VECTOR_INDEX, comma-separated):
 * - `flat[:parts=N]`: IVF-flat, the full vectors in each partition;
 * - `pq[:sub=S][:bits=B][:parts=N]`: IVF-PQ, S sub-vectors of B bits each;
 * - `rq[:bits=B][:parts=N]`: IVF-RQ (RaBitQ), B bits per dimension;
 * - `hnsw[:m=M][:efc=E][:parts=N]`: HNSW_SQ, a graph per partition, queried with BENCH_VECTOR_EF.
 * Partitions default to those search's index has for the table's rows.
 */
export interface VectorIndexTrial {
  kind: "flat" | "pq" | "rq" | "hnsw";
  options: Record<string, number>;
  text: string;
}

const KEYS: Record<VectorIndexTrial["kind"], string[]> = {
  flat: ["parts"],
  pq: ["parts", "sub", "bits"],
  rq: ["parts", "bits"],
  hnsw: ["parts", "m", "efc"],
};

export function parseVectorIndexTrials(text: string): VectorIndexTrial[] {
  return text
    .split(",")
    .filter(Boolean)
    .map((trial) => {
      const [kind, ...settings] = trial.split(":");
      if (!kind || !(kind in KEYS)) throw new Error(`BENCH_VECTOR_INDEX: "${trial}" is not flat, pq, rq or hnsw`);
      const options: Record<string, number> = {};
      for (const setting of settings) {
        const [key, value] = setting.split("=");
        if (!key || !KEYS[kind as VectorIndexTrial["kind"]].includes(key) || !Number(value))
          throw new Error(
            `BENCH_VECTOR_INDEX: "${setting}" in "${trial}" is not one of ${KEYS[kind as VectorIndexTrial["kind"]].join(", ")}=number`,
          );
        options[key] = Number(value);
      }
      return { kind: kind as VectorIndexTrial["kind"], options, text: trial };
    });
}

/** How each index is queried: probes (IVF) or ef (HNSW), each with no refine step (0) and each refine factor. */
export interface VectorQuerySweep {
  probes: readonly number[];
  efs: readonly number[];
  refines: readonly number[];
}

export function parseVectorQuerySweep(env: { probes?: string; efs?: string; refines?: string }): VectorQuerySweep {
  const numbers = (text: string) => text.split(",").filter(Boolean).map(Number);
  return {
    probes: numbers(env.probes ?? "32,64,128,320,640"),
    efs: numbers(env.efs ?? "640,1280,2560"),
    refines: numbers(env.refines ?? "0,5,10"),
  };
}

function indexConfig({ kind, options }: VectorIndexTrial, partitions: number): Index {
  const distanceType = "cosine" as const;
  switch (kind) {
    case "flat":
      return Index.ivfFlat({ distanceType, numPartitions: partitions });
    case "pq":
      return Index.ivfPq({
        distanceType,
        numPartitions: partitions,
        ...(options.sub ? { numSubVectors: options.sub } : {}),
        ...(options.bits ? { numBits: options.bits } : {}),
      });
    case "rq":
      return Index.ivfRq({ distanceType, numPartitions: partitions, ...(options.bits ? { numBits: options.bits } : {}) });
    case "hnsw":
      return Index.hnswSq({ distanceType, numPartitions: partitions, m: options.m ?? 20, efConstruction: options.efc ?? 300 });
  }
}

/**
 * Vector indexes measured on `table` (a copy: its vector index is replaced by each in
 * turn): build time, then at each query setting recall@20 against exact search, query
 * p50 / p95, and how far `_distance` strays from the exact cosine distance of the same
 * rows, which search reports as similarity and the answerer compares with fixed
 * thresholds (a quantised distance would break them).
 */
export async function measureVectorIndexes(
  table: Table,
  queries: readonly string[],
  trials: readonly VectorIndexTrial[],
  sweep: VectorQuerySweep,
): Promise<void> {
  const rows = await table.countRows();
  const recall = await recallAgainstExact(table, queries);
  console.log(`  ${rows} vectors, ${queries.length} queries; exact search p50 ${ms(recall.exactP50)}   (${load()})`);
  for (const trial of trials) {
    const partitions = trial.options.parts ?? vectorPartitions(rows);
    const start = performance.now();
    await table.createIndex("vector", { config: indexConfig(trial, partitions), replace: true });
    console.log(`  ${trial.text} (${partitions} partitions): built in ${seconds(performance.now() - start)}   (${load()})`);
    const settings: { label: string; tune: (q: VectorQuery) => VectorQuery; refine: number }[] = [];
    if (trial.kind === "hnsw") {
      for (const ef of sweep.efs) settings.push({ label: `ef ${ef}`, tune: (q) => q.ef(ef).nprobes(partitions), refine: 0 });
    } else {
      for (const probes of new Set(sweep.probes.map((p) => Math.min(p, partitions))))
        settings.push({ label: `${probes} probes`, tune: (q) => q.nprobes(probes), refine: 0 });
    }
    for (const { label, tune } of settings) {
      const figures: string[] = [];
      for (const refine of sweep.refines) {
        // IVF-flat's distances are already exact; LanceDB refuses an ef below the candidates a refine step asks the graph for.
        if (refine && (trial.kind === "flat" || (trial.kind === "hnsw" && Number(label.slice(3)) < CANDIDATES * refine))) continue;
        const r = await recall.of((q) => (refine ? tune(q).refineFactor(refine) : tune(q)));
        figures.push(
          `${refine ? `refine ${refine}` : "no refine"}: recall ${r.recall.toFixed(3)}, p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, ` +
            `max |Δ distance| ${r.maxDistanceError.toExponential(1)}`,
        );
      }
      console.log(`    ${label}: ${figures.join("; ")}   (${load()})`);
    }
  }
}

/** The same on a copy of the library at `uri` (its chunks table), which is left as search uses it. */
export async function measureLibraryVectorIndexes(
  uri: string,
  queries: readonly string[],
  trials: readonly VectorIndexTrial[],
  sweep: VectorQuerySweep,
): Promise<void> {
  const copy = `${uri}-vector-indexes`;
  await cp(uri, copy, { recursive: true });
  const library = await PaperStore.open({ uri: copy });
  try {
    await measureVectorIndexes(library.chunks(), queries, trials, sweep);
  } finally {
    library.close();
    await rm(copy, { recursive: true, force: true });
  }
}

/** BENCH_VECTOR_INDEX and its query settings, as bench:query, bench:scale and bench:vectors read them. */
export function vectorIndexTrialsFromEnv(env: NodeJS.ProcessEnv, byDefault = ""): { trials: VectorIndexTrial[]; sweep: VectorQuerySweep } {
  return {
    trials: parseVectorIndexTrials(env.BENCH_VECTOR_INDEX ?? byDefault),
    sweep: parseVectorQuerySweep({ probes: env.BENCH_VECTOR_PROBES, efs: env.BENCH_VECTOR_EF, refines: env.BENCH_VECTOR_REFINE }),
  };
}
