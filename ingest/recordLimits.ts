import type { Paper } from "../src/paper.js";

/**
 * How big one record may be. The longest summary among the seeds is ~10,000
 * characters (a curated list's), real arXiv abstracts stay under 2,000; a record far
 * beyond that is several records run together or a whole paper's text, and stored as
 * it is it costs minutes and hundreds of MB (a 20 MB summary made 24,540 passages of
 * one paper, and a `similar` on it asked LanceDB for tens of GB). Such a record is
 * skipped with its size, like any other unreadable record.
 */
export const MAX_SUMMARY_CHARS = 100_000;
export const MAX_TITLE_CHARS = 1_000;
/** The whole record as stored (authors, keywords, links and all). */
export const MAX_RECORD_CHARS = 200_000;

/** Why a record is too big to store, or undefined. */
export function oversizeReason(paper: Paper): string | undefined {
  const n = (x: number) => x.toLocaleString("en-US");
  const tooLong = (what: string, length: number, limit: number) =>
    `${what} is ${n(length)} characters long, more than the ${n(limit)} a record may have: is it several records run together?`;
  if (paper.summary.length > MAX_SUMMARY_CHARS) return tooLong("the summary", paper.summary.length, MAX_SUMMARY_CHARS);
  if (paper.title.length > MAX_TITLE_CHARS) return tooLong("the title", paper.title.length, MAX_TITLE_CHARS);
  if (jsonLengthBound(paper) <= MAX_RECORD_CHARS) return undefined;
  const size = JSON.stringify(paper).length;
  if (size > MAX_RECORD_CHARS) return tooLong("the record", size, MAX_RECORD_CHARS);
  return undefined;
}

/**
 * At least the length of `JSON.stringify(value)`, found without building that text (which
 * cost ~2% of an ingest for records ~100 times under the limit): a string takes at most 6
 * characters per character (`\u001f`) and its quotes, a number at most 25, and so on.
 */
function jsonLengthBound(value: unknown): number {
  if (typeof value === "string") return 6 * value.length + 2;
  if (Array.isArray(value)) {
    let n = 2;
    for (const item of value) n += jsonLengthBound(item) + 1;
    return n;
  }
  if (typeof value === "object" && value !== null) {
    let n = 2;
    for (const [key, item] of Object.entries(value)) n += 6 * key.length + 4 + jsonLengthBound(item);
    return n;
  }
  return 25;
}
