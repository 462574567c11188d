import { BooleanQuery, MatchQuery, Occur, type FullTextQuery, type Table, type VectorQuery } from "@lancedb/lancedb";
import type { Table as ArrowTable } from "apache-arrow";
import { UserFacingError, errorMessage } from "../errors.js";
import { cosine, norm } from "../text/vectors.js";
import { vectorOf } from "./arrowRows.js";
import { hitAt, loadChunkMemory, nearestInMemory, similarityAt, type ChunkHit, type ChunkMemory } from "./chunkMemory.js";
import { VECTOR_INDEX_MIN_ROWS, vectorSettings, type VectorSettings } from "./indexes.js";
import type { PaperStore } from "./paperStore.js";
import { filtersWhere, restrictsColumns, type PaperFilters } from "./sql.js";
import { parseHit } from "./storedRows.js";

/**
 * The queries a search asks of the chunks table: the passages nearest to the query's
 * vector, and the best by its words, each side limited to a few candidates that the
 * searcher fuses (src/retrieve). Every chunk row carries what a search returns for it
 * (its `text`, and its `hit` column: paper id and the paper's record), so a search
 * needs no look-up in the papers table: it is two LanceDB queries run together. With
 * the table held in memory (ChunkMemory), those queries return only row ids and
 * scores, and a small library's vector side is scanned in memory.
 */

/** The candidates one set of filters found: by vector, and by words. */
export interface Found {
  byVector: ChunkHit[];
  byText: ChunkHit[];
}

/** What a search asks for: the query's vector, and its words for full-text search ("" for none). */
export interface ChunkQuery {
  vector: Float32Array;
  words: string;
  /** Words of `words` also matched in their near spellings (see fullTextQuery). */
  variants?: readonly string[];
}

/** What a searcher knows of the chunks table as of one version. */
interface TableState {
  table: Table;
  version: number;
  /** Set while the table is no bigger than the searcher may hold (see `memoryChunks`). */
  memory: ChunkMemory | undefined;
  /** Big enough to have a vector index: its vector side is asked of LanceDB, not scanned here. */
  indexed: boolean;
  /** How a vector query asks the index: the partitions it scans, and the refine step a quantised index needs. */
  vectorQuery: VectorSettings;
}

/** What one candidate search is given: the query, its vector and the filters as SQL. */
interface CandidateQuery {
  vector: Float32Array;
  queryNorm: number;
  words: string;
  variants: readonly string[];
  where: string | undefined;
  /** The papers the vector side may scan in memory (`paperIds`), if restricted. */
  allowed: ReadonlySet<string> | undefined;
  /** Scan the vectors in memory (a small library, no filter other than papers) rather than ask LanceDB. */
  scanHere: boolean;
  limit: number;
}

/** LanceDB's answer to a full-text query on a table without a full-text index. */
const MISSING_TEXT_INDEX = /INVERTED index has been created/;

/**
 * The chunks table as one searcher sees it: read once (into memory when it is small
 * enough, see `memoryChunks`), and again after each write.
 */
export class ChunkSearch {
  private state: Promise<TableState> | undefined;

  /**
   * `memoryChunks`: the biggest library, in chunks, held in memory. A library below
   * the vector index threshold always is: it loads in milliseconds.
   */
  constructor(
    private readonly store: PaperStore,
    private readonly memoryChunks: number,
  ) {}

  /** Reads what is held in memory now rather than at the first search (a big library takes a second or two). */
  async prepare(): Promise<void> {
    if (!this.store.isEmpty) await this.currentState(this.store.chunks());
  }

  /**
   * The `limit` best chunks by vector and by words, once for each of `filterSets`, all
   * from one version of the table: a search that saw a copy older than the table is run
   * once more on a fresh copy.
   */
  find(query: ChunkQuery, filterSets: readonly PaperFilters[], limit: number): Promise<Found[]> {
    return this.findIn(query, filterSets, limit);
  }

