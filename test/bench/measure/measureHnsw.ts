import { cp, rm } from "node:fs/promises";
import { Index } from "@lancedb/lancedb";
import { CANDIDATES } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { recallAgainstExact } from "./measureRecall.js";
import { load, ms, seconds } from "./report.js";

/** One HNSW_SQ index to try: LanceDB's `m`, `efConstruction` and IVF partitions (one graph each). */
export interface HnswTrial {
  m: number;
  efConstruction: number;
  partitions: number;
}

/** BENCH_HNSW: "m:efConstruction[:partitions]" separated by commas, e.g. "20:300,48:400". */
export function parseHnswTrials(text: string): HnswTrial[] {
  return text
    .split(",")
    .filter(Boolean)
    .map((trial) => {
      const [m, efConstruction, partitions = 1] = trial.split(":").map(Number);
      if (!m || !efConstruction) throw new Error(`BENCH_HNSW: "${trial}" is not m:efConstruction[:partitions]`);
      return { m, efConstruction, partitions };
    });
}

/** Refine factors each ef is tried at: none (the quantised distances), and the exact distances of the best 5 × 20. */
const REFINE = [undefined, 5] as const;

/**
 * The alternative to the IVF-flat vector index that issue #13 asked about: HNSW_SQ, built
 * on a copy of the library at `uri` (the library itself is left as search uses it), its
 * build time, and its recall@20 against exact search and query time at each `efs`,
 * with and without a refine step. Printed beside measureRecall's IVF-flat figures.
 */
export async function measureHnsw(
  uri: string,
  queries: readonly string[],
  trials: readonly HnswTrial[],
  efs: readonly number[],
): Promise<void> {
  const copy = `${uri}-hnsw`;
  await cp(uri, copy, { recursive: true });
  const library = await PaperStore.open({ uri: copy });
  try {
    const chunks = library.chunks();
    const recall = await recallAgainstExact(chunks, queries);
    for (const { m, efConstruction, partitions } of trials) {
      const start = performance.now();
      const config = Index.hnswSq({ distanceType: "cosine", m, efConstruction, numPartitions: partitions });
      await chunks.createIndex("vector", { config, replace: true });
      console.log(
        `  HNSW_SQ m=${m}, ef_construction=${efConstruction}, ${partitions} partition(s): built in ` +
          `${seconds(performance.now() - start)}   (${load()})`,
      );
      for (const ef of efs) {
        const figures = [];
        for (const refine of REFINE) {
          // A refine step asks the graph for limit × refine candidates, and LanceDB refuses an ef below that.
          if (refine && ef < CANDIDATES * refine) continue;
          const r = await recall.of((q) => {
            const tuned = q.ef(ef).nprobes(partitions);
            return refine ? tuned.refineFactor(refine) : tuned;
          });
          figures.push(`${refine ? `refine ${refine}: ` : ""}recall ${r.recall.toFixed(3)}, query p50 ${ms(r.p50)}`);
        }
        console.log(`    ef ${ef}: ${figures.join("; ")}   (${load()})`);
      }
    }
  } finally {
    library.close();
    await rm(copy, { recursive: true, force: true });
  }
}
