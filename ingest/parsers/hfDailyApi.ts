import { makePaper, type Paper, type ParseResult } from "../../src/paper.js";
import { describeJsonValue, isJsonObject, parseJsonText, recordStartLines, stripBom } from "./jsonRecords.js";
import { ParseError } from "./parseError.js";
import type { Parser } from "./types.js";

/*
 * Hugging Face `GET /api/daily_papers?date=YYYY-MM-DD`: a JSON array of items,
 * the paper itself under `item.paper`. The API carries many more fields
 * (thumbnails, submitter, media) than a Paper needs; only the ones below are read,
 * and a field of an unexpected type is treated as absent rather than failing
 * the item, since the API changes without notice.
 */

export const parseHfDailyApi: Parser = (text, ctx) => {
  const json = stripBom(text);
  const items = parseJsonText(json, ctx.source);
  if (!Array.isArray(items)) throw new ParseError(ctx.source, undefined, notAnItemList(items));
  const lines = recordStartLines(json);
  const source = `hf-daily-api:${ctx.source}`;
  const result: ParseResult = { papers: [], skipped: [] };
  items.forEach((item, index) => {
    const line = lines[index] ?? index + 1;
    const outcome = paperFromItem(item, source);
    if (typeof outcome === "string") result.skipped.push({ source, line, reason: outcome });
    else result.papers.push({ paper: outcome, line });
  });
  return result;
};

/** The API answers errors with `{ "error": "..." }`; say so rather than "not an array". */
function notAnItemList(document: unknown): string {
  if (isJsonObject(document) && typeof document.error === "string") return `Hugging Face API error: ${document.error}`;
  return `expected an array of daily-paper items, got ${describeJsonValue(document)}`;
}

/** One item as a Paper, or the reason it cannot be one. */
function paperFromItem(item: unknown, source: string): Paper | string {
  if (!isJsonObject(item)) return `expected an item object, got ${describeJsonValue(item)}`;
  const paper = item.paper;
  if (!isJsonObject(paper)) return `item has no "paper" object`;
  const title = text(paper.title);
  if (!title) return `"paper.title" is missing`;
  const arxivId = text(paper.id);
  if (!arxivId) return `"paper.id" is missing`;
  return makePaper({
    source,
    arxivId,
    title,
    summary: text(paper.summary),
    authors: authorNames(paper.authors),
    publishedAt: isoDay(text(paper.publishedAt)),
    upvotes: count(paper.upvotes),
    aiSummary: text(paper.ai_summary),
    keywords: strings(paper.ai_keywords),
    githubRepo: text(paper.githubRepo),
    projectPage: text(paper.projectPage),
    numComments: count(item.numComments),
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
