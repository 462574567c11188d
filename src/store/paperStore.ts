import * as lancedb from "@lancedb/lancedb";
import type { Connection, Table } from "@lancedb/lancedb";
import { UserFacingError } from "../errors.js";
import type { Paper } from "../paper.js";
import { refreshIndexes, unfinishedIndexWork } from "./indexes.js";
import { readMeta, refuseOtherEmbedder, storedEmbedder, writeMeta } from "./libraryMeta.js";
import { appendRows, chunkData, deletePaperRows, mergePaperRows, paperData, replaceChunkRows } from "./libraryWrites.js";
import {
  allPapers,
  chunkCounts,
  findChunks,
  findPapers,
  paperIndex,
  type PaperKeys,
  type StoredChunk,
  type StoredPaper,
} from "./ingestReads.js";
import {
  latestPublication,
  newestPapers,
  openingChunks,
  paperByArxivId,
  paperById,
  paperTitles,
  papersAround,
  sourceCounts,
} from "./paperLookups.js";
import { CHUNKS, META, PAPERS, type ChunkRow, type PaperRow } from "./schema.js";
import type { PaperFilters } from "./sql.js";
import { WriteLock, lockDirOf, type AcquireOptions } from "./writeLock.js";
import { PaperNames } from "./paperNames.js";
import { WordCounter, type WordCounts } from "./wordCounts.js";

/**
 * The LanceDB side of paperbot: two tables (papers, chunks) and a small key/value
 * table that records which embedder made the vectors. Local paths, `s3://…` and
 * `db://…` URIs all go through the same `connect`.
 *
 * PaperStore is the one way in: it opens the tables, knows which exist (a table whose
 * creation was interrupted is read as absent), takes the write lock, and hands each
 * query the tables it needs. The queries live in a file per job: paperLookups (what
 * requests look up), ingestReads and libraryWrites (an ingest's reads and writes),
 * indexes (compaction and indexes), libraryMeta (the embedder check), chunkSearch
 * (the search's candidates), all quoting values through sql.ts.
 */

export interface EmbedderInfo {
  id: string;
  dimensions: number;
}

export interface StoreOptions {
  uri: string;
  storageOptions?: Record<string, string>;
  /** How often (seconds) a reader looks for other processes' writes; 0 = on every read. */
  readConsistencySeconds?: number;
}

/**
 * LanceDB's answer to opening a table whose first version was never committed: a
 * writer was killed while creating it (its folder and data files exist, no manifest).
 */
const NEVER_COMMITTED = /Dataset at path .* was not found/;

export class PaperStore {
  private papersTable: Table | undefined;
  private chunksTable: Table | undefined;
  private metaTable: Table | undefined;
  private readonly wordCounter = new WordCounter(() => this.chunks());
  private readonly paperNames = new PaperNames(() => this.papers());
  /** Tables whose creation was interrupted: they hold nothing, are read as absent, and a writer removes them. */
  private incomplete: string[] = [];

  private constructor(
    readonly uri: string,
    private readonly db: Connection,
  ) {}

  static async open(options: StoreOptions): Promise<PaperStore> {
    const db = await lancedb.connect(options.uri, {
      storageOptions: options.storageOptions ?? {},
      readConsistencyInterval: options.readConsistencySeconds ?? 0,
    });
    const store = new PaperStore(options.uri, db);
    await store.openTables();
    return store;
  }

  /** Opens the tables not open yet (another process may have created them since). */
  private async openTables(): Promise<void> {
    const names = new Set(await this.db.tableNames());
    const incomplete: string[] = [];
    const open = async (name: string, current: Table | undefined): Promise<Table | undefined> => {
      if (current || !names.has(name)) return current;
      try {
        return await this.db.openTable(name);
      } catch (error) {
        if (!(error instanceof Error && NEVER_COMMITTED.test(error.message))) throw error;
        incomplete.push(name);
        return undefined;
      }
    };
    [this.papersTable, this.chunksTable, this.metaTable] = await Promise.all([
      open(PAPERS, this.papersTable),
      open(CHUNKS, this.chunksTable),
      open(META, this.metaTable),
    ]);
    this.incomplete = incomplete;
  }

  get isEmpty(): boolean {
    return !this.papersTable;
  }

  private emptyLibrary(): UserFacingError {
    if (this.incomplete.length > 0) {
      return new UserFacingError(
        `The library at ${this.uri} holds no papers yet: an ingest was interrupted while creating it. Run \`npx paperbot ingest <file|dir|url>\` to fill it.`,
      );
    }
    return new UserFacingError(`The library at ${this.uri} is empty: run \`npx paperbot ingest <file|dir|url>\` first.`);
  }

  /** The papers table, or a clear message when nothing was ingested yet. */
  papers(): Table {
    if (!this.papersTable) throw this.emptyLibrary();
    return this.papersTable;
  }

  chunks(): Table {
    if (!this.chunksTable) throw this.emptyLibrary();
    return this.chunksTable;
  }

