import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { splitSentences } from "../answer/citations.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import { huggingFacePaperUrl, paperUrl, type Paper } from "../paper.js";
import { STOP_WORDS, singular } from "../text/words.js";
import { cosine, norm } from "../text/vectors.js";
import { truncate } from "../text/truncate.js";
import { affinities, isEmptyProfile, paperText, type Affinity, type ChannelProfile } from "./channelProfile.js";

/*
 * The digest's content, with no Discord in it: which papers (new since the
 * channel's last digest), in what order (upvotes, and relevance to the channel's
 * topics when it has some, with the reason), and what to say about each
 * (authors, upvotes, a one- or two-sentence TL;DR, the code link).
 */

export type TldrSource = "ai-summary" | "llm" | "abstract" | "none";

export interface DigestEntry {
  /** The library's paper id (`arxiv:<id>` or `title:<hash>`). */
  id: string;
  arxivId?: string;
  title: string;
  /** The Hugging Face page when the paper came from there, else its arXiv page. */
  url?: string;
  /** First authors, then "et al." when there are more ("Ada Quill, Bram Okafor, Chen Lumen et al."); "" when unknown. */
  authors: string;
  upvotes?: number;
  /** One or two sentences; "" when the paper has no text to summarise. */
  tldr: string;
  tldrSource: TldrSource;
  /** The paper's code repository, when known. */
  codeUrl?: string;
  /** Why it ranks where it does for the channel's topics: "matches: diffusion, RLHF". */
  reason?: string;
  /** The topic terms found in the paper, as the channel wrote them. */
  matches: string[];
  /** The ranking score (higher first); comparable within one digest only. */
  score: number;
  /** Kinds of source that listed it: "hf-daily-api", "arxiv". */
  sources: string[];
}

export interface Digest {
  /** YYYY-MM-DD: the day the digest is for. */
  date: string;
  /** YYYY-MM-DD: the day its papers are from, when that is an earlier day (read from the library after the sources failed). */
  papersFrom?: string;
  /** The top papers, best first. */
  entries: DigestEntry[];
  /** How many new papers there were before keeping the top ones. */
  total: number;
  topics: string | null;
}

/** What the channel has already been shown. */
export interface DigestSince {
  /** YYYY-MM-DD of the channel's last digest: papers listed on or before it are not new. */
  date?: string;
  /** Papers already posted to the channel. */
  paperIds?: Iterable<string>;
}

export interface BuildDigestOptions {
  papers: readonly Paper[];
  date: string;
  /** The day the papers are from, when it is not `date`. */
  papersFrom?: string;
  /** Keywords ("diffusion, RLHF") or a sentence ("papers on aligning language models with feedback"). */
  topics?: string;
  max: number;
  /** When given and there are topics, similarity to them counts towards relevance. */
  embeddings?: EmbeddingsInterface;
  /** When given, writes the TL;DRs of papers whose source has no AI summary (one call; failures fall back to the abstract). */
  llm?: BaseChatModel;
  since?: DigestSince;
  /** What the channel taught its digest with 👍/👎: added to the ranking, with the reason; none or empty: the ranking as without it. */
  profile?: ChannelProfile;
  logger?: Logger;
  /** Default 30 s. */
  llmTimeoutMs?: number;
}

const TLDR_MAX_CHARS = 320;
const MAX_AUTHORS = 3;

export async function buildDigest(options: BuildDigestOptions): Promise<Digest> {
  const topics = options.topics?.trim() || undefined;
  const fresh = newPapers(options.papers, options.since);
  const ranked = await rankPapers(fresh, topics, options.embeddings, options.profile);
  const top = keepTopVoted(ranked, Math.max(0, options.max));
  const tldrs = await writeTldrs(
    top.map((r) => r.paper),
    options,
  );
  const entries = top.map((r, i) => toEntry(r, tldrs[i] ?? { text: "", source: "none" }));
  const digest: Digest = { date: options.date, entries, total: fresh.length, topics: topics ?? null };
  if (options.papersFrom && options.papersFrom !== options.date) digest.papersFrom = options.papersFrom;
  return digest;
}

// ---------------------------------------------------------------------------
// What is new

// Records stored before papers carried `listedOn` know their list's day only from the URL they were read from.
const HF_LISTING_DATE = /^hf-daily-api:.*[?&]date=(\d{4}-\d{2}-\d{2})/;
const HF_SOURCE = "hf-daily-api:";

/** The latest day the paper was listed (see listingDays). */
export function listingDate(paper: Paper): string | undefined {
  return listingDays(paper).sort().at(-1);
}

