import { makePaper, type ParsedPaper, type SkippedRecord } from "../../src/paper.js";
import type { ParseContext, Parser } from "./types.js";
import { truncate } from "../../src/text/truncate.js";

/** How much of a skipped line its message quotes. */
const QUOTED_CHARS = 80;

/**
 * Parser for a "Daily Papers" listing page saved as plain text (Hugging Face style).
 *
 * Each entry normally looks like
 *
 *     <title>
 *
 *     <abstract paragraph>
 *
 *       • 5 authors
 *     ·
 *     May 20 3          (date, optional year, optional upvote count)
 *
 * The date line is the one reliable anchor, so the parser collects text paragraphs
 * until an entry's "meta" lines (authors, `·`, date) close it. Everything gathered
 * since the previous entry is then split into title/abstract groups, so that an
 * entry with a missing line (no authors, no date, a stray line) can never swallow
 * its neighbour: the last group gets the meta lines, any earlier group is reported
 * on its own (as a dateless paper or a skipped record).
 */
export const parseDailyPapersPage: Parser = (text, ctx) => {
  const page = new DailyPageReader(ctx);
  splitLines(text).forEach((line, index) => page.read(line, index + 1));
  page.finish();
  return { papers: page.papers, skipped: page.skipped };
};

interface SourceLine {
  text: string;
  /** 1-based line number in the page. */
  number: number;
}

/** Consecutive non-blank text lines. */
interface Paragraph {
  lines: SourceLine[];
  /** True when an authors/`·`/date line follows with no blank line in between. */
  touchesMeta: boolean;
}

/** What the lines after an abstract say about the entry. */
interface EntryMeta {
  authorCount?: number;
  /** Line of the first authors or `·` line, for error messages. */
  firstLine?: number;
}

interface PageDate {
  publishedAt: string;
  upvotes?: number;
}

/** A title with its abstract paragraphs, as split out of the gathered paragraphs. */
interface EntryDraft {
  titleParts: Paragraph[];
  abstractParts: Paragraph[];
  /** Line of the first paragraph, for entries that have no title. */
  firstLine: number;
}

