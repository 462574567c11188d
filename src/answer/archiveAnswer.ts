import type { ArchivedDigest, DateRange, DigestArchive } from "../digest/digestArchive.js";
import type { PostedPaper } from "../digest/digestLedger.js";
import { paperLinks } from "../paper.js";
import type { PaperHit, Searcher } from "../retrieve/searchPapers.js";
import { findCalendarDay, findTimeWindow, readable, topicOf, type TimeWindow } from "../retrieve/timeWindow.js";
import { contentWordStems, contentWords, stemCoverage, wordsAsWritten } from "../text/words.js";
import { checkCitations, type Source } from "./citations.js";
import type { Answer } from "./createAnswerer.js";
import { claimsCiting, supportingQuote } from "./quotes.js";
import { firstSentence } from "./whatsNew.js";

/*
 * Questions about what a channel's digests posted ("what did we post about diffusion last month?",
 * "which papers did the digest have on 3 Dec?"), answered from the archive of the channel's digests:
 * only papers those digests posted are cited, each with the digest (date and link to the post) it was in.
 * A question that does not speak of the digests is not one of these, and is answered as before.
 */

/** Phrases that point at the channel's posted digests rather than at the library. */
const DIGEST_REFERENCE = new RegExp(
  [
    String.raw`\bdid\s+(?:we|you|the\s+(?:bot|digests?))\s+(?:post|share|send|list|feature|include|have|show|cover|get)\b`,
    String.raw`\b(?:we|you)(?:\s+have)?\s+(?:posted|shared|featured)\b`,
    String.raw`\bposted\s+(?:here|in\s+(?:here|this\s+channel|the\s+digests?))\b`,
    String.raw`\b(?:in|on|from|of)\s+(?:(?:the|our|this\s+channel['’]s|these|those)\s+)?(?:(?:(?:to|yester)day['’]s|past|previous|earlier|recent|last|latest|old|older|daily)\s+)?digests?\b`,
    String.raw`\bthe\s+digests?\s+(?:had|have|has|included?|contained?|showed?|listed|featured?|posted|covered|mentioned)\b`,
    String.raw`\bdigests?\s+(?:history|archive)\b`,
  ].join("|"),
  "i",
);
/** "the last digest": only the newest one. */
const LATEST = /\b(?:last|latest|most\s+recent|previous)\s+digest\b/i;
/** Words of such questions that name no topic. */
const ARCHIVE_WORDS = new Set(
  "digest digests post posts posted share shared send sent list listed show showed shown include included contain contained feature featured cover covered mention mentioned channel here bot had has have past previous earlier last latest most recent daily get got day days".split(
    " ",
  ),
);

export interface ArchiveQuestion {
  /** Digest dates asked about; open when the question names no time. */
  range: DateRange;
  /** How the time reads in the answer ("on 3 Dec 2026", "last month (since …)"); "" for none. */
  label: string;
  /** What the papers should be about; "" to list them all. */
  topic: string;
  /** "the last digest": the newest one only. */
  latestOnly: boolean;
}

/** The question as one about the channel's past digests, or undefined when it does not speak of them. */
export function archiveQuestion(question: string, today: Date): ArchiveQuestion | undefined {
  if (!DIGEST_REFERENCE.test(question)) return undefined;
  const window = findCalendarDay(question, today) ?? findTimeWindow(question, today);
  const rest = (window?.rest ?? question).replace(DIGEST_REFERENCE, " ");
  // The topic's words as the question wrote them ("RLHF", not "rlhf").
  const topical = new Set(contentWords(topicOf(rest)).filter((w) => !ARCHIVE_WORDS.has(w)));
  const topic = [...new Set(wordsAsWritten(rest).filter((w) => topical.has(w.toLowerCase())))].join(" ");
  return { range: window ? rangeOf(window) : {}, label: window?.label ?? "", topic, latestOnly: !window && LATEST.test(question) };
}

