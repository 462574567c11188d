import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { paperUrl, type Paper } from "../paper.js";
import { sqlIn, sqlString, type PaperStore } from "../store/paperStore.js";

/**
 * Hybrid search: the query's vector and its words are each matched against the
 * chunks, the two rankings are fused (reciprocal-rank fusion), and chunk hits are
 * grouped into papers, each paper once with its best passages.
 */

export interface SearchFilters {
  yearFrom?: number;
  yearTo?: number;
  section?: string;
  /** A source kind: `daily-page`, `papers-list`, `hf-daily-api`, `arxiv`, `json`, `jsonl`. */
  source?: string;
  /** ISO dates, inclusive. */
  publishedAfter?: string;
  publishedBefore?: string;
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
const CANDIDATES = 30;
/** RRF's k: dampens the gap between rank 1 and rank 2, the usual 60. */
const RRF_K = 60;
const SNIPPET_CHARS = 240;

interface ChunkHit {
  paperId: string;
  text: string;
  vector?: Float32Array | { toArray(): Float32Array };
  _distance?: number;
  _score?: number;
}

export function filtersToSql(filters: SearchFilters = {}): string | undefined {
  const clauses: string[] = [];
  if (filters.yearFrom !== undefined) clauses.push(`year >= ${Math.trunc(filters.yearFrom)}`);
  if (filters.yearTo !== undefined) clauses.push(`year <= ${Math.trunc(filters.yearTo)}`);
  if (filters.section) clauses.push(`lower(section) = ${sqlString(filters.section.toLowerCase())}`);
  if (filters.source) clauses.push(`array_has(sourceKinds, ${sqlString(filters.source)})`);
  if (filters.publishedAfter) clauses.push(`publishedAt >= ${sqlString(filters.publishedAfter)}`);
  if (filters.publishedBefore) clauses.push(`publishedAt <= ${sqlString(filters.publishedBefore)}`);
  return clauses.length > 0 ? clauses.join(" AND ") : undefined;
}

const STOP_WORDS = new Set(
  "a about an and any are as at be been but by can could did do does for from has have how i in into is it its me of on or our paper papers so than that the their them then there these they this to us using was we were what when where which while who whom why will with would you your".split(" "),
);

/** Distinct content words of a question, cut to 5 letters so "models" meets "modeling". */
export function contentWordStems(text: string): string[] {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2 && !STOP_WORDS.has(w));
  return [...new Set(words.map((w) => w.slice(0, 5)))];
}

function coverageOf(stems: readonly string[], text: string): number {
  if (stems.length === 0) return 0;
  const lower = text.toLowerCase();
  return stems.filter((s) => lower.includes(s)).length / stems.length;
}

/** Words only: the full-text parser must never see user punctuation as query syntax. */
export function toTextQuery(query: string): string {
  return query.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** How much a query containing all of a title's words adds to the paper's score. */
const TITLE_WEIGHT = 0.5;

/** Title words for matching a named paper: short ones too ("2d", "rl"), typo-tolerant by their first 5 letters. */
function titleStems(text: string): string[] {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 2 && !STOP_WORDS.has(w));
  return [...new Set(words.map((w) => w.slice(0, 5)))];
}

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
  if (passage.length <= SNIPPET_CHARS) return passage;
  const cut = passage.lastIndexOf(" ", SNIPPET_CHARS);
  return `${passage.slice(0, cut > 0 ? cut : SNIPPET_CHARS)}…`;
}

export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<PaperHit[]>;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