  /** Ids of the papers known by this short name or acronym (see paperNames.ts). */
  papersNamed(name: string): Promise<string[]> {
    return this.paperNames.named(name);
  }

  /** How many passages use each word (see wordCounts.ts). */
  wordCounts(words: readonly string[]): Promise<WordCounts> {
    return this.wordCounter.count(words);
  }

  /**
   * Takes the library's write lock (see writeLock.ts), waiting for another writer
   * unless `wait: false`, then looks again for tables created meanwhile: what this
   * store knew may be older than what the writer before it left.
   */
  async lockForWriting(options: AcquireOptions): Promise<WriteLock | undefined> {
    const lock = await WriteLock.acquire(lockDirOf(this.uri), options);
    if (!lock) return undefined;
    try {
      await this.openTables();
    } catch (error) {
      await lock.release();
      throw error;
    }
    return lock;
  }

  /**
   * Removes tables whose creation was interrupted (they hold nothing), so that they
   * can be created again. Only under the write lock: outside it, a table being created
   * by another writer right now looks the same.
   */
  async removeIncompleteTables(): Promise<string[]> {
    const removed = this.incomplete;
    for (const name of removed) await this.db.dropTable(name);
    this.incomplete = [];
    return removed;
  }

  /** The embedder whose vectors the library holds, once an ingest has written some. */
  async embedder(): Promise<EmbedderInfo | undefined> {
    return storedEmbedder(this.metaTable);
  }

  /** Values of the library's meta rows (key → value), for the keys that are set. */
  async metaValues(keys: readonly string[]): Promise<Record<string, string | undefined>> {
    return readMeta(this.metaTable, keys);
  }

  /** Sets meta rows, creating the meta table on first use. */
  async setMetaValues(values: Record<string, string>): Promise<void> {
    this.metaTable = await writeMeta(this.db, this.metaTable, values);
  }

  /**
   * Makes sure the vectors about to be written match those already stored: one
   * database, one embedder. With `reembed`, the chunks table is dropped instead so
   * that every paper is embedded afresh.
   */
  async useEmbedder(info: EmbedderInfo, { reembed = false, dryRun = false } = {}): Promise<void> {
    if (!reembed) await this.checkChunkColumns();
    const current = await this.embedder();
    if (current && !reembed) refuseOtherEmbedder(current, info);
    if (dryRun) return;
    if (reembed && this.chunksTable) {
      await this.db.dropTable(CHUNKS);
      this.chunksTable = undefined;
    }
    if (!current || current.id !== info.id || current.dimensions !== info.dimensions) {
      await this.setMetaValues({ embedder: info.id, dimensions: String(info.dimensions) });
    }
  }

  /**
   * Makes sure the library can be searched with the configured embedder's vectors (search, ask,
   * similar, the bot): the same refusal as an ingest's. `dimensions` is checked when known without
   * asking an endpoint. An empty library fits any embedder.
   */
  async requireEmbedder(configured: { id: string; dimensions?: number | undefined }): Promise<void> {
    const current = await this.embedder();
    if (current) refuseOtherEmbedder(current, configured);
  }

  /**
   * Passages written before they carried their paper's record cannot be searched or
   * added to: the message says how to rebuild them.
   */
  async checkChunkColumns(): Promise<void> {
    if (!this.chunksTable) return;
    const columns = new Set((await this.chunksTable.schema()).fields.map((f) => f.name));
    if (!columns.has("hit")) {
      throw new UserFacingError(
        `The library at ${this.uri} was written by an older paperbot: its passages do not carry their paper's record, which search now reads. ` +
          "Run `npx paperbot ingest --reembed <file|dir|url>` once (any of your sources will do: every stored paper is rebuilt).",
      );
    }
  }

  /** id, title key, arXiv id and hash of every stored paper: what an ingest compares its records with. */
  async paperIndex(): Promise<PaperKeys[]> {
    return paperIndex(this.papersTable);
  }

  /** These papers with their sources' records (to merge new records into). */
  async findPapers(ids: readonly string[]): Promise<StoredPaper[]> {
    return findPapers(this.papersTable, ids);
  }

  async allPapers(): Promise<StoredPaper[]> {
    return allPapers(this.papersTable);
  }

  /** How many chunks each paper has stored. */
  async chunkCounts(): Promise<Map<string, number>> {
    return chunkCounts(this.chunksTable);
  }

  /** id, textHash and vector of the stored chunks of these papers, to reuse unchanged vectors. */
  async findChunks(paperIds: readonly string[]): Promise<StoredChunk[]> {
    return findChunks(this.chunksTable, paperIds);
  }

  /** The paper with this id; an empty library is a UserFacingError, as for the look-ups below. */
  async paperById(id: string): Promise<Paper | undefined> {
    return paperById(this.papers(), id);
  }

