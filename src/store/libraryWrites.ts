import type { Connection, Table } from "@lancedb/lancedb";
import type { Table as ArrowTable } from "apache-arrow";
import { rowsToArrow } from "./arrowRows.js";
import { retryCommitConflicts } from "./commitRetry.js";
import type { LibraryTables } from "./indexes.js";
import { CHUNKS, PAPERS, chunksSchema, papersSchema, type ChunkRow, type PaperRow } from "./schema.js";
import { inListBatches, sqlIn } from "./sql.js";

/*
 * How an ingest's rows are written: appended for papers not stored yet, merged on their keys where they
 * may have changed, deleted where a paper was merged into another. The first write to a table creates it,
 * and each write returns the table for PaperStore to keep. Merges and deletes are idempotent, so a commit
 * lost to another machine's writer is tried again (commitRetry).
 */

/** Chunk rows as Arrow data, each vector checked: LanceDB would silently pad or cut a vector of the wrong length. */
export function chunkData(rows: ChunkRow[], dimensions: number): ArrowTable {
  for (const row of rows) {
    if (row.vector.length !== dimensions) {
      throw new Error(`embedding for chunk ${row.id} has ${row.vector.length} dimensions, expected ${dimensions}`);
    }
  }
  return rowsToArrow(rows, chunksSchema(dimensions));
}

export function paperData(rows: PaperRow[]): ArrowTable {
  return rowsToArrow(rows, papersSchema);
}

/**
 * Appends rows of papers that have none stored yet. A plain append, unlike a merge,
 * does not scan the table, so a first ingest stays linear in its size.
 */
export async function appendRows(db: Connection, name: string, table: Table | undefined, data: ArrowTable): Promise<Table> {
  if (!table) return db.createTable(name, data);
  await table.add(data);
  return table;
}

/**
 * Replaces the chunks of `paperIds` with `data` in one commit: rows with a new
 * hash are updated, new ones inserted, and those papers' chunks not in `data`
 * deleted. Other papers' chunks are untouched.
 */
export async function replaceChunkRows(
  db: Connection,
  table: Table | undefined,
  paperIds: readonly string[],
  data: ArrowTable,
): Promise<Table> {
  if (!table) return db.createTable(CHUNKS, data);
  await retryCommitConflicts(() =>
    table
      .mergeInsert("id")
      .whenMatchedUpdateAll({ where: "target.hash != source.hash" })
      .whenNotMatchedInsertAll()
      .whenNotMatchedBySourceDelete({ where: sqlIn("paperId", paperIds) })
      .execute(data),
  );
  return table;
}

/** Writes paper rows whose hash differs from the stored one; with `rewrite`, every row (to store it in the current layout). */
export async function mergePaperRows(db: Connection, table: Table | undefined, data: ArrowTable, rewrite: boolean): Promise<Table> {
  if (!table) return db.createTable(PAPERS, data);
  const changed = rewrite ? undefined : { where: "target.hash != source.hash" };
  await retryCommitConflicts(() => table.mergeInsert("id").whenMatchedUpdateAll(changed).whenNotMatchedInsertAll().execute(data));
  return table;
}

/** Removes papers and their chunks. */
export async function deletePaperRows({ chunks, papers }: LibraryTables, ids: readonly string[]): Promise<void> {
  for (const batch of inListBatches(ids)) {
    if (chunks) await retryCommitConflicts(() => chunks.delete(sqlIn("paperId", batch)));
    if (papers) await retryCommitConflicts(() => papers.delete(sqlIn("id", batch)));
  }
}