  private async findIn(
    query: ChunkQuery,
    filterSets: readonly PaperFilters[],
    limit: number,
    retried = false,
    repaired = false,
  ): Promise<Found[]> {
    const table = this.store.chunks();
    const current = await this.currentState(table);
    const queryNorm = norm(query.vector);
    const searches = filterSets.map((filters) =>
      findChunks(current, {
        vector: query.vector,
        queryNorm,
        words: query.words,
        variants: query.variants ?? [],
        where: filtersWhere(filters),
        allowed: filters.paperIds ? new Set(filters.paperIds) : undefined,
        // The vector side is scanned here for a small library, when no filter other than papers applies.
        scanHere: !current.indexed && !restrictsColumns(filters),
        limit,
      }),
    );
    // Only a search against the copy in memory can be out of date; LanceDB reads the
    // latest version itself. (A table too big to hold stays searched in LanceDB.)
    let results: Found[];
    let version: number;
    try {
      [results, version] = await Promise.all([Promise.all(searches), current.memory ? table.version() : current.version]);
    } catch (error) {
      if (repaired || !(error instanceof Error && MISSING_TEXT_INDEX.test(error.message))) throw error;
      await finishIndexes(this.store);
      return this.findIn(query, filterSets, limit, retried, true);
    }
    if (version !== current.version) {
      // Written since: this search saw an older copy (and skipped hits it did not
      // know). Read the table again and search once more.
      void this.remember(readState(this.store, table, this.memoryChunks));
      if (!retried) return this.findIn(query, filterSets, limit, true, repaired);
    }
    return results;
  }

  /** What is known of `table`, read once and again after each write (see `find`). */
  private currentState(table: Table): Promise<TableState> {
    const known = this.state;
    const read = () => readState(this.store, table, this.memoryChunks);
    return this.remember(known ? known.then((s) => (s.table === table ? s : read())) : read());
  }

  private remember(next: Promise<TableState>): Promise<TableState> {
    this.state = next;
    next.catch(() => {
      if (this.state === next) this.state = undefined; // the next search tries again
    });
    return next;
  }
}

async function readState(store: PaperStore, table: Table, memoryChunks: number): Promise<TableState> {
  await store.checkChunkColumns();
  const [version, rows] = await Promise.all([table.version(), table.countRows()]);
  const indexed = rows >= VECTOR_INDEX_MIN_ROWS;
  // Below the index threshold the vector side is scanned here: no need to ask which index the table has.
  const [memory, vectorQuery] = await Promise.all([
    !indexed || rows <= memoryChunks ? loadChunkMemory(table, rows) : undefined,
    indexed ? vectorSettings(table, rows) : { probes: 0, refineFactor: 0 },
  ]);
  return { table, version, memory, indexed, vectorQuery };
}

/**
 * One candidate search: both sides at once, each limited to `limit` chunks.
 * Each LanceDB query is started text first: starting a vector query blocks this
 * thread for ~0.4 ms, which the text query spends running.
 */
function findChunks(state: TableState, query: CandidateQuery): Promise<Found> {
  return state.memory
    ? findHeldChunks(state.table, state.memory, state.vectorQuery, query)
    : findStoredChunks(state.table, state.vectorQuery, query);
}

/** The nearest `limit` chunks to `vector`, as the table's vector index is asked (the benchmarks ask it the same way). */
export function nearestQuery(table: Table, vector: Float32Array, { probes, refineFactor }: VectorSettings, limit: number): VectorQuery {
  const query = table.query().nearestTo(vector).distanceType("cosine").nprobes(probes).limit(limit);
  return refineFactor ? query.refineFactor(refineFactor) : query;
}

/** With the table in memory, LanceDB returns only row ids and scores (reading no column); the rest is read here. */
async function findHeldChunks(
  table: Table,
  memory: ChunkMemory,
  settings: VectorSettings,
  { vector, queryNorm, words, variants, where, allowed, scanHere, limit }: CandidateQuery,
): Promise<Found> {
  let textQuery = words
    ? table.query().fullTextSearch(fullTextQuery(words, variants)).limit(limit).select(["_score"]).withRowId()
    : undefined;
  if (textQuery && where) textQuery = textQuery.where(where);
  let vectorQuery = scanHere ? undefined : nearestQuery(table, vector, settings, limit).select(["_distance"]).withRowId();
  if (vectorQuery && where) vectorQuery = vectorQuery.where(where);
  const text = textQuery?.toArrow();
  const nearest = vectorQuery?.toArrow();
  const byVector = scanHere ? nearestInMemory(memory, vector, queryNorm, limit, allowed) : [];
  const byText: ChunkHit[] = [];
  // A row id this copy does not know was written after it: the caller reads the table again and searches once more.
  const known = (data: ArrowTable, found: (r: number, i: number) => void) => {
    const rowIds = data.getChild("_rowid");
    for (let i = 0; i < data.numRows; i++) {
      const r = memory.row.get(rowIds?.get(i) as bigint);
      if (r !== undefined) found(r, i);
    }
  };
  const [textData, vectorData] = await Promise.all([text, nearest]);
  if (vectorData) {
    const distances = vectorData.getChild("_distance");
    known(vectorData, (r, i) => byVector.push(hitAt(memory, r, 1 - ((distances?.get(i) as number | null) ?? 1))));
  }
  if (textData) {
    const scores = textData.getChild("_score");
    known(textData, (r, i) => byText.push(hitAt(memory, r, similarityAt(memory, r, vector, queryNorm), scores?.get(i) as number)));
  }
  return { byVector, byText };
}