function rangeOf({ filters }: TimeWindow): DateRange {
  const from = filters.publishedAfter ?? (filters.yearFrom !== undefined ? `${filters.yearFrom}-01-01` : undefined);
  const to = filters.publishedBefore ?? (filters.yearTo !== undefined ? `${filters.yearTo}-12-31` : undefined);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** Papers listed when the question names no topic; the rest are counted. */
const LIST_MAX = 25;
/** Papers cited for a topic, unless the caller asks for another number. */
const TOPIC_MAX = 10;
/** A posted paper is about the topic when its title or text holds at least this share of the topic's words. */
const TOPIC_COVERAGE = 0.5;

interface Posted {
  paper: PostedPaper;
  digest: ArchivedDigest;
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
const dayOf = (date: string) => readable(new Date(`${date}T00:00:00Z`));
const postLink = (digest: ArchivedDigest) => (digest.messageUrls[0] ? ` (${digest.messageUrls[0]})` : "");
const within = (label: string) => (label ? ` ${label}` : "");

export interface ArchiveAnswerInput {
  asked: ArchiveQuestion;
  channelId: string;
  archive: DigestArchive;
  searcher: Searcher;
  k: number | undefined;
  searchedFor: string;
}

export async function archiveAnswer({ asked, channelId, archive, searcher, k, searchedFor }: ArchiveAnswerInput): Promise<Answer> {
  const found = await archive.digests(channelId, asked.range);
  const digests = asked.latestOnly ? found.slice(0, 1) : found;
  const base = { mode: "extractive" as const, searchedFor, removedCitations: 0 };
  if (digests.length === 0) {
    const refusal = asked.label ? `No digest was posted in this channel ${asked.label}.` : "No digest has been posted in this channel yet.";
    return { ...base, answer: refusal, refusal, citations: [], grounded: false, closest: [] };
  }
  // Each paper once, with the newest digest it was posted in.
  const posted = new Map<string, Posted>();
  for (const digest of digests) for (const paper of digest.papers) if (!posted.has(paper.id)) posted.set(paper.id, { paper, digest });
  const ids = [...posted.keys()];

  if (!asked.topic) {
    const listed = [...posted.values()].slice(0, LIST_MAX);
    const hits = await libraryHits(searcher, listed);
    return cited(base, listingText(listed, digests, asked.label, posted.size - listed.length), listed, hits);
  }

  // The search sees only the posted papers; a paper the library no longer has is matched on its posted title.
  const hits = ids.length > 0 ? await searcher.search(asked.topic, { k: Math.min(ids.length, 50), filters: { paperIds: ids } }) : [];
  const stems = contentWordStems(asked.topic);
  const byId = new Map(hits.map((hit) => [hit.paperId, hit]));
  const about = [...posted.values()].filter(({ paper }) => {
    const hit = byId.get(paper.id);
    return (hit ? hit.coverage : stemCoverage(stems, paper.title)) >= TOPIC_COVERAGE;
  });
  if (about.length === 0) {
    const refusal = `None of the ${posted.size} papers posted in this channel's digests${within(asked.label)} is about “${asked.topic}”.`;
    const closest = hits.slice(0, 3).map((hit, i) => sourceOf(i + 1, posted.get(hit.paperId)!, hit));
    return { ...base, answer: refusal, refusal, citations: [], grounded: false, closest };
  }
  // Newest digest first, then by how well each matched.
  const rank = (id: string) => byId.get(id)?.rank ?? Number.POSITIVE_INFINITY;
  const chosen = about
    .sort((a, b) => digests.indexOf(a.digest) - digests.indexOf(b.digest) || rank(a.paper.id) - rank(b.paper.id))
    .slice(0, k ?? TOPIC_MAX);
  const lines = chosen.map(({ paper, digest }, i) => {
    const opening = firstSentence(byId.get(paper.id)?.passages[0] ?? "");
    return `${i + 1}. ${oneLine(paper.title)}, in the digest of ${dayOf(digest.date)}${postLink(digest)}${opening ? `: ${opening}` : "."} [${i + 1}]`;
  });
  const text = `Papers about “${asked.topic}” posted in this channel's digests${within(asked.label)}:\n${lines.join("\n")}`;
  return cited(base, text, chosen, byId);
}

/** The library's record of each listed paper (for its links and text), where it still has it. */
async function libraryHits(searcher: Searcher, listed: readonly Posted[]): Promise<Map<string, PaperHit>> {
  if (listed.length === 0) return new Map();
  const hits = await searcher.newest({ paperIds: listed.map(({ paper }) => paper.id) }, listed.length);
  return new Map(hits.map((hit) => [hit.paperId, hit]));
}

function listingText(listed: readonly Posted[], digests: readonly ArchivedDigest[], label: string, more: number): string {
  const lines: string[] = [];
  const heading =
    digests.length === 1
      ? `This channel's digest of ${dayOf(digests[0]!.date)}${postLink(digests[0]!)} posted:`
      : `The papers of this channel's ${digests.length} digests${within(label)}:`;
  let current: ArchivedDigest | undefined;
  for (const [i, { paper, digest }] of listed.entries()) {
    if (digests.length > 1 && digest !== current) lines.push(`The digest of ${dayOf(digest.date)}${postLink(digest)}:`);
    current = digest;
    lines.push(`${i + 1}. ${oneLine(paper.title)} [${i + 1}]`);
  }
  if (more > 0) lines.push(`… and ${more} more paper${more === 1 ? "" : "s"} in earlier digests: ask about a shorter time to see them.`);
  return `${heading}\n${lines.join("\n")}`;
}

function sourceOf(n: number, { paper, digest }: Posted, hit: PaperHit | undefined): Source {
  return {
    n,
    paperId: paper.id,
    title: oneLine(paper.title),
    url: paper.url ?? hit?.url,
    links: hit ? paperLinks(hit.paper) : {},
    postedIn: { date: digest.date, ...(digest.messageUrls[0] ? { url: digest.messageUrls[0] } : {}) },
  };
}

/** The text checked like every answer's; each cited paper's source carries its digest and, when the library has its text, the quote. */
function cited(
  base: Pick<Answer, "mode" | "searchedFor" | "removedCitations">,
  text: string,
  entries: readonly Posted[],
  hits: ReadonlyMap<string, PaperHit>,
): Answer {
  const checked = checkCitations(text, entries.length);
  const citations = checked.cited.map((n, i) => {
    const entry = entries[n - 1]!;
    const hit = hits.get(entry.paper.id);
    const quote = hit ? supportingQuote(claimsCiting(checked.text, i + 1), hit) : undefined;
    return { ...sourceOf(i + 1, entry, hit), ...(quote ? { quote } : {}) };
  });
  return { ...base, answer: checked.text, citations, grounded: true, closest: [], removedCitations: checked.removed };
}
