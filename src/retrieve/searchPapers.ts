import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Table } from "@lancedb/lancedb";
import type { Table as ArrowTable } from "apache-arrow";
import { UserFacingError, errorMessage } from "../errors.js";
import { paperUrl, type Paper } from "../paper.js";
import { hitAt, loadChunkMemory, nearestInMemory, similarityAt, vectorOf, type ChunkHit, type ChunkMemory } from "./chunkMemory.js";
import { cosine, norm } from "../text/vectors.js";
import { contentWordStems, stemCoverage, titleStems, wordsOnly } from "../text/words.js";
import { truncate } from "../text/truncate.js";
import { VECTOR_INDEX_MIN_ROWS, vectorProbes, type PaperStore } from "../store/paperStore.js";
import { filtersWhere, restricts, restrictsColumns, type PaperFilters } from "../store/sql.js";
import { parseHit } from "../store/storedRows.js";

/**
 * Hybrid search: the query's vector and its words are each matched against the
 * chunks, the two rankings are fused, and chunk hits are grouped into papers,
 * each paper once with its best passages. Every chunk row carries what a search
 * returns for it (its `text`, and its `hit` column: paper id and the paper's record),
 * so a search needs no look-up in the papers table: it is two LanceDB queries run
 * together. With the table held in memory (ChunkMemory), those queries return only
 * row ids and scores, and a small library's vector side is scanned in memory.
 */

/** The store's filters on the papers' columns, and papers to prefer. */
export interface SearchFilters extends PaperFilters {
  /**
   * These papers rank ahead of others that match about as well (up to ~10% better
   * on the fused score), and are searched on their own too, so that they are found
   * even when other papers fill the candidates. Others still appear.
   */
  preferPaperIds?: readonly string[];
}

export interface PaperHit {
  rank: number;
  paperId: string;
  title: string;
  /** Fused score scaled to 0–1: 1 = ranked first by both vectors and words. */
  score: number;
  /** Best cosine similarity of the query to one of the paper's passages: an absolute relevance signal. */
  similarity: number;
  /** Best full-text (BM25) score of one of the paper's passages; 0 when no word matched. */
  textScore: number;
  /**
   * Share of the question's content words found in the paper's title and retrieved
   * passages (0–1). A question about something the library lacks leaves its key
   * words uncovered even when the topic is close.
   */
  coverage: number;
  /** How closely the query matches the paper's title (Dice overlap of their words, 0–1). */
  titleMatch: number;
  snippet: string;
  /** The paper's best passages, without the title line, best first. */
  passages: string[];
  url: string | undefined;
  year: number | undefined;
  /** The paper's record without its summary (the passages are its text; look the paper up for the whole). */
  paper: Paper;
}

export interface SearchOptions {
  k?: number;
  filters?: SearchFilters;
}

/**
 * How the two rankings are combined. `rrf`: reciprocal-rank fusion, rank only.
 * `relative`: every candidate chunk's cosine similarity (computed for text hits
 * too) plus half its BM25 score relative to the best text hit; this keeps how far
 * ahead a hit is, so a rare word that only BM25 sees can win. The eval
 * (`npm run eval`) measures both.
 */
export type Fusion = "rrf" | "relative";

/** Candidates taken from each side before fusion; enough for several passages per paper. */
export const CANDIDATES = 20;
/** What a preferred paper adds to its fused score, as a share of the best possible score. */
const PREFER_SHARE = 0.1;
/** Query vectors remembered per searcher: a remote embedder costs a round trip per question. */
const EMBED_CACHE_SIZE = 256;
/** RRF's k: dampens the gap between rank 1 and rank 2, the usual 60. */
const RRF_K = 60;
const SNIPPET_CHARS = 240;

/** Words only: the full-text parser must never see user punctuation as query syntax. */
export { wordsOnly as toTextQuery } from "../text/words.js";

/** How much a query containing all of a title's words adds to the paper's score. */
const TITLE_WEIGHT = 0.5;

/** The title line every chunk starts with. */
function titleOf(chunkText: string): string {
  const cut = chunkText.indexOf("\n\n");
  return cut >= 0 ? chunkText.slice(0, cut) : chunkText;
}

/** The passage without the title line every chunk starts with. */
function passageOf(chunkText: string): string {
  const cut = chunkText.indexOf("\n\n");
  return cut >= 0 ? chunkText.slice(cut + 2) : chunkText;
}

function snippetOf(passage: string): string {
  return truncate(passage, SNIPPET_CHARS);
}

