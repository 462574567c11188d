import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { huggingFacePaperUrl, paperUrl, type Paper } from "../paper.js";
import type { ChannelProfile } from "./channelProfile.js";
import { keepTopVoted, rankPapers, type Ranked } from "./digestRanking.js";
import { writeTldrs, type Tldr, type TldrOptions, type TldrSource } from "./digestTldrs.js";
import { newPapers, type DigestSince } from "./newPapers.js";

/*
 * The digest's content, with no Discord in it: which papers (new since the
 * channel's last digest), in what order (upvotes, and relevance to the channel's
 * topics when it has some, with the reason), and what to say about each
 * (authors, upvotes, a one- or two-sentence TL;DR, the code link).
 */

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

/** With `llm`, `llmTimeoutMs` and `logger` for the TL;DRs (see TldrOptions). */
export interface BuildDigestOptions extends TldrOptions {
  papers: readonly Paper[];
  date: string;
  /** The day the papers are from, when it is not `date`. */
  papersFrom?: string;
  /** Keywords ("diffusion, RLHF") or a sentence ("papers on aligning language models with feedback"). */
  topics?: string;
  max: number;
  /** When given and there are topics, similarity to them counts towards relevance. */
  embeddings?: EmbeddingsInterface;
  since?: DigestSince;
  /** What the channel taught its digest with 👍/👎: added to the ranking, with the reason; none or empty: the ranking as without it. */
  profile?: ChannelProfile;
}

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
