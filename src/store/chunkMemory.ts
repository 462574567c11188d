import type { Table } from "@lancedb/lancedb";
import { vectorOf } from "./arrowRows.js";
import { parseHit } from "./storedRows.js";
import { norm } from "../text/vectors.js";

/**
 * The chunks table held in memory: every chunk's paper id, text, paper record and
 * vector, by LanceDB row id. With it, each side of a search asks LanceDB only for
 * row ids and scores, which reads no column, and takes the rest from here: at 100k
 * chunks a search takes ~20% less time. A small library's vector side is then a
 * scan in JavaScript, ~0.3 ms for 2,000 chunks where a LanceDB flat search costs
 * ~3 ms in calls and reads.
 *
 * It costs ~2.2 MB per 1,000 chunks with the local embedder's 256 dimensions
 * (texts ~1 KB each, vectors 1 KB each) and ~2 s to read at 100k chunks.
 */
export interface ChunkMemory {
  /** Row ids to positions. A row keeps its id until it is rewritten (updated or compacted), which makes a new version. */
  row: Map<bigint, number>;
  paperIds: string[];
  texts: string[];
  /** The paper's record (JSON), one string per paper. */
  records: string[];
  /** Row r's vector is vectors[r·dims, (r+1)·dims). */
  vectors: Float32Array;
  norms: Float32Array;
  dims: number;
}

/** What a search finds for one chunk. */
export interface ChunkHit {
  paperId: string;
  text: string;
  /** The paper's record, JSON. */
  record: string;
  /** Cosine similarity of the chunk to the query. */
  similarity: number;
  /** BM25 score (text side only). */
  score?: number;
}

/**
 * Reads the whole table, batch by batch, so that only one batch of Arrow data is
 * held at a time next to what is kept. `expectedRows` sizes the vector buffer; a
 * table that grew meanwhile still loads (the caller sees the newer version and
 * reads it again).
 */
export async function loadChunkMemory(table: Table, expectedRows: number): Promise<ChunkMemory> {
  const memory: ChunkMemory = {
    row: new Map(),
    paperIds: [],
    texts: [],
    records: [],
    vectors: new Float32Array(0),
    norms: new Float32Array(0),
    dims: 0,
  };
  const recordOf = new Map<string, string>(); // one string per paper, not one per chunk
  let n = 0;
  for await (const batch of table.query().select(["hit", "text", "vector"]).withRowId()) {
    const rowIds = batch.getChild("_rowid");
    const hits = batch.getChild("hit");
    const texts = batch.getChild("text");
    const vectors = batch.getChild("vector");
    if (!rowIds || !hits || !texts || !vectors) throw new Error("the chunks table has no hit, text or vector column");
    for (let i = 0; i < batch.numRows; i++, n++) {
      const v = vectorOf(vectors.get(i));
      if (memory.dims === 0) {
        memory.dims = v.length;
        memory.vectors = new Float32Array(Math.max(expectedRows, 1) * v.length);
        memory.norms = new Float32Array(Math.max(expectedRows, 1));
      }
      if ((n + 1) * memory.dims > memory.vectors.length) grow(memory);
      const [paperId, text, record] = parseHit(hits.get(i) as string, () => texts.get(i) as string);
      memory.row.set(rowIds.get(i) as bigint, n);
      memory.paperIds.push(paperId);
      memory.texts.push(text);
      if (!recordOf.has(paperId)) recordOf.set(paperId, record);
      memory.records.push(recordOf.get(paperId)!);
      memory.vectors.set(v, n * memory.dims);
      memory.norms[n] = norm(v);
    }
  }
  return memory;
}

function grow(memory: ChunkMemory): void {
  const vectors = new Float32Array(memory.vectors.length * 2);
  vectors.set(memory.vectors);
  const norms = new Float32Array(memory.norms.length * 2);
  norms.set(memory.norms);
  memory.vectors = vectors;
  memory.norms = norms;
}

/** The chunk at position r, as a hit with this similarity (and score). */
export function hitAt(memory: ChunkMemory, r: number, similarity: number, score?: number): ChunkHit {
  return {
    paperId: memory.paperIds[r]!,
    text: memory.texts[r]!,
    record: memory.records[r]!,
    similarity,
    ...(score === undefined ? {} : { score }),
  };
}

/** Cosine similarity of the query to the chunk at position r. */
export function similarityAt(memory: ChunkMemory, r: number, query: Float32Array, queryNorm: number): number {
  const rowNorm = memory.norms[r]!;
  return queryNorm > 0 && rowNorm > 0 ? dotAt(query, memory.vectors, r * memory.dims, memory.dims) / (queryNorm * rowNorm) : 0;
}

/** The `limit` chunks closest to the query, best first, among those of `allowed` papers if given. */
export function nearestInMemory(
  memory: ChunkMemory,
  query: Float32Array,
  queryNorm: number,
  limit: number,
  allowed: ReadonlySet<string> | undefined,
): ChunkHit[] {
  const best: { row: number; similarity: number }[] = [];
  if (queryNorm === 0) return [];
  for (let r = 0; r < memory.paperIds.length; r++) {
    if (memory.norms[r] === 0 || (allowed && !allowed.has(memory.paperIds[r]!))) continue;
    const similarity = similarityAt(memory, r, query, queryNorm);
    if (best.length === limit && similarity <= best[limit - 1]!.similarity) continue;
    let at = best.length === limit ? limit - 1 : best.length;
    while (at > 0 && best[at - 1]!.similarity < similarity) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = { row: r, similarity };
  }
  return best.map(({ row, similarity }) => hitAt(memory, row, similarity));
}

/** query · vectors[base, base + dims): four sums side by side run about twice as fast as one. */
function dotAt(query: Float32Array, vectors: Float32Array, base: number, dims: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  let d = 0;
  for (; d + 4 <= dims; d += 4) {
    a += query[d]! * vectors[base + d]!;
    b += query[d + 1]! * vectors[base + d + 1]!;
    c += query[d + 2]! * vectors[base + d + 2]!;
    e += query[d + 3]! * vectors[base + d + 3]!;
  }
  for (; d < dims; d++) a += query[d]! * vectors[base + d]!;
  return a + b + c + e;
}
