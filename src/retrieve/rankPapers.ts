import type { Found } from "../store/chunkSearch.js";
import type { ChunkHit } from "../store/chunkMemory.js";
import { paperUrl, type Paper } from "../paper.js";
import { contentWordStems, stemCoverage, titleStems, withCountForms, wordsOnly } from "../text/words.js";
import { hasPassage, passageOf, snippetOf, titleOf } from "./passages.js";
import type { Fusion, PaperHit } from "./searchPapers.js";

/** What a preferred paper adds to its fused score, as a share of the best possible score. */
const PREFER_SHARE = 0.1;
/** RRF's k: dampens the gap between rank 1 and rank 2, the usual 60. */
const RRF_K = 60;
/** How much a query containing all of a title's words adds to the paper's score. */
const TITLE_WEIGHT = 0.5;

export interface RankOptions {
  k: number;
  fusion: Fusion;
  /** Papers that rank ahead of others matching about as well (see SearchFilters.preferPaperIds). */
  prefer: ReadonlySet<string>;
}

/**
 * The best `k` papers for the query from the chunks each side found: the two rankings
 * fused at the chunk level, each paper scored by its best chunk, plus a bonus when the
 * query is its title, and shown once with its best passages.
 */
export function rankPapers(query: string, { byVector, byText }: Found, { k, fusion, prefer }: RankOptions): PaperHit[] {
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
  // A count the question spells out matches a title that writes it short ("a million clips", "OpenVid-1M").
  const asked = new Set(titleStems(withCountForms(query)));
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
    const hasSummary = [...entry.passages.keys()].some(hasPassage);
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
}
