import { parseArxivAtom } from "./parsers/arxivAtom.js";
import { parseDailyPapersPage } from "./parsers/dailyPapersPage.js";
import { parseHfDailyApi } from "./parsers/hfDailyApi.js";
import { parseJsonLines, parseJsonRecords } from "./parsers/jsonRecords.js";
import { parsePapersList } from "./parsers/papersList.js";
import type { Parser, SourceFormat } from "./parsers/types.js";

export const PARSERS: Record<SourceFormat, Parser> = {
  "daily-page": parseDailyPapersPage,
  "papers-list": parsePapersList,
  "hf-daily-api": parseHfDailyApi,
  "arxiv-atom": parseArxivAtom,
  json: parseJsonRecords,
  jsonl: parseJsonLines,
};

/**
 * How much of the text is looked at. Files can be 20 MB on one line, so the
 * decision is made from the start alone; that is also why a truncated JSON
 * file is still recognised as JSON, leaving its parser to say where it breaks.
 */
const HEAD_CHARS = 16 * 1024;

/**
 * Which parser fits a text, judging by its content; undefined when none does.
 * `name` (a file name or URL) only settles what the content leaves open: a
 * `.jsonl` file holding a single record is JSON Lines.
 */
export function detectFormat(text: string, name?: string): SourceFormat | undefined {
  const start = firstNonBlank(text);
  if (start === undefined) return undefined;
  const head = text.slice(start, start + HEAD_CHARS);
  if (head.startsWith("<")) return isAtomFeed(head) ? "arxiv-atom" : undefined;
  if (
    head.startsWith("{") &&
    (isJsonLines(text, start) || (name !== undefined && JSON_LINES_NAME.test(name) && firstLineIsObject(text, start)))
  )
    return "jsonl";
  if (head.startsWith("[")) return HF_PAPER_KEY.test(head) ? "hf-daily-api" : "json";
  if (head.startsWith("{")) return isHfObject(head) ? "hf-daily-api" : "json";
  return detectTextPage(head);
}

const JSON_LINES_NAME = /\.(?:jsonl|ndjson)$/i;

/** Offset of the first character that is neither a BOM nor whitespace. */
function firstNonBlank(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\uFEFF" && c !== " " && c !== "\t" && c !== "\r" && c !== "\n") return i;
  }
  return undefined;
}

function isAtomFeed(head: string): boolean {
  return /<(?:\w+:)?feed[\s>]/.test(head) && head.includes("http://www.w3.org/2005/Atom");
}

/**
 * Hugging Face items hold the paper as an object under "paper", a key our own
 * records never use. The look-behind skips `\"paper\"` quoted inside a string.
 */
const HF_PAPER_KEY = /(?<!\\)"paper"\s*:\s*\{/;

/** Hugging Face lists authors as objects (`{ "_id", "name", … }`); our records as names. */
const HF_AUTHOR_OBJECTS = /(?<!\\)"authors"\s*:\s*\[\s*\{/;
const RECORDS_KEY = /(?<!\\)"papers"\s*:\s*\[/;

/** One Hugging Face paper (`/api/papers/<id>`) or one daily item, rather than one of our records. */
function isHfObject(head: string): boolean {
  return HF_PAPER_KEY.test(head) || (HF_AUTHOR_OBJECTS.test(head) && !RECORDS_KEY.test(head));
}

/**
 * JSON Lines when the first line is a whole object and the next non-blank line
 * starts another. A pretty-printed document's first line is a lone "{" (or does
 * not end in "}"), and a one-line object file is a JSON document.
 * indexOf finds the end of even a 20 MB first line at memchr speed.
 */
function isJsonLines(text: string, start: number): boolean {
  const end = text.indexOf("\n", start);
  if (end === -1 || !firstLineIsObject(text, start)) return false;
  const next = text.slice(end + 1, end + 1 + HEAD_CHARS).trimStart();
  return next.startsWith("{");
}

/** The first line (from `start`, which is a "{") ends its object: not a pretty-printed document. */
function firstLineIsObject(text: string, start: number): boolean {
  const newline = text.indexOf("\n", start);
  const end = newline === -1 ? text.length : newline;
  return text
    .slice(Math.max(start, end - 16), end)
    .trimEnd()
    .endsWith("}");
}

/** The two plain-text page formats, recognised by their headers. */
function detectTextPage(head: string): SourceFormat | undefined {
  const lines = head.split("\n", 40).map((line) => line.trim());
  const firstLine = lines.find((line) => line !== "");
  if (firstLine === "Papers List" && /^- \S/m.test(head)) return "papers-list";
  if (lines.includes("Daily Papers") && /^[ \t]*•[ \t]*\d+[ \t]+authors?[ \t]*$/m.test(head)) return "daily-page";
  return undefined;
}
