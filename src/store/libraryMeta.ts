import { makeArrowTable, type Connection, type Table } from "@lancedb/lancedb";
import { UserFacingError } from "../errors.js";
import { retryCommitConflicts } from "./commitRetry.js";
import type { EmbedderInfo } from "./paperStore.js";
import { META, metaSchema } from "./schema.js";
import { sqlIn } from "./sql.js";

/*
 * The library's meta table: a few keys and values, among them which embedder made the vectors (so that
 * vectors of two embedders are never mixed or compared) and the ingest memo (ingest/ingestMemo.ts).
 */

/** Values of the meta rows (key → value), for the keys that are set. */
export async function readMeta(meta: Table | undefined, keys: readonly string[]): Promise<Record<string, string | undefined>> {
  if (!meta) return {};
  const rows = (await meta.query().where(sqlIn("key", keys)).toArray()) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Sets meta rows, creating the meta table on first use; returns the table. */
export async function writeMeta(db: Connection, meta: Table | undefined, values: Record<string, string>): Promise<Table> {
  const data = makeArrowTable(
    Object.entries(values).map(([key, value]) => ({ key, value })),
    { schema: metaSchema },
  );
  if (!meta) return db.createTable(META, data);
  await retryCommitConflicts(() => meta.mergeInsert("key").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
  return meta;
}

/** The embedder the meta rows name, if any. */
export async function storedEmbedder(meta: Table | undefined): Promise<EmbedderInfo | undefined> {
  const { embedder: id, dimensions: dims } = await readMeta(meta, ["embedder", "dimensions"]);
  return id && dims ? { id, dimensions: Number(dims) } : undefined;
}

/** Vectors of two embedders cannot be compared: the one message for every command that would. */
export function refuseOtherEmbedder(current: EmbedderInfo, configured: { id: string; dimensions?: number | undefined }): void {
  if (current.id === configured.id && (configured.dimensions === undefined || current.dimensions === configured.dimensions)) return;
  const dims = configured.dimensions === undefined ? "" : ` (${configured.dimensions} dims)`;
  throw new UserFacingError(
    `This library's vectors were made by "${current.id}" (${current.dimensions} dims), not by the configured "${configured.id}"${dims}. ` +
      "Mixing them would make search meaningless: set EMBEDDINGS_PROVIDER/EMBEDDINGS_MODEL back, " +
      "or run `npx paperbot ingest --reembed …` to rebuild the vectors.",
  );
}
