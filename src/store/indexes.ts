import { Index, type IndexConfig, type Table } from "@lancedb/lancedb";
import { retryCommitConflicts } from "./commitRetry.js";
import { CHUNKS, PAPERS } from "./schema.js";

/**
 * What keeps search fast after a write: compaction, a full-text index on each table,
 * a btree on ids (and on the chunks' paper ids), and a vector index once the chunks
 * table is big enough, with how many partitions it has and how many a search scans.
 */

/** The library's two searched tables, each absent until first written. */
export interface LibraryTables {
  chunks: Table | undefined;
  papers: Table | undefined;
}

/**
 * Below this many chunks a flat scan is already fast (search holds them in memory and
 * scans 1,800 in ~0.7 ms); an ANN index only adds build time.
 */
export const VECTOR_INDEX_MIN_ROWS = 10_000;
/** Rows per partition of the vector index. */
const ROWS_PER_PARTITION = 1_000;

/** Partitions of the vector index built for a table of `rows` chunks. */
export function vectorPartitions(rows: number): number {
  return Math.max(1, Math.round(rows / ROWS_PER_PARTITION));
}

/**
 * Share of the vector index's partitions a search scans, chosen by measured recall
 * (bench:query, bench:vectors, docs/benchmarks.md): the local embedder's vectors barely
 * cluster, so on real text 12 of 100 partitions found 63% of the exact top 20, and 64
 * of 100 found 97%.
 */
const PROBE_SHARE = 0.64;
/** At least this many: a library of up to 12 partitions (the real corpus, the eval's) is searched exactly. */
const MIN_PROBES = 12;

/** The partitions a vector search of a table of `rows` chunks scans. */
export function vectorProbes(rows: number): number {
  return Math.max(MIN_PROBES, Math.ceil(vectorPartitions(rows) * PROBE_SHARE));
}

/** Bits per dimension of the vector index's quantised codes (IVF-RQ, RaBitQ). */
const VECTOR_INDEX_BITS = 4;
/**
 * The vector index keeps 4-bit codes of each vector, which a query scans (an eighth of
 * the bytes of the float32 vectors IVF-flat scanned), then LanceDB re-ranks this many
 * times the limit of the best by the full vectors: the rows returned carry their exact
 * cosine distance, which search reports as similarity and the answerer compares with
 * fixed thresholds (the codes' own distances are off by up to 0.96). With 4 bits the
 * codes already rank nearly as the full vectors do: a larger factor found no more of
 * the exact top 20, and only costs the reads of the full vectors.
 */
export const VECTOR_REFINE_FACTOR = 2;

/**
 * The vector index a table of `rows` chunks gets, as LanceDB lists its kind. While a
 * search probes every partition anyway (`MIN_PROBES`, up to ~12,500 chunks), IVF-flat:
 * exact, and no refine step, whose reads of single vectors cost a request each on
 * s3:// (bare queries 33 ms instead of 13 at 11k passages). Beyond, IVF-RQ. A table
 * whose index is of the other kind (indexed before this rule, or grown past it since)
 * gets it rebuilt by the next ingest.
 */
export function vectorIndexKind(rows: number): "IvfFlat" | "IvfRq" {
  return vectorPartitions(rows) <= MIN_PROBES ? "IvfFlat" : "IvfRq";
}

/** The vector column's index among a table's indexes, if it has one. */
const vectorIndexOf = (indices: readonly IndexConfig[]) => indices.find((i) => i.columns.includes("vector"));

/** How a vector query asks the index of a table. */
export interface VectorSettings {
  /** Partitions scanned, for the table's size. */
  probes: number;
  /**
   * Re-rank this many times the limit by the full vectors: a quantised index's own
   * distances are not the cosine distance that search reports as similarity. 0 for an
   * index that keeps the full vectors (IVF-flat, which libraries were indexed with before).
   */
  refineFactor: number;
}

/** The vector query settings for `table` of `rows` chunks, by the kind of index it has. */
export async function vectorSettings(table: Table, rows: number): Promise<VectorSettings> {
  const index = vectorIndexOf(await table.listIndices());
  return { probes: vectorProbes(rows), refineFactor: index?.indexType === "IvfRq" ? VECTOR_REFINE_FACTOR : 0 };
}

/**
 * Finishes a table after a write, and whatever a write interrupted before left
 * undone. Compaction runs after a write when indexes exist (it folds the new rows
 * into them; until then they are searched unindexed) or when the table is in more
 * than one fragment: a first ingest writes one per batch, and every search reads
 * its rows from each fragment it touches (one fragment instead of 17 made search
 * at 100k chunks ~20% faster; compacting 100k unindexed chunks takes ~1 s). It
 * also prunes versions older than a day. Then whatever index is missing is
 * created: full-text on both tables, and a vector index once the chunks table is
 * big enough. Without a write (`wrote: false`) only unfinished work is done (see
 * unfinishedIndexWork), so that a library already complete gets no new version.
 * Returns what was unfinished.
 */