/**
 * Every day a paper was listed, as the digest's sources list it: the days it was
 * on the Hugging Face Daily Papers list, and its publication day when another
 * source (arXiv, a file) has it. The arXiv date a Hugging Face item carries is
 * not a day it was listed; it counts only when the item does not say when it was.
 */
export function listingDays(paper: Paper): string[] {
  const days = new Set([...(paper.listedOn ?? []), ...paper.sources.flatMap((s) => HF_LISTING_DATE.exec(s)?.[1] ?? [])]);
  const otherSource = paper.sources.some((s) => !s.startsWith(HF_SOURCE));
  if (paper.publishedAt && (days.size === 0 || otherSource)) days.add(paper.publishedAt);
  return [...days];
}

export function newPapers(papers: readonly Paper[], since: DigestSince | undefined): Paper[] {
  const posted = new Set(since?.paperIds ?? []);
  const seen = new Set<string>();
  return papers.filter((paper) => {
    if (posted.has(paper.id) || seen.has(paper.id)) return false;
    seen.add(paper.id);
    const listed = listingDate(paper);
    return !since?.date || !listed || listed > since.date;
  });
}

// ---------------------------------------------------------------------------
// Ranking

interface Ranked {
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

/** A topic sentence's words that name no topic: the stop words, more function words, and the filler of "papers about…". */
const STOP = new Set([
  ...STOP_WORDS,
  ...(
    "above after again all also being below between both further had having if more most my new no not other out over own same she should some such those " +
    "through too under until up very work works study studies research related regarding interested interest anything something things stuff like want " +
    "wants need use uses used based via toward towards approach approaches method methods model models show shows please especially mostly mainly"
  ).split(" "),
]);

/** The words of a text that carry its meaning: no stop words, no one- or two-letter words unless an acronym ("RL"). */
export function contentWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu) ?? []).filter(
    (w) => !STOP.has(w.toLowerCase()) && (w.length > 2 || /^\p{Lu}+$/u.test(w)),
  );
}

/**
 * The terms a channel's topics stand for. A list ("diffusion, RLHF", or phrases
 * separated by ; or |) is taken as given; a sentence becomes its content words;
 * "quoted phrases" stay whole either way.
 */