export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<PaperHit[]>;
  /**
   * The newest papers that match `filters` (which must restrict, e.g. a publication
   * window), newest first, then most upvoted: "what's new this week?". Each with its
   * opening passage; scores are 0, as no query was matched.
   */
  newest(filters: SearchFilters, k: number): Promise<PaperHit[]>;
  /** Reads what the searcher holds in memory now rather than at the first search (a big library takes a second or two). */
  prepare(): Promise<void>;
}

/** What a searcher knows of the chunks table as of one version. */
interface TableState {
  table: Table;
  version: number;
  /** Set while the table is no bigger than the searcher may hold (see `memoryChunks`). */
  memory: ChunkMemory | undefined;
  /** Big enough to have a vector index: its vector side is asked of LanceDB, not scanned here. */
  indexed: boolean;
  /** Partitions of the vector index a query scans, for this table's size. */
  probes: number;
}

async function readState(store: PaperStore, table: Table, memoryChunks: number): Promise<TableState> {
  await store.checkChunkColumns();
  const [version, rows] = await Promise.all([table.version(), table.countRows()]);
  const indexed = rows >= VECTOR_INDEX_MIN_ROWS;
  const memory = !indexed || rows <= memoryChunks ? await loadChunkMemory(table, rows) : undefined;
  return { table, version, memory, indexed, probes: vectorProbes(rows) };
}

function stringColumn(data: ArrowTable, name: string): (i: number) => string {
  const column = data.getChild(name);
  if (!column) throw new Error(`the search result has no ${name} column`);
  return (i) => column.get(i) as string;
}

interface Found {
  byVector: ChunkHit[];
  byText: ChunkHit[];
}

/** What one candidate search is given: the query, its vector and the filters as SQL. */
interface CandidateQuery {
  vector: Float32Array;
  queryNorm: number;
  /** The question as words for full-text search; "" for none. */
  words: string;
  where: string | undefined;
  /** The papers the vector side may scan in memory (`paperIds`), if restricted. */
  allowed: ReadonlySet<string> | undefined;
  /** Scan the vectors in memory (a small library, no filter other than papers) rather than ask LanceDB. */
  scanHere: boolean;
}

/**
 * One candidate search: both sides at once, each limited to CANDIDATES chunks.
 * Each LanceDB query is started text first: starting a vector query blocks this
 * thread for ~0.4 ms, which the text query spends running.
 */
function findChunks(state: TableState, query: CandidateQuery): Promise<Found> {
  return state.memory ? findHeldChunks(state.table, state.memory, state.probes, query) : findStoredChunks(state.table, state.probes, query);
}

/** With the table in memory, LanceDB returns only row ids and scores (reading no column); the rest is read here. */
async function findHeldChunks(
  table: Table,
  memory: ChunkMemory,
  probes: number,
  { vector, queryNorm, words, where, allowed, scanHere }: CandidateQuery,
): Promise<Found> {
  let textQuery = words ? table.query().fullTextSearch(words).limit(CANDIDATES).select(["_score"]).withRowId() : undefined;
  if (textQuery && where) textQuery = textQuery.where(where);
  let vectorQuery = scanHere
    ? undefined
    : table.query().nearestTo(vector).distanceType("cosine").nprobes(probes).limit(CANDIDATES).select(["_distance"]).withRowId();
  if (vectorQuery && where) vectorQuery = vectorQuery.where(where);
  const text = textQuery?.toArrow();
  const nearest = vectorQuery?.toArrow();
  const byVector = scanHere ? nearestInMemory(memory, vector, queryNorm, CANDIDATES, allowed) : [];
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
async function findStoredChunks(table: Table, probes: number, { vector, queryNorm, words, where }: CandidateQuery): Promise<Found> {
  let vectorQuery = table
    .query()
    .nearestTo(vector)
    .distanceType("cosine")
    .nprobes(probes)
    .limit(CANDIDATES)
    .select(["hit", "text", "_distance"]);
  if (where) vectorQuery = vectorQuery.where(where);
  // Text hits bring their vectors so that they get a similarity too, not only the vector hits.
  let textQuery = words ? table.query().fullTextSearch(words).limit(CANDIDATES).select(["hit", "text", "vector", "_score"]) : undefined;
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

/** Both lists of `a`, then those of `b` that `a` lacks. */
function mergeFound(a: Found, b: Found): Found {
  const merge = (x: ChunkHit[], y: ChunkHit[]) => {
    const seen = new Set(x.map((h) => h.text));
    return [...x, ...y.filter((h) => !seen.has(h.text))];
  };
  return { byVector: merge(a.byVector, b.byVector), byText: merge(a.byText, b.byText) };
}

/** LanceDB's answer to a full-text query on a table without a full-text index. */
const MISSING_TEXT_INDEX = /INVERTED index has been created/;

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
      `${missing} It could not be built here (${errorMessage(error)}): run \`npx paperbot ingest <file|dir|url>\` (any input, even one already ingested) to build it.`,
    );
  }
  if (outcome === "busy")
    throw new UserFacingError(`${missing} An ingest is writing the library now and builds it when it finishes: try again then.`);
}

