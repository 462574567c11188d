import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { paperUrl, type Paper } from "../paper.js";
import type { ChunkHit } from "../store/chunkMemory.js";
import { ChunkSearch, type Found } from "../store/chunkSearch.js";
import type { PaperStore } from "../store/paperStore.js";
import { restricts, type PaperFilters } from "../store/sql.js";
import { withCountForms, wordsOnly } from "../text/words.js";
import { hasPassage, passageOf, snippetOf } from "./passages.js";
import { queryVectors } from "./queryVectors.js";
import { rankPapers } from "./rankPapers.js";
import type { WordCounts } from "../store/wordCounts.js";

/**
 * Hybrid search: the query's vector and its words are each matched against the
 * chunks (the store's ChunkSearch), the two rankings are fused, and chunk hits are
 * grouped into papers, each paper once with its best passages (rankPapers).
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
  /**
   * Words of the query also matched in their near spellings ("astronomy" finds
   * "astronomical"): for words the library never uses as written.
   */
  variants?: readonly string[];
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

export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<PaperHit[]>;
  /**
   * The newest papers that match `filters` (which must restrict, e.g. a publication
   * window), newest first, then most upvoted: "what's new this week?". Each with its
   * opening passage; scores are 0, as no query was matched.
   */
  newest(filters: SearchFilters, k: number): Promise<PaperHit[]>;
  /** Ids of the papers known by this short name ("LoRA") or acronym ("DDPM"). */
  papersNamed(name: string): Promise<string[]>;
  /** How many of the library's passages use each word: which of a question's words are distinctive here. */
  wordCounts(words: readonly string[]): Promise<WordCounts>;
  /** Reads what the searcher holds in memory now rather than at the first search (a big library takes a second or two). */
  prepare(): Promise<void>;
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
  const chunks = new ChunkSearch(store, memoryChunks);
  const embed = queryVectors(embeddings);

  /** The candidates for the query; preferred papers are searched on their own too, so that others cannot crowd them out. */
  async function find(query: string, vector: Float32Array, filters: SearchFilters, variants?: readonly string[]): Promise<Found> {
    const { preferPaperIds, ...restricting } = filters;
    const allowed = restricting.paperIds ? new Set(restricting.paperIds) : undefined;
    const preferred = preferPaperIds?.filter((id) => !allowed || allowed.has(id)) ?? [];
    const filterSets = preferred.length > 0 ? [restricting, { ...restricting, paperIds: preferred }] : [restricting];
    // A count the question spells out ("a million clips") is also searched as papers write it ("1M").
    const words = wordsOnly(withCountForms(query));
    return (await chunks.find({ vector, words, ...(variants ? { variants } : {}) }, filterSets, CANDIDATES)).reduce(mergeFound);
  }

  return {
    prepare: () => chunks.prepare(),
    wordCounts: (words) => store.wordCounts(words),
    papersNamed: (name) => store.papersNamed(name),
    async newest(filters, k) {
      if (!restricts(filters)) throw new Error("newest() needs a filter: it would read every paper");
      const papers = await store.newestPapers(filters, k);
      const openings = await store.openingChunks(papers.map((p) => p.id));
      return papers.map((paper, i): PaperHit => {
        const text = openings.get(paper.id) ?? "";
        const passages = hasPassage(text) ? [passageOf(text)] : [];
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
    async search(query, { k = 10, filters = {}, variants } = {}) {
      if (filters.paperIds?.length === 0) return [];
      const vector = await embed(query);
      const found = await find(query, vector, filters, variants);
      return rankPapers(query, found, { k, fusion, prefer: new Set(filters.preferPaperIds ?? []) });
    },
  };
}

/** Both lists of `a`, then those of `b` that `a` lacks. */
function mergeFound(a: Found, b: Found): Found {
  const merge = (x: ChunkHit[], y: ChunkHit[]) => {
    const seen = new Set(x.map((h) => h.text));
    return [...x, ...y.filter((h) => !seen.has(h.text))];
  };
  return { byVector: merge(a.byVector, b.byVector), byText: merge(a.byText, b.byText) };
}
