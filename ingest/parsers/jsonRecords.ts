import { z } from "zod";
import { memoized } from "../../src/memo.js";
import { isYearInBounds, makePaper, parseArxivId, YEAR_BOUNDS, type Paper, type ParseResult } from "../../src/paper.js";
import { lineAndColumn, ParseError } from "./parseError.js";
import type { Parser } from "./types.js";

/*
 * The project's own format: records with the Paper fields, either as one JSON
 * document (an array, or `{ "papers": [...] }`, or a single record) or as JSON
 * Lines. The file is ours, so a record that breaks the schema is reported with
 * the field at fault rather than silently repaired; unknown fields are ignored
 * so that exports from other tools load as they are.
 */

// ---------------------------------------------------------------------------
// Record schema

const NUMBER = { error: "must be a number" };
const STRING = { error: "must be a string" };

/** A JSON `null` means "not known", exactly like a missing field. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

const count = () => optional(z.number(NUMBER).int({ error: "must be a whole number" }).nonnegative({ error: "must not be negative" }));
const stringList = () => optional(z.array(z.string(STRING), { error: "must be an array of strings" }));

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const YEAR_RANGE = `from ${YEAR_BOUNDS.min} to ${YEAR_BOUNDS.max}`;

/** Rejects 2024-02-31 and the like, which the pattern alone lets through. */
function isCalendarDate(value: string): boolean {
  return isCalendarDay(value.slice(0, 10));
}
// Records of one file share a few hundred days: each is checked once.
const isCalendarDay = memoized((day: string) => {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}, 10_000);

export const RECORD = z.object({
  title: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .trim()
    .min(1, { error: "must not be empty" }),
  summary: optional(z.string(STRING)),
  authors: stringList(),
  arxivId: optional(z.string(STRING).refine((id) => parseArxivId(id) !== undefined, { error: "must be an arXiv id such as 2405.01234" })),
  publishedAt: optional(
    z
      .string(STRING)
      .regex(DATE, { error: "must be a date (YYYY-MM-DD or an ISO datetime)", abort: true })
      .refine(isCalendarDate, { error: "is not a real calendar date", abort: true })
      .refine((date) => isYearInBounds(Number(date.slice(0, 4))), { error: `must be in a year ${YEAR_RANGE}` }),
  ),
  year: optional(
    z
      .number(NUMBER)
      .int({ error: "must be a whole number", abort: true })
      .refine(isYearInBounds, { error: `must be a year ${YEAR_RANGE}` }),
  ),
  section: optional(z.string(STRING)),
  upvotes: count(),
  aiSummary: optional(z.string(STRING)),
  keywords: stringList(),
  categories: stringList(),
  githubRepo: optional(z.string(STRING)),
  projectPage: optional(z.string(STRING)),
  absUrl: optional(z.string(STRING)),
  pdfUrl: optional(z.string(STRING)),
  authorCount: count(),
  numComments: count(),
});

/** `"authors[2]"` for the path zod reports, so the reason points at the exact value. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join("");
}

/** One reason per field at fault (its first problem), e.g. `"upvotes" must be a number; "year" must be a number`. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldName(issue.path);
    if (!byField.has(field)) byField.set(field, `"${field}" ${issue.message}`);
  }
  return [...byField.values()].join("; ");
}

type RecordFields = z.output<typeof RECORD>;

/** What each field of RECORD is, for plainRecord: every field must have one. */
type Kind = "title" | "text" | "texts" | "arxivId" | "date" | "year" | "count";
const KINDS: Record<keyof RecordFields, Kind> = {
  title: "title",
  summary: "text",
  authors: "texts",
  arxivId: "arxivId",
  publishedAt: "date",
  year: "year",
  section: "text",
  upvotes: "count",
  aiSummary: "text",
  keywords: "texts",
  categories: "texts",
  githubRepo: "text",
  projectPage: "text",
  absUrl: "text",
  pdfUrl: "text",
  authorCount: "count",
  numComments: "count",
};
const FIELDS = Object.keys(RECORD.shape) as (keyof RecordFields)[];
const INVALID = Symbol("invalid");

/** A field's value as RECORD gives it when it is plainly valid, else INVALID. */
function plainValue(kind: Kind, value: unknown): unknown {
  if (kind === "title") {
    if (typeof value !== "string") return INVALID;
    const title = value.trim();
    return title === "" ? INVALID : title;
  }
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case "text":
      return typeof value === "string" ? value : INVALID;
    case "texts":
      return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : INVALID;
    case "arxivId":
      return typeof value === "string" && parseArxivId(value) !== undefined ? value : INVALID;
    case "date":
      return typeof value === "string" && DATE.test(value) && isCalendarDate(value) && isYearInBounds(Number(value.slice(0, 4)))
        ? value
        : INVALID;
    case "year":
      return typeof value === "number" && Number.isSafeInteger(value) && isYearInBounds(value) ? value : INVALID;
    case "count":
      return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : INVALID;
  }
}