export async function refreshIndexes({ chunks, papers }: LibraryTables, wrote: boolean): Promise<string[]> {
  // The two tables, and each table's index builds, are independent: LanceDB runs them in parallel.
  // A table is planned again after a commit conflict: the other writer may have done the work.
  const done = await Promise.all([
    chunks && retryCommitConflicts(() => refreshTable(chunks, CHUNKS, wrote)),
    papers && retryCommitConflicts(() => refreshTable(papers, PAPERS, wrote)),
  ]);
  return done.flatMap((reasons) => reasons ?? []);
}

/** What an interrupted write left undone in the tables' compaction and indexes, one line each ("chunks: no full-text index"). */
export async function unfinishedIndexWork(tables: LibraryTables): Promise<string[]> {
  const [chunks, papers] = await Promise.all([
    tables.chunks ? tableWork(tables.chunks, CHUNKS, false) : undefined,
    tables.papers ? tableWork(tables.papers, PAPERS, false) : undefined,
  ]);
  return [...(chunks?.reasons ?? []), ...(papers?.reasons ?? [])];
}

interface IndexBuild {
  column: string;
  config: Index;
  /** Replaces an index of another kind on the column. */
  replace?: boolean;
}

async function refreshTable(table: Table, name: string, wrote: boolean): Promise<string[]> {
  const work = await tableWork(table, name, wrote);
  if (work.compact) await table.optimize({ cleanupOlderThan: new Date(Date.now() - 24 * 3600 * 1000) });
  await Promise.all(work.builds.map(({ column, config, replace }) => table.createIndex(column, { config, replace })));
  return work.reasons;
}

/**
 * Partitions of ~1,000 vectors, kept whole (IVF-flat) or as RaBitQ codes (IVF-RQ: see
 * VECTOR_REFINE_FACTOR), by vectorIndexKind. Not IVF-PQ: on these vectors, which barely
 * cluster, its codes rank poorly (0.89 of the exact top 20 at 64 of 100 partitions with a
 * refine factor of 20) and it builds ~30× slower. Not HNSW-SQ: its graph finds 95% of the
 * exact top 20 only with a large ef and a refine step, slower than these probes and many
 * times slower to build (docs/benchmarks.md, issue #13).
 */
function vectorIndexConfig(rows: number): Index {
  const numPartitions = vectorPartitions(rows);
  return vectorIndexKind(rows) === "IvfFlat"
    ? Index.ivfFlat({ distanceType: "cosine", numPartitions })
    : Index.ivfRq({ distanceType: "cosine", numPartitions, numBits: VECTOR_INDEX_BITS });
}

async function tableWork(
  table: Table,
  name: string,
  wrote: boolean,
): Promise<{ compact: boolean; builds: IndexBuild[]; reasons: string[] }> {
  const textColumn = name === CHUNKS ? "text" : "title";
  const indices = await table.listIndices();
  const indexed = new Set(indices.map((i) => i.columns.join(",")));
  const [{ fragmentStats }, indexStats, rows] = await Promise.all([
    table.stats(),
    Promise.all(indices.map((i) => table.indexStats(i.name))),
    name === CHUNKS ? table.countRows() : 0,
  ]);
  const reasons: string[] = [];
  const unindexed = Math.max(0, ...indexStats.map((s) => s?.numUnindexedRows ?? 0));
  if (unindexed > 0) reasons.push(`${name}: ${unindexed} rows outside its indexes`);

  const builds: IndexBuild[] = [];
  if (!indexed.has(textColumn)) {
    reasons.push(`${name}: no full-text index`);
    builds.push({
      column: textColumn,
      config: Index.fts({ stem: true, removeStopWords: true, asciiFolding: true, withPosition: false }),
    });
  }
  for (const column of name === CHUNKS ? ["id", "paperId"] : ["id"]) {
    // `paperId = …` / `paperId IN (…)` picks a paper's passages (an ingest's stored vectors and
    // replaced chunks, the opening passages, a search restricted to named papers): without a btree
    // each is a scan of the whole column. A library written before this index gets it the way an
    // interrupted build is finished: listed as missing, built by the next ingest.
    if (indexed.has(column)) continue;
    reasons.push(`${name}: no ${column} index`);
    builds.push({ column, config: Index.btree() });
  }
  const vectorIndex = vectorIndexOf(indices);
  const kind = vectorIndexKind(rows);
  if (vectorIndex && vectorIndex.indexType !== kind) {
    // Searched as it is meanwhile (a refine step only for IVF-RQ), and rebuilt the way a missing index is built.
    reasons.push(`${name}: vector index is ${vectorIndex.indexType}, not ${kind}`);
    builds.push({ column: "vector", config: vectorIndexConfig(rows), replace: true });
  }
  if (!vectorIndex && rows >= VECTOR_INDEX_MIN_ROWS) {
    reasons.push(`${name}: no vector index`);
    builds.push({ column: "vector", config: vectorIndexConfig(rows) });
  }
  // Fragments alone are not unfinished work: an optimize leaves the rows it has just
  // indexed in their own fragment (LanceDB compacts only indexed fragments), so a
  // library that gets a few papers a day always has two. An interrupted compaction
  // shows as rows outside the indexes, or as indexes not built yet.
  const compact = reasons.length > 0 || (wrote && (indexed.size > 0 || fragmentStats.numFragments > 1));
  return { compact, builds, reasons };
}
