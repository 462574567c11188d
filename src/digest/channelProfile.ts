import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Paper } from "../paper.js";
import { topicWords } from "./topicTerms.js";

/*
 * What a channel has taught its digest with 👍/👎 on digest papers, and with questions asked in a
 * digest's thread: the papers it liked and did not (their embeddings' centroids, and the nearest liked
 * paper for the reason line) and the words that set them apart (title and keywords). Pure: votes in, a
 * score and a reason per paper out. The digest adds the score on top of its own ranking (upvotes,
 * topics); with no votes nothing changes.
 */

export type VoteKind = "up" | "down";
/**
 * What a member said of a paper: 👍 or 👎 under it, or "asked": a question of theirs in the digest's
 * thread was answered citing it. Asking shows interest, not approval, so it is a weaker 👍 (ASKED_WEIGHT)
 * and counts only while the member has not voted on the paper.
 */
export type PaperSignal = VoteKind | "asked";

/** How much of a 👍 a question about the paper in the digest's thread is. */
export const ASKED_WEIGHT = 0.5;

/** One member's vote on one paper of a channel's digest, with what the paper said when it was voted on. */
export interface PaperVote {
  paperId: string;
  userId: string;
  vote: PaperSignal;
  /** ISO instant of the (latest) vote. */
  at: string;
  title: string;
  /** The paper's text when voted on (title and abstract), so a paper since gone from the library still counts. */
  text: string;
  keywords: string[];
}

/** How much the profile weighs against the digest's own ranking; chosen on simulated channels (bench:digest). */
export interface ProfileWeights {
  /** Weight of closeness to liked rather than disliked papers (a z-score within the day, clipped to ±2, halved). */
  similarity: number;
  /** Weight of the liked and disliked words a paper has (tanh of their summed weights). */
  terms: number;
  /**
   * A paper is of a disliked kind (and may leave the digest even when among the day's most upvoted) only when
   * both say so: it is this much closer (cosine) to the disliked centroid than to the liked one…
   */
  dislikeMargin: number;
  /** …and its words weigh at most minus this. */
  dislikeTerms: number;
}

export const DEFAULT_PROFILE_WEIGHTS: Readonly<ProfileWeights> = Object.freeze({
  similarity: 2,
  terms: 1,
  dislikeMargin: 0.25,
  dislikeTerms: 3,
});

/** At most this many voted papers (the latest) make the profile. */
export const PROFILE_PAPERS = 200;
/** A word counts once it is in this many voted papers. */
const MIN_TERM_SUPPORT = 2;
const REASON_TERMS = 3;
/** "like “X” you 👍" is said only of a paper clearly closer to the liked papers than the day's others are (z-score). */
const LIKE_REASON_Z = 1;

export interface VotedPaper {
  paperId: string;
  title: string;
  text: string;
  keywords: string[];
  /** 👍 minus 👎, plus ASKED_WEIGHT for each member who asked about it without voting. */
  net: number;
  /** When the side that won last voted (for a paper liked only through questions: last asked about). */
  at: string;
  /** Liked only through questions asked about it in the digest's thread, with no 👍. */
  asked: boolean;
  vector?: number[];
}

/** How much a voted paper counts in the centroids and word weights: a paper only asked about counts less. */
const weightOf = (p: Pick<VotedPaper, "net">) => Math.min(1, Math.abs(p.net));

export interface ChannelProfile {
  liked: VotedPaper[];
  disliked: VotedPaper[];
  /** Word → weight in (-1, 1): liked papers' words positive, disliked papers' negative. */
  terms: Map<string, number>;
  likedCentroid?: number[];
  dislikedCentroid?: number[];
  embeddings?: EmbeddingsInterface;
  weights: ProfileWeights;
  /**
   * How far the closeness to liked papers is trusted, up to 1: the voted papers' weights summed. Below
   * 1 only while all the channel has said is a question or so (any 👍 or 👎 makes it 1), so that a
   * question asked moves the next digest less than a 👍 would: a z-score within the day has no scale.
   */
  strength: number;
}

export interface Affinity {
  /** Added to the paper's score in the digest. */
  boost: number;
  /** Of a kind the channel voted down. */
  disliked: boolean;
  /** "like “X” you 👍 on 3 Dec" or "matches: diffusion, video"; undefined when the profile says nothing for it. */
  reason?: string;
}

/** The text of a paper that is embedded and compared: title and the start of its summary. */
export function paperText(paper: Pick<Paper, "title" | "summary" | "aiSummary">): string {
  return `${paper.title}\n${(paper.aiSummary ?? paper.summary).slice(0, 1000)}`;
}

export function isEmptyProfile(profile: ChannelProfile | undefined): boolean {
  return !profile || (profile.liked.length === 0 && profile.disliked.length === 0);
}

