import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { paperUrl, type Paper } from "../paper.js";
import type { ChunkHit } from "../store/chunkMemory.js";
import { ChunkSearch, type Found } from "../store/chunkSearch.js";
import type { PaperStore } from "../store/paperStore.js";
import { restricts, type PaperFilters } from "../store/sql.js";
import { contentWordStems, stemCoverage, titleStems, wordsOnly } from "../text/words.js";
import { truncate } from "../text/truncate.js";

/**
 * Hybrid search: the query's vector and its words are each matched against the
 * chunks (the store's ChunkSearch), the two rankings are fused, and chunk hits are
 * grouped into papers, each paper once with its best passages.
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

/** Both lists of `a`, then those of `b` that `a` lacks. */
function mergeFound(a: Found, b: Found): Found {
  const merge = (x: ChunkHit[], y: ChunkHit[]) => {
    const seen = new Set(x.map((h) => h.text));
    return [...x, ...y.filter((h) => !seen.has(h.text))];
  };
  return { byVector: merge(a.byVector, b.byVector), byText: merge(a.byText, b.byText) };
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

  /** The candidates for the query; preferred papers are searched on their own too, so that others cannot crowd them out. */
  async function find(query: string, vector: Float32Array, filters: SearchFilters): Promise<Found> {
    const { preferPaperIds, ...restricting } = filters;
    const allowed = restricting.paperIds ? new Set(restricting.paperIds) : undefined;
    const preferred = preferPaperIds?.filter((id) => !allowed || allowed.has(id)) ?? [];
    const filterSets = preferred.length > 0 ? [restricting, { ...restricting, paperIds: preferred }] : [restricting];
    return (await chunks.find({ vector, words: wordsOnly(query) }, filterSets, CANDIDATES)).reduce(mergeFound);
  }

  return {
    prepare: () => chunks.prepare(),
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
