import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Paper } from "../paper.js";
import { cosine, norm } from "../text/vectors.js";
import { affinities, isEmptyProfile, paperText, type Affinity, type ChannelProfile } from "./channelProfile.js";
import { keywordRelevance, termPattern, topicTerms } from "./topicTerms.js";

/*
 * The digest's order: upvotes, relevance to the channel's topics when it has
 * some, and what its profile learned from 👍/👎, with the day's big papers kept.
 */

export interface Ranked {
  paper: Paper;
  score: number;
  matches: string[];
  similar: boolean;
  /** What the channel's profile says of it, when it has one. */
  affinity?: Affinity;
}

/** The day's most upvoted papers a channel's profile may never push out of its digest, unless the channel dislikes their kind. */
export const KEPT_TOP_VOTED = 3;

/**
 * The first `max` of the ranking, except that the day's KEPT_TOP_VOTED most upvoted papers stay in
 * (in place of the lowest-ranked others) unless the channel's profile says it dislikes their kind:
 * learning a taste must not hide the day's big papers.
 */
export function keepTopVoted(ranked: readonly Ranked[], max: number): Ranked[] {
  const top = ranked.slice(0, max);
  if (!ranked.some((r) => r.affinity) || max === 0) return top;
  // Ties count alike: a paper with as many upvotes as the third is as much one of the day's big papers.
  const third = [...ranked.map((r) => r.paper.upvotes ?? 0)].sort((a, b) => b - a)[KEPT_TOP_VOTED - 1] ?? 0;
  const protectedPapers = ranked.filter((r) => (r.paper.upvotes ?? 0) > 0 && (r.paper.upvotes ?? 0) >= third);
  const kept = protectedPapers.filter((r) => !r.affinity?.disliked && !top.includes(r));
  const back: Ranked[] = [];
  for (const r of kept) {
    const out = top.findLastIndex((t) => !protectedPapers.includes(t));
    if (out < 0) break;
    top.splice(out, 1);
    back.push(r);
  }
  return [...top, ...back].sort((a, b) => ranked.indexOf(a) - ranked.indexOf(b));
}

/**
 * Best first. Without topics: by upvotes (papers nobody voted on after, newest
 * first). With topics: relevance first (keyword matches, weighted by where they
 * are, plus similarity to the topics when embeddings are given, scaled within
 * the day's papers), upvotes breaking near-ties.
 */
export async function rankPapers(
  papers: readonly Paper[],
  topics: string | undefined,
  embeddings?: EmbeddingsInterface,
  profile?: ChannelProfile,
): Promise<Ranked[]> {
  const maxVotes = Math.max(0, ...papers.map((p) => p.upvotes ?? 0));
  const voteScore = (p: Paper) => (maxVotes > 0 ? Math.log1p(p.upvotes ?? 0) / Math.log1p(maxVotes) : 0);
  const terms = topics ? topicTerms(topics) : [];
  const patterns = terms.map((term) => ({ term, re: termPattern(term) }));

  let similarity: number[] = papers.map(() => 0);
  if (topics && embeddings && papers.length > 0) {
    const [query, docs] = await Promise.all([embeddings.embedQuery(topics), embeddings.embedDocuments(papers.map(paperText))]);
    const queryNorm = norm(query);
    const raw = docs.map((v) => cosine(query, v, queryNorm));
    const lo = Math.min(...raw);
    const hi = Math.max(...raw);
    similarity = raw.map((s) => (hi - lo > 1e-9 ? (s - lo) / (hi - lo) : 0));
  }

  const ranked = papers.map((paper, i): Ranked => {
    if (!topics) return { paper, score: voteScore(paper), matches: [], similar: false };
    const { score: keyword, matches } = keywordRelevance(paper, patterns);
    const sim = similarity[i] ?? 0;
    return { paper, score: 2 * keyword + sim + 0.5 * voteScore(paper), matches, similar: matches.length === 0 && sim >= 0.75 };
  });
  if (profile && !isEmptyProfile(profile)) {
    const seen = await affinities(profile, papers);
    ranked.forEach((r, i) => {
      const affinity = seen[i];
      if (!affinity) return;
      r.affinity = affinity;
      r.score += affinity.boost;
    });
  }
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      (b.paper.upvotes ?? -1) - (a.paper.upvotes ?? -1) ||
      (b.paper.publishedAt ?? "").localeCompare(a.paper.publishedAt ?? "") ||
      a.paper.title.localeCompare(b.paper.title),
  );
}