  async paperByArxivId(arxivId: string): Promise<Paper | undefined> {
    return paperByArxivId(this.papers(), arxivId);
  }

  /** Every paper's id, title and title key: what a look-up by title or the autocomplete searches among. */
  async paperTitles(): Promise<Pick<PaperRow, "id" | "title" | "titleKey">[]> {
    return paperTitles(this.papers());
  }

  /** The papers a digest of `day` may hold: published from `since` to `day`, or listed on `day`. */
  async papersAround(day: string, since: string): Promise<Paper[]> {
    return papersAround(this.papersTable, day, since);
  }

  /** The latest publication day on or before `day`. */
  async latestPublication(day: string): Promise<string | undefined> {
    return latestPublication(this.papersTable, day);
  }

  /** The one "recent papers" query: the newest `limit` papers matching `filters`, then the most upvoted, then by title. */
  async newestPapers(filters: PaperFilters, limit: number): Promise<Paper[]> {
    return newestPapers(this.papers(), filters, limit);
  }

  /** The opening passage (chunk 0, title line included) of each of these papers that has one, by paper id. */
  async openingChunks(paperIds: readonly string[]): Promise<Map<string, string>> {
    return openingChunks(this.chunksTable, paperIds);
  }

  /** Replaces the chunks of `paperIds` with `rows` in one commit (libraryWrites.ts). */
  async replaceChunks(paperIds: readonly string[], rows: ChunkRow[], dimensions: number): Promise<void> {
    if (paperIds.length === 0) return;
    this.chunksTable = await replaceChunkRows(this.db, this.chunksTable, paperIds, chunkData(rows, dimensions));
  }

  /** Appends chunks of papers that have none stored yet. */
  async addChunks(rows: ChunkRow[], dimensions: number): Promise<void> {
    if (rows.length === 0) return;
    this.chunksTable = await appendRows(this.db, CHUNKS, this.chunksTable, chunkData(rows, dimensions));
  }

  /** Appends papers not stored yet. */
  async addPapers(rows: PaperRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.papersTable = await appendRows(this.db, PAPERS, this.papersTable, paperData(rows));
  }

  /** Writes rows whose hash differs from the stored one; with `rewrite`, every row. */
  async upsertPapers(rows: PaperRow[], { rewrite = false } = {}): Promise<void> {
    if (rows.length === 0) return;
    this.papersTable = await mergePaperRows(this.db, this.papersTable, paperData(rows), rewrite);
  }

  /** Removes papers (and their chunks) that were merged into a record with a better id. */
  async deletePapers(ids: readonly string[]): Promise<void> {
    await deletePaperRows({ chunks: this.chunksTable, papers: this.papersTable }, ids);
  }

  /**
   * Compacts and indexes the tables after a write, and finishes whatever an interrupted
   * write left undone (see indexes.ts). Returns what was unfinished.
   */
  refreshIndexes({ wrote = true } = {}): Promise<string[]> {
    return refreshIndexes({ chunks: this.chunksTable, papers: this.papersTable }, wrote);
  }

  /**
   * What an interrupted write left undone, one line each ("chunks: no full-text
   * index"); empty for a complete library. A few milliseconds: the ingest memo is
   * trusted only when this is empty.
   */
  async unfinishedWork(): Promise<string[]> {
    return [
      ...this.incomplete.map((name) => `${name}: created by a run that was interrupted`),
      ...(await unfinishedIndexWork({ chunks: this.chunksTable, papers: this.papersTable })),
    ];
  }

  /**
   * For a reader that found an index missing (an ingest interrupted while building
   * it): builds what is unfinished, unless a writer holds the library now (it will
   * finish it itself): then "busy".
   */
  async finishInterruptedWork(): Promise<"done" | "busy"> {
    const lock = await this.lockForWriting({ what: "finishing an interrupted ingest", wait: false });
    if (!lock) return "busy";
    try {
      await this.refreshIndexes({ wrote: false });
      return "done";
    } finally {
      await lock.release();
    }
  }

  async counts(): Promise<{ papers: number; papersWithSummary: number; chunks: number }> {
    if (!this.papersTable) return { papers: 0, papersWithSummary: 0, chunks: 0 };
    const [papers, papersWithSummary, chunks] = await Promise.all([
      this.papersTable.countRows(),
      this.papersTable.countRows("summary != ''"),
      this.chunksTable ? this.chunksTable.countRows() : 0,
    ]);
    return { papers, papersWithSummary, chunks };
  }

  /** How many papers each kind of source contributed (a paper seen on two kinds counts for both). */
  async sourceCounts(): Promise<Record<string, number>> {
    return sourceCounts(this.papersTable);
  }

  async versions(): Promise<{ papers: number | undefined; chunks: number | undefined }> {
    return { papers: await this.papersTable?.version(), chunks: await this.chunksTable?.version() };
  }

  close(): void {
    this.papersTable?.close();
    this.chunksTable?.close();
    this.metaTable?.close();
    this.db.close();
  }
}