/**
 * RECORD's output for a record whose every field is plainly valid, found without zod:
 * running every record through the schema was ~6% of a large first ingest. The same
 * fields in the same order, a field given as null kept as undefined, unknown fields
 * dropped. Anything else (a field of another type, a bad date, an empty title) gives
 * undefined, and the record goes through RECORD, which names the field at fault.
 */
export function plainRecord(record: Record<string, unknown>): RecordFields | undefined {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (!(field in record) && field !== "title") continue;
    const value = plainValue(KINDS[field], record[field]);
    if (value === INVALID) return undefined;
    out[field] = value;
  }
  return out as RecordFields;
}

/** The record's fields, or the reason it cannot be a paper (RECORD's issues, one per field). */
function recordFields(record: Record<string, unknown>): RecordFields | string {
  const plain = plainRecord(record);
  if (plain) return plain;
  const parsed = RECORD.safeParse(record);
  return parsed.success ? parsed.data : describeIssues(parsed.error.issues);
}

/** Builds a Paper from one record, or says why the record cannot be one. */
export function paperFromRecord(record: unknown, source: string): Paper | string {
  if (!isJsonObject(record)) return `expected a JSON object, got ${describeJsonValue(record)}`;
  const fields = recordFields(record);
  if (typeof fields === "string") return fields;
  return paperFromFields(fields, source);
}

function paperFromFields({ publishedAt, ...fields }: RecordFields, source: string): Paper {
  // Only the calendar day matters to the bot; it is taken as written, not shifted to UTC.
  return makePaper({ ...fields, publishedAt: publishedAt?.slice(0, 10), source });
}

// ---------------------------------------------------------------------------
// The two parsers

/** A JSON document: an array of records, `{ "papers": [...] }`, or one record object. */
export const parseJsonRecords: Parser = (text, ctx) => {
  const json = stripBom(text);
  const document = parseJsonText(json, ctx.source);
  const { records, layout } = recordsOf(document, ctx.source);
  const lines = recordLines(json, layout);
  const result: ParseResult = { papers: [], skipped: [] };
  const source = `json:${ctx.source}`;
  records.forEach((record, index) => {
    addOutcome(result, paperFromRecord(record, source), lines[index] ?? index + 1, source);
  });
  return result;
};

/** JSON Lines: one record per line; a bad line is skipped and reported, the others still land. */
export const parseJsonLines: Parser = (text, ctx) => {
  const source = `jsonl:${ctx.source}`;
  const result: ParseResult = { papers: [], skipped: [] };
  // split("\n") is a plain scan, so a 20 MB line costs no more than its length.
  stripBom(text)
    .split("\n")
    .forEach((lineText, index) => {
      if (lineText.trim() === "") return; // blank lines (and the final newline) are padding
      addOutcome(result, paperFromLine(lineText, source), index + 1, source);
    });
  return result;
};

function paperFromLine(lineText: string, source: string): Paper | string {
  let record: unknown;
  try {
    record = JSON.parse(lineText);
  } catch (error) {
    const { message, offset } = describeJsonError(lineText, error);
    return offset === undefined ? `not valid JSON: ${message}` : `not valid JSON: ${message} (column ${offset + 1})`;
  }
  return paperFromRecord(record, source);
}

function addOutcome(result: ParseResult, outcome: Paper | string, line: number, source: string): void {
  if (typeof outcome === "string") result.skipped.push({ source, line, reason: outcome });
  else result.papers.push({ paper: outcome, line });
}

/** How a JSON document holds its records. */
type Layout = "array" | "papers" | "single";

function recordsOf(document: unknown, source: string): { records: unknown[]; layout: Layout } {
  if (Array.isArray(document)) return { records: document, layout: "array" };
  if (isJsonObject(document)) {
    if (!("papers" in document)) return { records: [document], layout: "single" };
    if (Array.isArray(document.papers)) return { records: document.papers, layout: "papers" };
    throw new ParseError(source, undefined, `"papers" must be an array of records, got ${describeJsonValue(document.papers)}`);
  }
  throw new ParseError(source, undefined, `expected an array of records or { "papers": [...] }, got ${describeJsonValue(document)}`);
}

function recordLines(json: string, layout: Layout): number[] {
  switch (layout) {
    case "array":
      return recordStartLines(json);
    case "papers":
      return recordStartLines(json, "papers");
    case "single":
      return [lineAndColumn(json, firstNonBlank(json)).line];
  }
}

// ---------------------------------------------------------------------------
// JSON helpers shared with the other JSON-based parsers

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describeJsonValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A UTF-8 BOM makes JSON.parse fail on an otherwise valid file. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstNonBlank(text: string): number {
  const index = text.search(/\S/);
  return index === -1 ? 0 : index;
}