/** Without the table in memory, each query reads back what a search shows of its hits (the `hit` and `text` columns). */
async function findStoredChunks(
  table: Table,
  settings: VectorSettings,
  { vector, queryNorm, words, variants, where, limit }: CandidateQuery,
): Promise<Found> {
  let vectorQuery = nearestQuery(table, vector, settings, limit).select(["hit", "text", "_distance"]);
  if (where) vectorQuery = vectorQuery.where(where);
  // Text hits bring their vectors so that they get a similarity too, not only the vector hits.
  let textQuery = words
    ? table.query().fullTextSearch(fullTextQuery(words, variants)).limit(limit).select(["hit", "text", "vector", "_score"])
    : undefined;
  if (textQuery && where) textQuery = textQuery.where(where);
  const text = textQuery?.toArrow();
  const [vectorData, textData] = await Promise.all([vectorQuery.toArrow(), text]);
  const hits = (data: ArrowTable, similarity: (i: number) => number, score?: (i: number) => number): ChunkHit[] => {
    if (data.numRows === 0) return []; // no batch, so no columns either
    const cells = stringColumn(data, "hit");
    const texts = stringColumn(data, "text");
    return Array.from({ length: data.numRows }, (_, i) => {
      const [paperId, text, record] = parseHit(cells(i), () => texts(i));
      return { paperId, text, record, similarity: similarity(i), ...(score ? { score: score(i) } : {}) };
    });
  };
  const distances = vectorData.getChild("_distance");
  const byVector = hits(vectorData, (i) => 1 - ((distances?.get(i) as number | null) ?? 1));
  if (!textData) return { byVector, byText: [] };
  const vectors = textData.getChild("vector");
  const scores = textData.getChild("_score");
  const byText = hits(
    textData,
    (i) => cosine(vector, vectorOf(vectors?.get(i)), queryNorm),
    (i) => scores?.get(i) as number,
  );
  return { byVector, byText };
}

/** Letters a variant keeps from the start of the word as the index stems it: "astronomi" and "astronom" share "astron". */
const VARIANT_PREFIX = 6;
/** Near spellings of one word the text side also matches, the closest first. */
const VARIANT_EXPANSIONS = 5;

/**
 * The full-text query for a search's words. Each of `variants` also matches the
 * indexed words one edit away from it that begin the same way: the forms of a word
 * that the index's stemmer does not bring together ("astronomy" and "astronomical"
 * stem to "astronomi" and "astronom").
 */
function fullTextQuery(words: string, variants: readonly string[]): string | FullTextQuery {
  if (variants.length === 0) return words;
  return new BooleanQuery([
    [Occur.Should, new MatchQuery(words, "text")],
    ...variants.map((word): [Occur, FullTextQuery] => [
      Occur.Should,
      new MatchQuery(word, "text", { fuzziness: 1, prefixLength: VARIANT_PREFIX, maxExpansions: VARIANT_EXPANSIONS }),
    ]),
  ]);
}

function stringColumn(data: ArrowTable, name: string): (i: number) => string {
  const column = data.getChild(name);
  if (!column) throw new Error(`the search result has no ${name} column`);
  return (i) => column.get(i) as string;
}

/**
 * A library whose full-text index is missing was left by an ingest interrupted while
 * building it. The search builds it (seconds at most, once) rather than fail, unless
 * an ingest is writing the library now (it will build it) or it cannot.
 */
async function finishIndexes(store: PaperStore): Promise<void> {
  const missing = `Search needs the library's full-text index, which is missing: an ingest was interrupted while building it.`;
  let outcome: "done" | "busy";
  try {
    outcome = await store.finishInterruptedWork();
  } catch (error) {
    throw new UserFacingError(
      `${missing} It could not be built here (${errorMessage(error)}): ` +
        "run `npx paperbot ingest <file|dir|url>` (any input, even one already ingested) to build it.",
    );
  }
  if (outcome === "busy")
    throw new UserFacingError(`${missing} An ingest is writing the library now and builds it when it finishes: try again then.`);
}