export function topicTerms(topics: string): string[] {
  const quoted = [...topics.matchAll(/"([^"]+)"|“([^”]+)”/g)].map((m) => (m[1] ?? m[2] ?? "").trim()).filter(Boolean);
  const rest = topics.replace(/"[^"]*"|“[^”]*”/g, " ");
  const listed = /[,;|\n]/.test(rest)
    ? rest
        .split(/[,;|\n]/)
        .map((t) => t.trim().replace(/^(and|or)\s+/i, ""))
        .filter((t) => t && !STOP.has(t.toLowerCase()))
    : contentWords(rest);
  const terms: string[] = [];
  for (const term of [...quoted, ...listed]) if (!terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
  return terms;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Matches a term as whole words, case-insensitively, allowing plurals and "pre-training" = "pretraining" = "pre training". */
function termPattern(term: string): RegExp {
  const parts = term.split(/[^\p{L}\p{N}+#]+/u).filter(Boolean);
  const words = parts.map((p) => {
    return `${escapeRegExp(singular(p))}(?:s|es)?`;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join("[\\s\\-_/]*")}(?![\\p{L}\\p{N}])`, "iu");
}

/** Where a match counts most: the title, then the keywords, then the text. */
function keywordRelevance(paper: Paper, patterns: readonly { term: string; re: RegExp }[]): { score: number; matches: string[] } {
  if (patterns.length === 0) return { score: 0, matches: [] };
  const keywords = [...(paper.keywords ?? []), ...(paper.categories ?? [])].join(" · ");
  const text = `${paper.aiSummary ?? ""}\n${paper.summary}`;
  let total = 0;
  const matches: string[] = [];
  for (const { term, re } of patterns) {
    const weight = re.test(paper.title) ? 1 : re.test(keywords) ? 0.8 : re.test(text) ? 0.6 : 0;
    if (weight > 0) matches.push(term);
    total += weight;
  }
  return { score: total / patterns.length, matches };
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

// ---------------------------------------------------------------------------
// Entries

function toEntry(r: Ranked, tldr: Tldr): DigestEntry {
  const { paper } = r;
  const entry: DigestEntry = {
    id: paper.id,
    title: paper.title,
    authors: authorLine(paper),
    tldr: tldr.text,
    tldrSource: tldr.source,
    matches: r.matches,
    score: Math.round(r.score * 1000) / 1000,
    sources: [...new Set(paper.sources.map((s) => s.split(":", 1)[0] ?? s))].sort(),
  };
  if (paper.arxivId) entry.arxivId = paper.arxivId;
  const url = entryUrl(paper);
  if (url) entry.url = url;
  if (paper.upvotes !== undefined) entry.upvotes = paper.upvotes;
  const code = httpUrl(paper.githubRepo);
  if (code) entry.codeUrl = code;
  const reasons: string[] = [];
  if (r.matches.length > 0) reasons.push(`matches: ${r.matches.join(", ")}`);
  else if (r.similar) reasons.push("close to your topics");
  if (r.affinity?.reason) reasons.push(r.affinity.reason);
  if (reasons.length > 0) entry.reason = reasons.join(" · ");
  return entry;
}

function entryUrl(paper: Paper): string | undefined {
  if (paper.arxivId && paper.sources.some((s) => s.startsWith("hf-daily-api:"))) return huggingFacePaperUrl(paper.arxivId);
  return httpUrl(paperUrl(paper));
}

/** Only plain http(s) URLs are linked: nothing that could break out of `<…>` or the markdown around it. */
function httpUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>()[\]"'`]+$/i.test(url)) return undefined;
  return URL.canParse(url) ? url : undefined;
}

export function authorLine(paper: Pick<Paper, "authors" | "authorCount">): string {
  const names = paper.authors.map((a) => a.trim()).filter(Boolean);
  if (names.length === 0) return paper.authorCount ? `${paper.authorCount} author${paper.authorCount === 1 ? "" : "s"}` : "";
  const shown = names.slice(0, MAX_AUTHORS).join(", ");
  return names.length > MAX_AUTHORS ? `${shown} et al.` : shown;
}

// ---------------------------------------------------------------------------
// TL;DRs

interface Tldr {
  text: string;
  source: TldrSource;
}

/** The first one or two sentences, within `max` characters (cut at a word with "…" when one sentence is already longer). */
export function firstSentences(text: string, max = TLDR_MAX_CHARS, count = 2): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (!clean) return "";
  let out = "";
  for (const sentence of splitSentences(clean).slice(0, count)) {
    const next = `${out}${sentence}`.trim();
    if (next.length > max) break;
    out = `${next} `;
  }
  out = out.trim();
  return out || truncate(clean, max);
}

/** The source's AI summary, else the LLM's (one call for all), else the abstract's first sentences. */
async function writeTldrs(papers: readonly Paper[], options: BuildDigestOptions): Promise<Tldr[]> {
  const tldrs: Tldr[] = papers.map((p) => {
    if (p.aiSummary?.trim()) return { text: firstSentences(p.aiSummary), source: "ai-summary" };
    if (p.summary.trim()) return { text: firstSentences(p.summary), source: "abstract" };
    return { text: "", source: "none" };
  });
  const wanted = papers.map((p, i) => ({ paper: p, i })).filter(({ i }) => tldrs[i]?.source === "abstract");
  if (!options.llm || wanted.length === 0) return tldrs;
  try {
    const written = await llmTldrs(
      options.llm,
      wanted.map((w) => w.paper),
      options.llmTimeoutMs ?? 30_000,
    );
    wanted.forEach(({ i }, k) => {
      const text = written.get(k + 1);
      if (text) tldrs[i] = { text, source: "llm" };
    });
    const missing = wanted.length - written.size;
    if (missing > 0) options.logger?.warn({ missing }, "the model wrote no usable TL;DR for some papers: using their abstracts");
  } catch (error) {
    options.logger?.warn({ err: errorMessage(error) }, "TL;DRs by the model failed: using the abstracts");
  }
  return tldrs;
}

async function llmTldrs(llm: BaseChatModel, papers: readonly Paper[], timeoutMs: number): Promise<Map<number, string>> {
  const { tldrChain } = await import("./tldrPrompt.js");
  const listing = papers.map((p, i) => `[${i + 1}] Title: ${p.title}\nAbstract: ${p.summary.slice(0, 1500)}`).join("\n\n");
  const reply = await tldrChain(llm).invoke({ listing, count: papers.length }, { signal: AbortSignal.timeout(timeoutMs) });
  const out = new Map<number, string>();
  for (const { paper: n, tldr } of reply.tldrs) {
    const text = tldr
      .replace(/\*\*|__|`/g, "")
      .replace(/\s+/g, " ")
      .trim();
    if (n < 1 || n > papers.length || out.has(n)) continue;
    // A link, a refusal or a fragment is not a TL;DR.
    if (text.length < 15 || /https?:\/\//i.test(text)) continue;
    out.set(n, firstSentences(text));
  }
  return out;
}