/** Learns the profile from a channel's votes (every member's; the latest per member and paper counts). */
export async function learnProfile(
  votes: readonly PaperVote[],
  embeddings?: EmbeddingsInterface,
  weights: ProfileWeights = DEFAULT_PROFILE_WEIGHTS,
): Promise<ChannelProfile> {
  // A member's latest vote on a paper, and apart from it whether they asked about it.
  const latest = new Map<string, PaperVote>();
  for (const v of votes) {
    const key = `${v.paperId}\u0000${v.userId}\u0000${v.vote === "asked" ? "asked" : "vote"}`;
    const seen = latest.get(key);
    if (!seen || seen.at <= v.at) latest.set(key, v);
  }
  const votedOn = new Set([...latest.values()].filter((v) => v.vote !== "asked").map((v) => `${v.paperId}\u0000${v.userId}`));
  const byPaper = new Map<string, VotedPaper & { lastUp?: string; lastDown?: string; lastAsked?: string }>();
  for (const v of [...latest.values()].sort((a, b) => a.at.localeCompare(b.at))) {
    // The member's own 👍 or 👎 says more about the paper than their question did.
    if (v.vote === "asked" && votedOn.has(`${v.paperId}\u0000${v.userId}`)) continue;
    const paper = byPaper.get(v.paperId) ?? {
      paperId: v.paperId,
      title: v.title,
      text: v.text,
      keywords: v.keywords,
      net: 0,
      at: v.at,
      asked: false,
    };
    paper.net += v.vote === "up" ? 1 : v.vote === "down" ? -1 : ASKED_WEIGHT;
    if (v.vote === "up") paper.lastUp = v.at;
    else if (v.vote === "down") paper.lastDown = v.at;
    else paper.lastAsked = v.at;
    byPaper.set(v.paperId, paper);
  }
  const voted = [...byPaper.values()]
    .filter((p) => p.net !== 0)
    .map(({ lastUp, lastDown, lastAsked, ...p }): VotedPaper => {
      const asked = p.net > 0 && lastUp === undefined;
      return { ...p, asked, at: (p.net > 0 ? (lastUp ?? lastAsked) : lastDown) ?? p.at };
    })
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, PROFILE_PAPERS);
  const profile: ChannelProfile = {
    liked: voted.filter((p) => p.net > 0),
    disliked: voted.filter((p) => p.net < 0),
    terms: termWeights(voted),
    weights,
    strength: Math.min(
      1,
      voted.reduce((sum, p) => sum + weightOf(p), 0),
    ),
  };
  if (embeddings && voted.length > 0) {
    const vectors = await embeddings.embedDocuments(voted.map((p) => p.text));
    voted.forEach((p, i) => (p.vector = unit(vectors[i] ?? [])));
    profile.embeddings = embeddings;
    profile.likedCentroid = centroid(profile.liked);
    profile.dislikedCentroid = centroid(profile.disliked);
  }
  return profile;
}

/** The words of a paper's title and keywords, lower-cased, plural "s" dropped, each once. */
export function paperTerms(paper: { title: string; keywords?: readonly string[] }): string[] {
  const words = topicWords(`${paper.title} ${(paper.keywords ?? []).join(" ")}`).map((w) => {
    const lower = w.toLowerCase();
    return lower.length > 4 && /[^s]s$/.test(lower) ? lower.slice(0, -1) : lower;
  });
  return [...new Set(words)];
}

function termWeights(voted: readonly VotedPaper[]): Map<string, number> {
  const counts = new Map<string, { up: number; down: number; papers: number }>();
  for (const p of voted) {
    for (const term of paperTerms(p)) {
      const c = counts.get(term) ?? { up: 0, down: 0, papers: 0 };
      if (p.net > 0) c.up += weightOf(p);
      else c.down += weightOf(p);
      c.papers++;
      counts.set(term, c);
    }
  }
  const weights = new Map<string, number>();
  for (const [term, { up, down, papers }] of counts) {
    // A word in liked and disliked papers alike ("model", "large") says nothing; one seen once may be chance.
    if (papers < MIN_TERM_SUPPORT || up === down) continue;
    weights.set(term, (up - down) / (up + down + 1));
  }
  return weights;
}

