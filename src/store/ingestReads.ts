import type { Table } from "@lancedb/lancedb";
import type { Paper } from "../paper.js";
import { vectorOf } from "./arrowRows.js";
import type { ChunkRow, PaperRow } from "./schema.js";
import { inListBatches, sqlIn } from "./sql.js";
import { PAPER_CELLS, paperOf, sourceRecordsOf, type PaperCells } from "./storedRows.js";

/*
 * What an ingest reads of the library to tell what its records change: which papers are stored (and
 * their hashes), their sources' records to merge into, and the stored chunks whose vectors can be kept.
 * PaperStore calls these with its tables; an absent table (nothing ingested yet) holds nothing.
 */

/** A stored paper as read back: the paper users see and each source's record of it. */
export interface StoredPaper {
  id: string;
  hash: string;
  paper: Paper;
  records: Paper[];
}

export type PaperKeys = Pick<PaperRow, "id" | "titleKey" | "arxivId" | "hash">;
export type StoredChunk = Pick<ChunkRow, "id" | "paperId" | "textHash" | "hash" | "vector">;

/** id, title key, arXiv id and hash of every stored paper: enough to tell what an ingest changes without reading records. */
export async function paperIndex(papers: Table | undefined): Promise<PaperKeys[]> {
  if (!papers) return [];
  return (await papers.query().select(["id", "titleKey", "arxivId", "hash"]).toArray()) as PaperKeys[];
}

/** These papers with their sources' records (to merge new records into). */
export async function findPapers(papers: Table | undefined, ids: readonly string[]): Promise<StoredPaper[]> {
  if (!papers || ids.length === 0) return [];
  const out: StoredPaper[] = [];
  for (const batch of inListBatches(ids)) out.push(...(await storedPapers(papers, sqlIn("id", batch))));
  return out;
}

/** Every stored paper with its sources' records. */
export function allPapers(papers: Table | undefined): Promise<StoredPaper[]> {
  return storedPapers(papers);
}

/**
 * How many chunks each paper has stored, from one scan of one column: tells an
 * ingest which papers have chunks to look up, and counts the unchanged ones.
 */
export async function chunkCounts(chunks: Table | undefined): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!chunks) return counts;
  for (const { paperId } of (await chunks.query().select(["paperId"]).toArray()) as { paperId: string }[]) {
    counts.set(paperId, (counts.get(paperId) ?? 0) + 1);
  }
  return counts;
}

/** id, textHash and vector of the stored chunks of these papers, to reuse unchanged vectors. */
export async function findChunks(chunks: Table | undefined, paperIds: readonly string[]): Promise<StoredChunk[]> {
  if (!chunks || paperIds.length === 0) return [];
  const out: StoredChunk[] = [];
  for (const batch of inListBatches(paperIds)) {
    const rows = await chunks.query().where(sqlIn("paperId", batch)).select(["id", "paperId", "textHash", "hash", "vector"]).toArray();
    for (const r of rows as (Omit<StoredChunk, "vector"> & { vector: unknown })[]) {
      out.push({ id: r.id, paperId: r.paperId, textHash: r.textHash, hash: r.hash, vector: vectorOf(r.vector) });
    }
  }
  return out;
}

async function storedPapers(papers: Table | undefined, where?: string): Promise<StoredPaper[]> {
  if (!papers) return [];
  const query = papers.query().select(["id", "hash", "sourceRecords", ...PAPER_CELLS]);
  const rows = (await (where ? query.where(where) : query).toArray()) as (PaperCells & {
    id: string;
    hash: string;
    sourceRecords: string;
  })[];
  return rows.map((row) => ({ id: row.id, hash: row.hash, paper: paperOf(row), records: sourceRecordsOf(row) }));
}