export interface SearcherOptions {
  store: PaperStore;
  embeddings: EmbeddingsInterface;
  fusion?: Fusion;
  /**
   * The biggest library, in chunks, this searcher holds in memory (see ChunkMemory).
   * A library below the vector index threshold always is: it loads in milliseconds.
   * A long-running searcher (the bot) holds bigger ones too, to search them faster;
   * a one-shot search would spend more time loading than it saves.
   */
  memoryChunks?: number;
}

export function createSearcher({ store, embeddings, fusion = "relative", memoryChunks = 0 }: SearcherOptions): Searcher {
  let state: Promise<TableState> | undefined;
  const embedded = new Map<string, Float32Array>();

  async function embed(query: string): Promise<Float32Array> {
    const known = embedded.get(query);
    if (known) {
      embedded.delete(query); // most recently used last
      embedded.set(query, known);
      return known;
    }
    const vector = Float32Array.from(await embeddings.embedQuery(query));
    if (embedded.size >= EMBED_CACHE_SIZE) embedded.delete(embedded.keys().next().value!);
    embedded.set(query, vector);
    return vector;
  }

  /** What is known of `table`, read once and again after each write (see `find`). */
  function currentState(table: Table): Promise<TableState> {
    const known = state;
    return remember(
      known ? known.then((s) => (s.table === table ? s : readState(store, table, memoryChunks))) : readState(store, table, memoryChunks),
    );
  }

  function remember(next: Promise<TableState>): Promise<TableState> {
    state = next;
    next.catch(() => {
      if (state === next) state = undefined; // the next search tries again
    });
    return next;
  }

  async function find(query: string, vector: Float32Array, filters: SearchFilters, retried = false, repaired = false): Promise<Found> {
    const table = store.chunks();
    const current = await currentState(table);
    const queryNorm = norm(vector);
    const words = wordsOnly(query);
    const { preferPaperIds, ...restricting } = filters;
    const where = filtersWhere(restricting);
    // The vector side is scanned here for a small library, when no filter other than papers applies.
    const scanHere = !current.indexed && !restrictsColumns(restricting);
    const allowed = restricting.paperIds ? new Set(restricting.paperIds) : undefined;
    const searches = [findChunks(current, { vector, queryNorm, words, where, allowed, scanHere })];
    const preferred = preferPaperIds?.filter((id) => !allowed || allowed.has(id)) ?? [];
    if (preferred.length > 0) {
      searches.push(
        findChunks(current, {
          vector,
          queryNorm,
          words,
          where: filtersWhere({ ...restricting, paperIds: preferred }),
          allowed: new Set(preferred),
          scanHere,
        }),
      );
    }
    // Only a search against the copy in memory can be out of date; LanceDB reads the
    // latest version itself. (A table too big to hold stays searched in LanceDB.)
    let results: Found[];
    let version: number;
    try {
      [results, version] = await Promise.all([Promise.all(searches), current.memory ? table.version() : current.version]);
    } catch (error) {
      if (repaired || !(error instanceof Error && MISSING_TEXT_INDEX.test(error.message))) throw error;
      await finishIndexes(store);
      return find(query, vector, filters, retried, true);
    }
    if (version !== current.version) {
      // Written since: this search saw an older copy (and skipped hits it did not
      // know). Read the table again and search once more.
      void remember(readState(store, table, memoryChunks));
      if (!retried) return find(query, vector, filters, true, repaired);
    }
    return results.reduce(mergeFound);
  }

  return {
    async prepare() {
      if (!store.isEmpty) await currentState(store.chunks());
    },
    async newest(filters, k) {
      if (!restricts(filters)) throw new Error("newest() needs a filter: it would read every paper");
      const papers = await store.newestPapers(filters, k);
      const openings = await store.openingChunks(papers.map((p) => p.id));
      return papers.map((paper, i): PaperHit => {
        const text = openings.get(paper.id) ?? "";
        const passages = text.includes("\n\n") ? [passageOf(text)] : [];
        return {
          rank: i + 1,
          paperId: paper.id,
          title: paper.title,
          score: 0,
          similarity: 0,
          textScore: 0,
          coverage: 0,
          titleMatch: 0,
          snippet: snippetOf(passages[0] ?? ""),
          passages,
          url: paperUrl(paper),
          year: paper.year,
          paper,
        };
      });
    },
    async search(query, { k = 10, filters = {} } = {}) {
      if (filters.paperIds?.length === 0) return [];
      const vector = await embed(query);
      const { byVector, byText } = await find(query, vector, filters);
      const prefer = new Set(filters.preferPaperIds ?? []);

      // Fuse at the chunk level, then keep each paper's best chunk score.
      const papers = new Map<
        string,
        { fused: number; similarity: number; textScore: number; titleMatch: number; record: string; passages: Map<string, number> }
      >();
      const maxText = Math.max(0, ...byText.map((h) => h.score ?? 0));
      const add = (side: "vector" | "text", hit: ChunkHit, rank: number) => {
        const entry = papers.get(hit.paperId) ?? {
          fused: 0,
          similarity: 0,
          textScore: 0,
          titleMatch: 0,
          record: hit.record,
          passages: new Map<string, number>(),
        };
        let chunkScore: number;
        if (fusion === "rrf") chunkScore = (entry.passages.get(hit.text) ?? 0) + 1 / (RRF_K + rank);
        else {
          // Each chunk once: its cosine (absolute) plus half its BM25 relative to the best text hit.
          const known = entry.passages.get(hit.text);
          chunkScore =
            side === "vector" && known !== undefined
              ? known
              : hit.similarity + (side === "text" && maxText > 0 ? (0.5 * (hit.score ?? 0)) / maxText : 0);
        }
        entry.passages.set(hit.text, chunkScore);
        entry.fused = Math.max(entry.fused, chunkScore);
        entry.similarity = Math.max(entry.similarity, hit.similarity);
        if (hit.score !== undefined) entry.textScore = Math.max(entry.textScore, hit.score);
        papers.set(hit.paperId, entry);
      };
      // Text hits first: a chunk found by both keeps its text-side score.
      byText.forEach((hit, i) => add("text", hit, i + 1));
      byVector.forEach((hit, i) => add("vector", hit, i + 1));

      const hasText = wordsOnly(query) !== "";
      const maxBase = fusion === "rrf" ? (hasText ? 2 : 1) / (RRF_K + 1) : 1 + TITLE_WEIGHT + (hasText ? 0.5 : 0);
      const preferBonus = prefer.size > 0 ? PREFER_SHARE * maxBase : 0;
      // A question that names a paper ("2d matryoshka sentence embedings") should find
      // that paper first, even when a differently titled version says the same thing.
      const asked = new Set(titleStems(query));
      for (const [paperId, entry] of papers) {
        const stems = titleStems(titleOf(entry.passages.keys().next().value ?? ""));
        // Dice overlap: a short title inside a long question, or a long title sharing one
        // word with a short query, both score low; a query that is the title scores 1.
        const shared = stems.filter((st) => asked.has(st)).length;
        entry.titleMatch = stems.length + asked.size === 0 ? 0 : (2 * shared) / (stems.length + asked.size);
        if (fusion === "relative") entry.fused += TITLE_WEIGHT * entry.titleMatch * entry.titleMatch;
        if (prefer.has(paperId)) entry.fused += preferBonus;
      }
      const best = [...papers.entries()].sort((a, b) => b[1].fused - a[1].fused || b[1].similarity - a[1].similarity).slice(0, k);
      const stems = contentWordStems(query);
      const maxFused = maxBase + preferBonus;

      return best.map(([paperId, entry], i): PaperHit => {
        const paper = JSON.parse(entry.record) as Paper;
        const passages = [...entry.passages.entries()].sort((a, b) => b[1] - a[1]).map(([text]) => passageOf(text));
        // A paper known by title only has one chunk: the bare title, with no passage after it.
        const hasSummary = [...entry.passages.keys()].some((text) => text.includes("\n\n"));
        return {
          rank: i + 1,
          paperId,
          title: paper.title,
          score: Math.round((entry.fused / maxFused) * 1000) / 1000,
          similarity: entry.similarity,
          textScore: entry.textScore,
          titleMatch: entry.titleMatch,
          coverage: stemCoverage(stems, `${paper.title} ${[...entry.passages.keys()].join(" ")}`),
          snippet: snippetOf(hasSummary ? (passages[0] ?? "") : ""),
          passages: hasSummary ? passages : [],
          url: paperUrl(paper),
          year: paper.year,
          paper,
        };
      });
    },
  };
}
