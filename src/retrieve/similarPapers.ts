import type { Paper } from "../paper.js";
import { paperUrl } from "../paper.js";
import { sqlString, type PaperStore } from "../store/paperStore.js";

export interface SimilarPaper {
  rank: number;
  paperId: string;
  title: string;
  /** Cosine similarity of the closest pair of passages. */
  similarity: number;
  url: string | undefined;
  year: number | undefined;
}

/**
 * Papers whose passages lie closest to this paper's passages, each paper once.
 * Uses the stored vectors: no embedding call, whatever the embedder.
 */
export async function similarPapers(store: PaperStore, paper: Paper, k = 5): Promise<SimilarPaper[]> {
  const chunks = store.chunks();
  const own = (await chunks.query().where(`paperId = ${sqlString(paper.id)}`).select(["vector"]).limit(8).toArray()) as { vector: Float32Array | { toArray(): Float32Array } }[];
  const best = new Map<string, { title: string; similarity: number }>();
  for (const { vector } of own) {
    const v = vector instanceof Float32Array ? vector : vector.toArray();
    const hits = (await chunks
      .query()
      .nearestTo(v)
      .distanceType("cosine")
      .where(`paperId != ${sqlString(paper.id)}`)
      .limit(k * 4)
      .select(["paperId", "title", "_distance"])
      .toArray()) as { paperId: string; title: string; _distance: number }[];
    for (const h of hits) {
      const similarity = 1 - h._distance;
      if ((best.get(h.paperId)?.similarity ?? -1) < similarity) best.set(h.paperId, { title: h.title, similarity });
    }
  }
  const top = [...best.entries()].sort((a, b) => b[1].similarity - a[1].similarity).slice(0, k);
  if (top.length === 0) return [];
  const records = new Map(
    ((await store.papers().query().where(`id IN (${top.map(([id]) => sqlString(id)).join(", ")})`).select(["id", "record"]).toArray()) as { id: string; record: string }[]).map((r) => [
      r.id,
      JSON.parse(r.record) as Paper,
    ]),
  );
  return top.map(([paperId, { title, similarity }], i) => ({
    rank: i + 1,
    paperId,
    title,
    similarity: Math.round(similarity * 1000) / 1000,
    url: records.get(paperId) ? paperUrl(records.get(paperId)!) : undefined,
    year: records.get(paperId)?.year,
  }));
}
