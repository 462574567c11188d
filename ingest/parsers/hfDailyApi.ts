import { makePaper, type Paper, type ParseResult } from "../../src/paper.js";
import { describeJsonValue, isJsonObject, parseJsonText, recordStartLines, stripBom } from "./jsonRecords.js";
import { lineAndColumn, ParseError } from "./parseError.js";
import type { Parser } from "./types.js";

/*
 * Hugging Face `GET /api/daily_papers?date=YYYY-MM-DD`: a JSON array of items,
 * the paper itself under `item.paper`; also `GET /api/papers/<arXiv id>`: one
 * paper object with the same fields at the top level. The API carries many more
 * fields (thumbnails, submitter, media) than a Paper needs; only the ones below
 * are read, and a field of an unexpected type is treated as absent rather than
 * failing the item, since the API changes without notice.
 *
 * The day a paper was on the list is `paper.submittedOnDailyAt`; files from 2024
 * and early 2025 lack it and have the item's `publishedAt` instead (see
 * listingDayOfStamp); a `?date=` in the URL read says it too. `paper.publishedAt`
 * is arXiv's date, never the listing day.
 */

export const parseHfDailyApi: Parser = (text, ctx) => {
  const json = stripBom(text);
  const document = parseJsonText(json, ctx.source);
  const source = `hf-daily-api:${ctx.source}`;
  const requestedDay = requestedDate(ctx.source);
  if (isJsonObject(document) && !("error" in document)) return singlePaper(document, json, source, requestedDay);
  if (!Array.isArray(document)) throw new ParseError(ctx.source, undefined, notAnItemList(document));
  const lines = recordStartLines(json);
  const result: ParseResult = { papers: [], skipped: [] };
  document.forEach((item, index) => {
    const line = lines[index] ?? index + 1;
    const outcome = paperFromItem(item, source, requestedDay);
    if (typeof outcome === "string") result.skipped.push({ source, line, reason: outcome });
    else result.papers.push({ paper: outcome, line });
  });
  return result;
};

/** A single-paper answer (`/api/papers/<id>`), or one daily item saved on its own. */
function singlePaper(document: Record<string, unknown>, json: string, source: string, requestedDay: string | undefined): ParseResult {
  const line = lineAndColumn(json, Math.max(0, json.search(/\S/))).line;
  const outcome = isJsonObject(document.paper)
    ? paperFromItem(document, source, requestedDay)
    : paperFromFields(document, {}, source, undefined);
  return typeof outcome === "string"
    ? { papers: [], skipped: [{ source, line, reason: outcome }] }
    : { papers: [{ paper: outcome, line }], skipped: [] };
}

/** The `date` a daily-papers URL asked for: the list's day when the items do not say it themselves. */
function requestedDate(source: string): string | undefined {
  return /[?&]date=(\d{4}-\d{2}-\d{2})(?:&|$)/.exec(source)?.[1];
}

/** The API answers errors with `{ "error": "..." }`; say so rather than "not an array". */
function notAnItemList(document: unknown): string {
  if (isJsonObject(document) && typeof document.error === "string") return `Hugging Face API error: ${document.error}`;
  return `expected an array of daily-paper items, got ${describeJsonValue(document)}`;
}

/** One item as a Paper, or the reason it cannot be one. */
function paperFromItem(item: unknown, source: string, requestedDay: string | undefined): Paper | string {
  if (!isJsonObject(item)) return `expected an item object, got ${describeJsonValue(item)}`;
  const paper = item.paper;
  if (!isJsonObject(paper)) return `item has no "paper" object`;
  return paperFromFields(paper, item, source, requestedDay ?? listingDayOfStamp(text(item.publishedAt)), "paper.");
}

/**
 * Hour (UTC) from which an item's `publishedAt` stamp falls on the next day's list.
 * In files from before items carried `submittedOnDailyAt`, the stamp is when the
 * paper was put on the list, and a day's list took the papers stamped from the
 * evening before: in the real 2024–25 lists, no item is stamped later than 17:00
 * UTC on its list's day, and those stamped 21:00–24:00 are on the next day's list.
 */
const NEXT_LIST_FROM_HOUR_UTC = 18;

function listingDayOfStamp(stamp: string | undefined): string | undefined {
  const at = stamp && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*Z$/.test(stamp) ? new Date(stamp) : undefined;
  if (!at || Number.isNaN(at.getTime())) return isoDay(stamp);
  if (at.getUTCHours() >= NEXT_LIST_FROM_HOUR_UTC) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
}

/**
 * The paper's own fields (under `item.paper`, or at the top level of a single
 * paper); `item` holds what a daily item adds. `fallbackDay` is the listing day
 * when the paper does not carry `submittedOnDailyAt`.
 */
function paperFromFields(
  paper: Record<string, unknown>,
  item: Record<string, unknown>,
  source: string,
  fallbackDay: string | undefined,
  prefix = "",
): Paper | string {
  const title = text(paper.title);
  if (!title) return `"${prefix}title" is missing`;
  const arxivId = text(paper.id);
  if (!arxivId) return `"${prefix}id" is missing`;
  const listed = isoDay(text(paper.submittedOnDailyAt)) ?? fallbackDay;
  return makePaper({
    source,
    arxivId,
    title,
    summary: text(paper.summary),
    authors: authorNames(paper.authors),
    publishedAt: isoDay(text(paper.publishedAt)),
    listedOn: listed ? [listed] : undefined,
    upvotes: count(paper.upvotes),
    aiSummary: text(paper.ai_summary),
    keywords: strings(paper.ai_keywords),
    githubRepo: text(paper.githubRepo),
    projectPage: text(paper.projectPage),
    numComments: count(item.numComments ?? paper.numComments),
  });
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : undefined;
}

/** `authors` is a list of objects (`{ _id, name, hidden, user? }`); only the names matter. */
function authorNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((author) => {
    const name = isJsonObject(author) ? text(author.name) : undefined;
    return name ? [name.trim()] : [];
  });
}

/** "2024-05-16T17:59:23.000Z" → "2024-05-16" (the API's datetimes are UTC). */
function isoDay(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}