const HEADER_LINES = [/^new$/i, /^get trending papers\b/i, /^subscribe$/i, /^daily papers$/i, /^by\s*ak\b.*\bresearch community$/i];
const AUTHORS_LINE = /^[•·*-]?\s*(\d[\d,]*)\s+authors?$/i;
const SEPARATOR_LINE = /^[·•]$/;
const DATE_LINE =
  /^(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(\d{1,2})(?:,\s*(\d{4}))?(?:\s+(\d[\d,]*))?$/i;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Longest text still read as a title; abstracts on these pages run to hundreds of characters. */
const MAX_TITLE_LENGTH = 300;
/** A wrapped title's first part ends like this when the title continues on the next paragraph. */
const TITLE_CONTINUES = /(?:[:\-–—,&]|\b(?:a|an|and|as|at|by|for|from|in|into|of|on|or|the|to|towards?|via|with))$/i;

class DailyPageReader {
  readonly papers: ParsedPaper[] = [];
  readonly skipped: SkippedRecord[] = [];
  private readonly source: string;
  private paragraphs: Paragraph[] = [];
  private openParagraph: Paragraph | undefined;
  private meta: EntryMeta = {};
  /** Text lines directly under an authors/`·` line, before the date. */
  private metaText: SourceLine[] = [];
  private previousKind: "blank" | "text" | "meta" = "blank";

  constructor(private readonly ctx: ParseContext) {
    this.source = `daily-page:${ctx.source}`;
  }

  read(raw: string, number: number): void {
    const text = raw.trim();
    if (text === "" || HEADER_LINES.some((re) => re.test(text))) {
      this.openParagraph = undefined;
      this.previousKind = "blank";
      return;
    }
    const date = parseDateLine(text, () => this.ctx.referenceDate);
    if (date) return this.readDate(date, number);
    const authors = AUTHORS_LINE.exec(text);
    if (authors || SEPARATOR_LINE.test(text)) {
      this.markTouchingMeta();
      this.meta.firstLine ??= number;
      if (authors?.[1]) this.meta.authorCount = Number(authors[1].replace(/,/g, ""));
      this.previousKind = "meta";
      return;
    }
    this.readText({ text, number });
  }

  /** Reports whatever is left when the page ends without a final date line. */
  finish(): void {
    const heldBack = this.metaText[0];
    this.closeEntry(undefined);
    if (heldBack) this.skip(heldBack.number, "text under an authors line with no date line after it");
  }

  private readDate(date: PageDate, number: number): void {
    this.markTouchingMeta();
    this.previousKind = "meta";
    // A lone date with nothing gathered before it is the page's own date ("Oct 29" under the header).
    if (this.paragraphs.length === 0 && this.meta.firstLine === undefined) return;
    this.meta.firstLine ??= number;
    this.closeEntry(date);
  }

  private readText(line: SourceLine): void {
    if (this.meta.firstLine !== undefined) {
      // Text right under an authors/`·` line belongs to that meta block (an organisation
      // name, say) if a date line follows; held back until we know.
      if (this.previousKind !== "blank") {
        this.metaText.push(line);
        this.previousKind = "text";
        return;
      }
      // Text after a blank line means the meta block ended without a date: close the entry
      // here rather than let the next title become part of it. Held-back text was then
      // the start of the next entry.
      const heldBack = this.metaText;
      this.closeEntry(undefined);
      if (heldBack.length > 0) this.paragraphs.push({ lines: heldBack, touchesMeta: false });
    }
    if (this.openParagraph) {
      this.openParagraph.lines.push(line);
    } else {
      this.openParagraph = { lines: [line], touchesMeta: false };
      this.paragraphs.push(this.openParagraph);
    }
    this.previousKind = "text";
  }

  private markTouchingMeta(): void {
    if (this.previousKind === "text" && this.openParagraph) this.openParagraph.touchesMeta = true;
    this.openParagraph = undefined;
  }

  private closeEntry(date: PageDate | undefined): void {
    const meta = this.meta;
    const drafts = splitIntoEntries(dropExtraMetaParagraph(this.paragraphs));
    this.paragraphs = [];
    this.openParagraph = undefined;
    this.meta = {};
    this.metaText = [];
    const last = drafts.pop();
    // Only the last group sits right above the meta lines; earlier ones lost theirs.
    for (const orphan of drafts) this.emit(orphan, {}, undefined);
    if (last) this.emit(last, meta, date);
    else if (meta.firstLine !== undefined) {
      this.skip(meta.firstLine, "authors or date lines with no title or abstract above them");
    }
  }

  private emit(draft: EntryDraft, meta: EntryMeta, date: PageDate | undefined): void {
    const titleLine = draft.titleParts[0]?.lines[0]?.number;
    if (titleLine === undefined) {
      this.skip(draft.firstLine, "abstract paragraph with no title line above it");
      return;
    }
    const title = draft.titleParts.map(paragraphText).join(" ");
    const summary = draft.abstractParts.map(paragraphText).join(" ");
    if (summary === "" && !date) {
      // A stray line, or a title whose entry lost its abstract and date lines.
      this.skip(titleLine, `line with no abstract and no date after it: "${truncate(title, QUOTED_CHARS)}"`);
      return;
    }
    const paper = makePaper({
      source: this.source,
      title,
      summary,
      authorCount: meta.authorCount,
      publishedAt: date?.publishedAt,
      upvotes: date?.upvotes,
    });
    this.papers.push({ paper, line: titleLine });
  }

  private skip(line: number, reason: string): void {
    this.skipped.push({ source: this.source, line, reason });
  }
}

/**
 * Drops a short line sitting directly on the authors/`·` lines after a title and
 * abstract: pages sometimes print an organisation there instead of (or next to)
 * the author count, and it must not be read as the next paper's title.
 */
function dropExtraMetaParagraph(paragraphs: Paragraph[]): Paragraph[] {
  const last = paragraphs.at(-1);
  if (paragraphs.length >= 3 && last?.touchesMeta && isTitleLike(last)) return paragraphs.slice(0, -1);
  return paragraphs;
}

/**
 * Groups paragraphs into title + abstract drafts. A title-like paragraph starts a
 * new entry (unless it continues a wrapped title); any other paragraph is abstract
 * text of the current entry.
 */
function splitIntoEntries(paragraphs: Paragraph[]): EntryDraft[] {
  const drafts: EntryDraft[] = [];
  for (const paragraph of paragraphs) {
    const current = drafts.at(-1);
    if (isTitleLike(paragraph)) {
      if (current && current.abstractParts.length === 0 && continuesTitle(current)) current.titleParts.push(paragraph);
      else drafts.push(newDraft([paragraph], []));
      continue;
    }
    const needsTitle = !current || current.abstractParts.length > 0;
    const split = needsTitle ? splitLeadingTitle(paragraph) : undefined;
    if (split) drafts.push(newDraft([split.title], [split.rest]));
    else if (current) current.abstractParts.push(paragraph);
    else drafts.push(newDraft([], [paragraph]));
  }
  return drafts;
}

function newDraft(titleParts: Paragraph[], abstractParts: Paragraph[]): EntryDraft {
  const first = titleParts[0] ?? abstractParts[0];
  return { titleParts, abstractParts, firstLine: first?.lines[0]?.number ?? 0 };
}

/** A title printed with its abstract directly under it (no blank line) is split back apart. */
function splitLeadingTitle(paragraph: Paragraph): { title: Paragraph; rest: Paragraph } | undefined {
  const [first, ...rest] = paragraph.lines;
  if (!first || rest.length === 0 || !isTitleText(first.text)) return undefined;
  return {
    title: { lines: [first], touchesMeta: false },
    rest: { lines: rest, touchesMeta: paragraph.touchesMeta },
  };
}

function continuesTitle(draft: EntryDraft): boolean {
  const lastPart = draft.titleParts.at(-1);
  return lastPart !== undefined && TITLE_CONTINUES.test(paragraphText(lastPart));
}

function isTitleLike(paragraph: Paragraph): boolean {
  return isTitleText(paragraphText(paragraph));
}

/** Titles are short and do not end a sentence; abstracts are long and do. */
function isTitleText(text: string): boolean {
  return text.length <= MAX_TITLE_LENGTH && !/[.;]$/.test(text) && !/https?:\/\//.test(text);
}

function paragraphText(paragraph: Paragraph): string {
  return paragraph.lines.map((line) => line.text).join(" ");
}

/**
 * Reads "May 20", "May 28, 2020" or "Jul 17, 2023 1" (trailing upvote count).
 * A date without a year takes the reference date's year, or the year before when
 * that would put it after the reference date (a page read in January lists December papers).
 * `today` is asked for only then, so a page whose dates all carry a year reads the
 * same on any day (see ParseContext.referenceDate).
 */
export function parseDateLine(text: string, today: () => Date): PageDate | undefined {
  const m = DATE_LINE.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const month = MONTHS.indexOf(m[1].slice(0, 3).toLowerCase()) + 1;
  const day = Number(m[2]);
  let year: number;
  if (m[3]) year = Number(m[3]);
  else {
    // Asked before the date is checked: whether "Feb 29" is a date at all depends on the year.
    const referenceDate = today();
    year = referenceDate.getUTCFullYear();
    if (isoDate(year, month, day) > referenceDate.toISOString().slice(0, 10)) year -= 1;
  }
  if (!isRealDate(year, month, day)) return undefined;
  const date: PageDate = { publishedAt: isoDate(year, month, day) };
  if (m[4]) date.upvotes = Number(m[4].replace(/,/g, ""));
  return date;
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}