/** JSON.parse, with a failure turned into a ParseError that says on which line and column the text breaks. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") throw new ParseError(source, undefined, "the file is empty", { cause: error });
    const described = describeJsonError(text, error);
    const message = markupInsteadOfJson(text) ?? described.message;
    if (described.offset === undefined) throw new ParseError(source, undefined, message, { cause: error });
    const { line, column } = lineAndColumn(text, described.offset);
    throw new ParseError(source, line, message, { column, cause: error });
  }
}

/**
 * A server that fails often answers with an HTML error page, which then gets
 * saved as the "JSON" file; naming the page says more than "Unexpected token '<'".
 */
function markupInsteadOfJson(text: string): string | undefined {
  if (!text.trimStart().startsWith("<")) return undefined;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text.slice(0, 4096))?.[1]?.trim();
  return title ? `expected JSON, got an HTML page titled "${title}"` : "expected JSON, got an HTML or XML document";
}

/** Context V8 quotes on each side of an unexpected token. */
const TOKEN_CONTEXT = 10;
const POSITION = / (?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?$/;
const UNEXPECTED_TOKEN = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/;

/**
 * JSON.parse's message and the offset where parsing stopped, when it can be
 * told. V8's "at position N" and quoted context are dropped from the message,
 * since the caller reports a line and column instead.
 */
export function describeJsonError(text: string, error: unknown): { message: string; offset: number | undefined } {
  const raw = error instanceof Error ? error.message : String(error);
  const position = POSITION.exec(raw);
  // V8 puts errors found at the end of input after any trailing blank lines; the last line with text is more useful.
  if (position) return { message: raw.slice(0, position.index), offset: Math.min(Number(position[1]), text.trimEnd().length) };
  if (raw.startsWith("Unexpected end of JSON input")) return { message: raw, offset: text.trimEnd().length };
  const unexpected = UNEXPECTED_TOKEN.exec(raw);
  const offset = unexpected ? unexpectedTokenOffset(text, unexpected) : undefined;
  if (unexpected && offset !== undefined) return { message: `Unexpected token '${unexpected[1] ?? ""}'`, offset };
  return { message: raw, offset: undefined };
}

/**
 * Node 20 reports an unexpected token without its position, only quoting up to
 * ten characters either side of it ("...", when present, marks a cut). That is
 * enough to find it again: exactly at the start or end of the text, else at the
 * first place the quoted context occurs.
 */
function unexpectedTokenOffset(text: string, match: RegExpExecArray): number | undefined {
  const [, token = "", cutBefore, context = "", cutAfter] = match;
  if (!cutBefore && cutAfter) return context.length - TOKEN_CONTEXT;
  if (cutBefore && !cutAfter) return text.length - context.length + TOKEN_CONTEXT;
  if (cutBefore && cutAfter) {
    const at = text.indexOf(context);
    return at === -1 ? undefined : at + TOKEN_CONTEXT;
  }
  const at = text.indexOf(token); // the whole (short) text was quoted
  return at === -1 ? undefined : at;
}

/**
 * The 1-based line on which each record of a valid JSON document starts: the
 * elements of the top-level array, or of the array under `key` in the top-level
 * object. One pass that jumps over strings with indexOf, since the document may
 * be a single 20 MB line; JSON.parse has already vouched for the syntax.
 */
export function recordStartLines(json: string, key?: string): number[] {
  const lines: number[] = [];
  const recordDepth = key === undefined ? 1 : 2;
  let depth = 0;
  let line = 1;
  let inRecords = false;
  let expectRecord = false;
  let lastTopLevelString: string | undefined; // a key, when a "[" follows it
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "\n") line++;
    if (c === "\n" || c === " " || c === "\t" || c === "\r") continue;
    if (expectRecord && c !== "]") lines.push(line);
    expectRecord = false;
    if (c === '"') {
      const end = closingQuote(json, i);
      if (key !== undefined && depth === 1) lastTopLevelString = json.slice(i + 1, end);
      i = end;
    } else if (c === "{" || c === "[") {
      depth++;
      const opensRecords = c === "[" && depth === recordDepth && (key === undefined || lastTopLevelString === key);
      if (opensRecords && !inRecords) inRecords = expectRecord = true;
    } else if (c === "}" || c === "]") {
      depth--;
      if (inRecords && depth < recordDepth) break; // the records array is closed; nothing more to count
    } else if (c === "," && inRecords && depth === recordDepth) {
      expectRecord = true;
    }
  }
  return lines;
}

function closingQuote(json: string, open: number): number {
  let end = json.indexOf('"', open + 1);
  while (end !== -1 && isEscaped(json, end)) end = json.indexOf('"', end + 1);
  return end === -1 ? json.length : end;
}

/** A quote is escaped when an odd number of backslashes precede it. */
function isEscaped(json: string, at: number): boolean {
  let backslashes = 0;
  while (json[at - 1 - backslashes] === "\\") backslashes++;
  return backslashes % 2 === 1;
}