/** How the profile sees each of the day's papers, in their order. */
export async function affinities(profile: ChannelProfile, papers: readonly Paper[]): Promise<Affinity[]> {
  if (isEmptyProfile(profile) || papers.length === 0) return papers.map(() => ({ boost: 0, disliked: false }));
  const { weights } = profile;
  const vectors =
    profile.embeddings && (profile.likedCentroid || profile.dislikedCentroid)
      ? (await profile.embeddings.embedDocuments(papers.map(paperText))).map(unit)
      : undefined;

  // Closeness to what was liked rather than disliked, compared within the day.
  const margins = papers.map((_, i) => {
    const v = vectors?.[i];
    if (!v) return 0;
    return (profile.likedCentroid ? dot(v, profile.likedCentroid) : 0) - (profile.dislikedCentroid ? dot(v, profile.dislikedCentroid) : 0);
  });
  const mean = margins.reduce((a, b) => a + b, 0) / margins.length;
  const sd = Math.sqrt(margins.reduce((a, m) => a + (m - mean) ** 2, 0) / margins.length);

  return papers.map((paper, i): Affinity => {
    const terms = paperTerms(paper);
    const termSum = terms.reduce((a, t) => a + (profile.terms.get(t) ?? 0), 0);
    const z = sd > 1e-9 ? Math.max(-2, Math.min(2, ((margins[i] ?? 0) - mean) / sd)) : 0;
    const hasBoth = Boolean(profile.likedCentroid && profile.dislikedCentroid);
    // Strict on purpose: a paper wrongly taken for a disliked kind could hide one of the day's big papers.
    // Without liked papers to compare with, closeness to the disliked ones alone says too little.
    const disliked = termSum <= -weights.dislikeTerms && (vectors ? hasBoth && (margins[i] ?? 0) < -weights.dislikeMargin : true);
    const boost = (weights.similarity * z * profile.strength) / 2 + weights.terms * Math.tanh(termSum);
    const affinity: Affinity = { boost, disliked };
    if (boost > 0 && !disliked) {
      const reason = likeReason(profile, z >= LIKE_REASON_Z ? vectors?.[i] : undefined, terms);
      if (reason) affinity.reason = reason;
    }
    return affinity;
  });
}

function likeReason(profile: ChannelProfile, vector: number[] | undefined, terms: readonly string[]): string | undefined {
  if (vector && profile.liked.length > 0) {
    let best: VotedPaper | undefined;
    let bestSim = -Infinity;
    for (const p of [...profile.liked, ...profile.disliked]) {
      const sim = p.vector ? dot(vector, p.vector) : -Infinity;
      if (sim > bestSim) [best, bestSim] = [p, sim];
    }
    if (best && best.net > 0)
      return `like “${shortTitle(best.title)}” ${best.asked ? "asked about in the thread" : "you 👍"} on ${dayMonth(best.at)}`;
  }
  const liked = terms
    .map((t) => ({ t, w: profile.terms.get(t) ?? 0 }))
    .filter(({ w }) => w >= 0.5)
    .sort((a, b) => b.w - a.w)
    .slice(0, REASON_TERMS)
    .map(({ t }) => t);
  return liked.length > 0 ? `matches: ${liked.join(", ")}` : undefined;
}

function shortTitle(title: string): string {
  const clean = title.replace(/\s+/g, " ").trim();
  if (clean.length <= 60) return clean;
  const cut = clean.slice(0, 59);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 30 ? cut.lastIndexOf(" ") : 59)}…`;
}

/** "3 Dec" (UTC). */
export function dayMonth(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** What the channel has taught its digest, in a few lines (for `/digest profile`). */
export function describeProfile(profile: ChannelProfile): {
  liked: string[];
  /** Those of the liked papers liked only through questions asked about them in the digest's thread. */
  askedAbout: string[];
  disliked: string[];
  likedWords: string[];
  dislikedWords: string[];
} {
  const words = [...profile.terms].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return {
    liked: profile.liked.map((p) => p.title),
    askedAbout: profile.liked.filter((p) => p.asked).map((p) => p.title),
    disliked: profile.disliked.map((p) => p.title),
    likedWords: words
      .filter(([, w]) => w > 0)
      .slice(0, 10)
      .map(([t]) => t),
    dislikedWords: words
      .filter(([, w]) => w < 0)
      .slice(0, 10)
      .map(([t]) => t),
  };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) s += a[i]! * b[i]!;
  return s;
}

function unit(v: readonly number[]): number[] {
  const n = Math.sqrt(dot(v, v));
  return n > 0 ? v.map((x) => x / n) : [...v];
}

function centroid(papers: readonly VotedPaper[]): number[] | undefined {
  const vectors = papers.flatMap((p) => (p.vector && p.vector.length > 0 ? [p.vector] : []));
  const first = vectors[0];
  if (!first) return undefined;
  const sum = new Array<number>(first.length).fill(0);
  for (const p of papers) {
    const v = p.vector;
    if (!v || v.length === 0) continue;
    const w = weightOf(p);
    for (let d = 0; d < sum.length; d++) sum[d]! += w * (v[d] ?? 0);
  }
  return unit(sum);
}