export function createSearcher({ store, embeddings, fusion = "relative" }: { store: PaperStore; embeddings: EmbeddingsInterface; fusion?: Fusion }): Searcher {
  return {
    async search(query, { k = 10, filters } = {}) {
      const where = filtersToSql(filters);
      const chunks = store.chunks();
      const columns = ["paperId", "text"];
      const words = toTextQuery(query);
      const vector = await embeddings.embedQuery(query);

      let vectorQuery = chunks.query().nearestTo(vector).distanceType("cosine").limit(CANDIDATES).select([...columns, "_distance"]);
      if (where) vectorQuery = vectorQuery.where(where);
      // Text hits bring their vectors so that they get a similarity too, not only the vector hits.
      let textQuery = words ? chunks.query().fullTextSearch(words).limit(CANDIDATES).select([...columns, "vector", "_score"]) : undefined;
      if (textQuery && where) textQuery = textQuery.where(where);
      const [byVector, byText] = (await Promise.all([vectorQuery.toArray(), textQuery ? textQuery.toArray() : []])) as [ChunkHit[], ChunkHit[]];

      // Fuse at the chunk level, then keep each paper's best chunk score.
      const papers = new Map<string, { fused: number; similarity: number; textScore: number; titleMatch: number; passages: Map<string, number> }>();
      const textHits = byText.map((hit): ChunkHit => {
        const v = hit.vector instanceof Float32Array ? hit.vector : hit.vector?.toArray();
        return { paperId: hit.paperId, text: hit.text, _score: hit._score, _distance: v ? 1 - cosine(vector, v) : undefined };
      });
      const maxText = Math.max(0, ...textHits.map((h) => h._score ?? 0));
      const add = (side: "vector" | "text", hit: ChunkHit, rank: number) => {
        const entry = papers.get(hit.paperId) ?? { fused: 0, similarity: 0, textScore: 0, titleMatch: 0, passages: new Map<string, number>() };
        const similarity = 1 - (hit._distance ?? 1);
        let chunkScore: number;
        if (fusion === "rrf") chunkScore = (entry.passages.get(hit.text) ?? 0) + 1 / (RRF_K + rank);
        else {
          // Each chunk once: its cosine (absolute) plus half its BM25 relative to the best text hit.
          const known = entry.passages.get(hit.text);
          chunkScore = side === "vector" && known !== undefined ? known : similarity + (side === "text" && maxText > 0 ? (0.5 * (hit._score ?? 0)) / maxText : 0);
        }
        entry.passages.set(hit.text, chunkScore);
        entry.fused = Math.max(entry.fused, chunkScore);
        entry.similarity = Math.max(entry.similarity, similarity);
        if (hit._score !== undefined) entry.textScore = Math.max(entry.textScore, hit._score);
        papers.set(hit.paperId, entry);
      };
      // Text hits first: a chunk found by both keeps its text-side score.
      textHits.forEach((hit, i) => add("text", hit, i + 1));
      byVector.forEach((hit, i) => add("vector", hit, i + 1));

      // A question that names a paper ("2d matryoshka sentence embedings") should find
      // that paper first, even when a differently titled version says the same thing.
      const asked = new Set(titleStems(query));
      for (const entry of papers.values()) {
        const stems = titleStems(titleOf(entry.passages.keys().next().value ?? ""));
        // Dice overlap: a short title inside a long question, or a long title sharing one
        // word with a short query, both score low; a query that is the title scores 1.
        const shared = stems.filter((st) => asked.has(st)).length;
        entry.titleMatch = stems.length + asked.size === 0 ? 0 : (2 * shared) / (stems.length + asked.size);
        if (fusion === "relative") entry.fused += TITLE_WEIGHT * entry.titleMatch * entry.titleMatch;
      }
      const best = [...papers.entries()].sort((a, b) => b[1].fused - a[1].fused || b[1].similarity - a[1].similarity).slice(0, k);
      if (best.length === 0) return [];
      const rows = (await store.papers().query().where(sqlIn("id", best.map(([id]) => id))).select(["id", "record"]).toArray()) as { id: string; record: string }[];
      const records = new Map(rows.map((r) => [r.id, JSON.parse(r.record) as Paper]));
      const stems = contentWordStems(query);
      const maxFused = fusion === "rrf" ? (textQuery ? 2 : 1) / (RRF_K + 1) : 1 + TITLE_WEIGHT + (textQuery ? 0.5 : 0);

      return best.flatMap(([paperId, entry]) => {
        const paper = records.get(paperId);
        if (!paper) return []; // deleted between the two reads
        const passages = [...entry.passages.entries()].sort((a, b) => b[1] - a[1]).map(([text]) => passageOf(text));
        const hit: Omit<PaperHit, "rank"> = {
          paperId,
          title: paper.title,
          score: Math.round((entry.fused / maxFused) * 1000) / 1000,
          similarity: entry.similarity,
          textScore: entry.textScore,
          titleMatch: entry.titleMatch,
          coverage: coverageOf(stems, `${paper.title} ${[...entry.passages.keys()].join(" ")}`),
          snippet: snippetOf(paper.summary ? (passages[0] ?? "") : ""),
          passages: paper.summary ? passages : [],
          url: paperUrl(paper),
          year: paper.year,
          paper,
        };
        return [hit];
      }).map((hit, i) => ({ rank: i + 1, ...hit }));
    },
  };
}
