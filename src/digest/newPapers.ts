import type { Paper } from "../paper.js";

/*
 * Which of the day's papers are new to a channel: not posted to it before, and
 * listed after its last digest.
 */

/** What the channel has already been shown. */
export interface DigestSince {
  /** YYYY-MM-DD of the channel's last digest: papers listed on or before it are not new. */
  date?: string;
  /** Papers already posted to the channel. */
  paperIds?: Iterable<string>;
}

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
