import type { Table, VectorQuery } from "@lancedb/lancedb";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { CANDIDATES } from "../../../src/retrieve/searchPapers.js";
import { vectorSettings } from "../../../src/store/indexes.js";
import { PaperStore, type StoreOptions } from "../../../src/store/paperStore.js";
import { load, ms, median, percentile } from "./report.js";

/**
 * The vector index's recall@20 against exact search (the same query with the index
 * bypassed): the share of the exact top 20 that the indexed query returns, over the
 * queries, at the probes search uses by default and at `sweep` others for comparison.
 */
export async function measureRecall(store: StoreOptions, queries: readonly string[], sweep: readonly number[] = []): Promise<number> {
  const library = await PaperStore.open(store);
  try {
    const chunks = library.chunks();
    const rows = await chunks.countRows();
    const indices = await chunks.listIndices();
    if (!indices.some((i) => i.columns.includes("vector"))) {
      console.log(`  no vector index at ${rows} passages: search is exact (recall 1)`);
      return 1;
    }
    const recall = await recallAgainstExact(chunks, queries);
    const { probes, refineFactor } = await vectorSettings(chunks, rows);
    const refined = (q: VectorQuery) => (refineFactor ? q.refineFactor(refineFactor) : q);
    const partitions = indices.find((i) => i.columns.includes("vector"));
    const byDefault = await recall.of((q) => refined(q.nprobes(probes)));
    console.log(
      `  vector index (${partitions?.indexType ?? "?"}) recall@${CANDIDATES} vs exact search, ${queries.length} queries: ` +
        `${byDefault.recall.toFixed(3)} at the default ${probes} probes${refineFactor ? `, refine factor ${refineFactor}` : ""} ` +
        `(query p50 ${ms(byDefault.p50)}; exact p50 ${ms(recall.exactP50)}; max |Δ distance| vs exact ${byDefault.maxDistanceError.toExponential(1)})   ` +
        `floor ≥ 0.95   (${load()})`,
    );
    for (const other of sweep.filter((s) => s !== probes)) {
      const r = await recall.of((q) => refined(q.nprobes(other)));
      console.log(`    at ${other} probes: recall ${r.recall.toFixed(3)}, query p50 ${ms(r.p50)}`);
    }
    return byDefault.recall;
  } finally {
    library.close();
  }
}

/** Recall@20 of a way to ask the vector index (`tune`: its probes, ef, refine factor), against exact search. */
export interface RecallAgainstExact {
  exactP50: number;
  /**
   * `maxDistanceError`: the largest difference between a returned row's `_distance` and its
   * exact cosine distance, over the rows both found (0 when the index's distances are exact).
   */
  of(tune: (query: VectorQuery) => VectorQuery): Promise<{ recall: number; p50: number; p95: number; maxDistanceError: number }>;
}

/** The exact top 20 of each query, found once; then `of` measures any index settings against them. */
export async function recallAgainstExact(chunks: Table, queries: readonly string[]): Promise<RecallAgainstExact> {
  const embeddings = new LocalEmbeddings();
  const vectors = queries.map((q) => embeddings.embedText(q));
  const nearest = async (vector: Float32Array, tune: (query: VectorQuery) => VectorQuery) => {
    const query = chunks.query().nearestTo(vector).distanceType("cosine").limit(CANDIDATES).select(["_distance"]).withRowId();
    const data = await tune(query).toArrow();
    const ids = data.getChild("_rowid");
    const distances = data.getChild("_distance");
    return new Map(Array.from({ length: data.numRows }, (_, i) => [ids?.get(i) as bigint, distances?.get(i) as number]));
  };
  const exact: Map<bigint, number>[] = [];
  const exactMs: number[] = [];
  for (const v of vectors) {
    const start = performance.now();
    exact.push(await nearest(v, (q) => q.bypassVectorIndex()));
    exactMs.push(performance.now() - start);
  }
  return {
    exactP50: median(exactMs),
    async of(tune) {
      let found = 0;
      let total = 0;
      let maxDistanceError = 0;
      const times: number[] = [];
      for (const [i, v] of vectors.entries()) {
        const start = performance.now();
        const got = await nearest(v, tune);
        times.push(performance.now() - start);
        for (const [id, distance] of exact[i]!) {
          const d = got.get(id);
          if (d === undefined) continue;
          found++;
          maxDistanceError = Math.max(maxDistanceError, Math.abs(d - distance));
        }
        total += exact[i]!.size;
      }
      return { recall: found / total, p50: median(times), p95: percentile(times, 0.95), maxDistanceError };
    },
  };
}
