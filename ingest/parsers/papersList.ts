import { makePaper, normaliseTitle, type ParsedPaper, type SkippedRecord } from "../../src/paper.js";
import type { Parser } from "./types.js";
import { truncate } from "../../src/text/truncate.js";

/** How much of a skipped line its message quotes. */
const QUOTED_CHARS = 80;

/**
 * Parser for a curated "Papers List" page saved as plain text.
 *
 * The page has two parts, each introduced by a `Papers List` line:
 *  - a table of contents: a flat run of `- ` items that are group headings
 *    ("Seminal Papers / Need-to-know"), section names ("Computer Vision", "NLP"),
 *    year lines ("2017") and paper titles, nested only by their order;
 *  - a body with the same headings and years, then per paper a title line followed
 *    by `- ` bullets (the summary). The body is scraped text: bullets wrap onto
 *    lines without the `- ` prefix, a lone `-` puts the bullet's text on the next
 *    line, and LaTeX or code fragments sit on lines of their own.
 *
 * The contents is the reliable part, so it is read first: it gives the heading
 * names, every title with its section and year, and which section/years it lists
 * titles for. In the body a line is a title when the contents lists it; other lines
 * are titles only where the contents is silent about that section and year and the
 * line looks like a title followed by a bullet. Everything else continues a bullet.
 */
export const parsePapersList: Parser = (text, ctx) => {
  const source = `papers-list:${ctx.source}`;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const { contentsLines, bodyLines } = splitContentsFromBody(lines);
  const contents = readContents(contentsLines);
  const body = new BodyReader(contents, bodyLines, source);
  body.readAll();

  const papers: ParsedPaper[] = [];
  const seen = new Set<string>();
  for (const entry of body.entries) {
    const key = normaliseTitle(entry.title);
    const listed = contents.titles.get(key);
    papers.push({
      paper: makePaper({
        source,
        title: entry.title,
        summary: entry.bullets.filter((bullet) => bullet !== "").join(" "),
        section: entry.section ?? listed?.section,
        year: entry.year ?? listed?.year,
      }),
      line: entry.line,
    });
    seen.add(key);
  }
  // Titles known only from the contents are still papers: known by title, section and year.
  for (const [key, listed] of contents.titles) {
    if (seen.has(key)) continue;
    papers.push({
      paper: makePaper({ source, title: listed.title, summary: "", section: listed.section, year: listed.year }),
      line: listed.line,
    });
  }
  return { papers, skipped: body.skipped };
};

interface SourceLine {
  text: string;
  /** 1-based line number in the page. */
  number: number;
}

interface ListedTitle {
  title: string;
  section?: string;
  year?: number;
  line: number;
}

interface Contents {
  /** Normalised heading name → heading as printed. Holds group headings as well as sections. */
  headings: Map<string, string>;
  /** Normalised title → first place the contents lists it. */
  titles: Map<string, ListedTitle>;
  /** `sectionYearKey`s the contents lists at least one title under. */
  coveredSectionYears: Set<string>;
}

interface BodyEntry {
  title: string;
  line: number;
  section?: string;
  year?: number;
  bullets: string[];
}

const LIST_TITLE = "papers list";
const YEAR_LINE = /^(?:19|20)\d{2}$/;
/** Longest line still read as a title. */
const MAX_TITLE_LENGTH = 300;
/** A title's first line ends like this when the title wraps onto the next line. */
const TITLE_CONTINUES = /(?:[:\-–—,&]|\b(?:a|an|and|as|at|by|for|from|in|into|of|on|or|the|to|towards?|via|with))$/i;
/** LaTeX and markup that only appear inside a summary: `\(x\)`, `\[..\]`, `$$..$$`, `\frac`, `<X>`, `{..}`. */
const MARKUP = /\\[([a-zA-Z]|\$\$|[<>{}]/;

function isYear(text: string): boolean {
  return YEAR_LINE.test(text);
}

function sectionYearKey(section: string | undefined, year: number | undefined): string {
  return `${normaliseTitle(section ?? "")}|${year ?? ""}`;
}

/**
 * The contents runs from the first `Papers List` line to the second; the body follows
 * the second. With a single such line (or none) there is no contents, only a body.
 */
function splitContentsFromBody(lines: string[]): { contentsLines: SourceLine[]; bodyLines: SourceLine[] } {
  const numbered = lines.map((text, index) => ({ text: text.trim(), number: index + 1 }));
  const markers = numbered.filter((line) => normaliseTitle(line.text) === LIST_TITLE && !line.text.startsWith("-"));
  const [first, second] = markers;
  if (!first) return { contentsLines: [], bodyLines: numbered };
  if (!second) return { contentsLines: [], bodyLines: numbered.slice(first.number) };
  return {
    contentsLines: numbered.slice(first.number, second.number - 1),
    bodyLines: numbered.slice(second.number),
  };
}

/** The contents as `- ` items; a line without the prefix continues the item above it. */
function contentsItems(lines: SourceLine[]): SourceLine[] {
  const items: SourceLine[] = [];
  for (const line of lines) {
    if (line.text === "" || line.text === "-") continue;
    const previous = items.at(-1);
    if (line.text.startsWith("- ")) items.push({ text: line.text.slice(2).trim(), number: line.number });
    else if (previous) previous.text = `${previous.text} ${line.text}`;
  }
  return items.map((item) => ({ ...item, text: plainTitle(item.text) })).filter((item) => normaliseTitle(item.text) !== LIST_TITLE);
}

function readContents(lines: SourceLine[]): Contents {
  const items = contentsItems(lines);
  const headings = findHeadings(items);
  const titles = new Map<string, ListedTitle>();
  const coveredSectionYears = new Set<string>();
  let section: string | undefined;
  let year: number | undefined;
  for (const item of items) {
    const key = normaliseTitle(item.text);
    if (isYear(item.text)) {
      year = Number(item.text);
    } else if (headings.has(key)) {
      section = item.text;
      year = undefined;
    } else if (key !== "") {
      if (!titles.has(key)) titles.set(key, { title: item.text, section, year, line: item.number });
      coveredSectionYears.add(sectionYearKey(section, year));
    }
  }
  return { headings, titles, coveredSectionYears };
}

/**
 * Works out which contents items are headings, from the nesting the order implies:
 * titles only ever sit under a year, and years only count up within a section. So
 *  - an item before the first year is a heading (the group and first section names);
 *  - an item followed by a year earlier than the year before it starts a new
 *    section ("NLP" then "1997" after "2023"); the same year twice is not enough,
 *    as the contents sometimes repeats a year line within a section;
 *  - an item right after a heading, before any year, is a heading too (an empty
 *    section, or a group heading followed by its first section);
 *  - a name found to be a heading anywhere is a heading everywhere.
 * A contents without years has no nesting to go by, so it has no headings.
 */
function findHeadings(items: SourceLine[]): Map<string, string> {
  const headings = new Map<string, string>();
  if (!items.some((item) => isYear(item.text))) return headings;
  const add = (item: SourceLine): boolean => {
    const key = normaliseTitle(item.text);
    if (key === "" || headings.has(key)) return false;
    headings.set(key, item.text);
    return true;
  };

  let lastYear: number | undefined;
  items.forEach((item, index) => {
    if (isYear(item.text)) {
      lastYear = Number(item.text);
      return;
    }
    const next = items[index + 1]?.text;
    const yearResets = next !== undefined && isYear(next) && lastYear !== undefined && Number(next) < lastYear;
    if (lastYear === undefined || yearResets) add(item);
  });

  // Headings right after headings: repeat until no new name turns up, since a name
  // learnt late in the contents can make an earlier run of items headings.
  let changed = true;
  while (changed) {
    changed = false;
    let afterHeading = false;
    for (const item of items) {
      if (isYear(item.text)) afterHeading = false;
      else if (headings.has(normaliseTitle(item.text))) afterHeading = true;
      else if (afterHeading) changed = add(item) || changed;
    }
  }
  return headings;
}

class BodyReader {
  readonly entries: BodyEntry[] = [];
  readonly skipped: SkippedRecord[] = [];
  private section: string | undefined;
  private year: number | undefined;
  private current: BodyEntry | undefined;
  private readonly byTitle = new Map<string, BodyEntry>();

  constructor(
    private readonly contents: Contents,
    private readonly lines: SourceLine[],
    private readonly source: string,
  ) {}

  readAll(): void {
    this.lines.forEach((line, index) => this.read(line, index));
  }

  private read(line: SourceLine, index: number): void {
    const { text } = line;
    if (text === "") return;
    if (isYear(text)) {
      this.current = undefined;
      this.year = Number(text);
    } else if (this.isHeading(text, index)) {
      this.current = undefined;
      this.section = text;
      this.year = undefined;
    } else if (text.startsWith("- ")) {
      this.addBullet(text.slice(2).trim(), line);
    } else if (text === "-") {
      // A lone dash: the bullet's text is on the next line.
      this.addBullet("", line);
    } else if (this.isTitle(text, index)) {
      this.startEntry(line);
    } else if (this.continuesTitle(text)) {
      this.extendTitle(text);
    } else {
      this.continueBullet(line);
    }
  }

  /**
   * A heading is a name the contents uses as one. Without contents, a short label
   * that is directly followed by a year or another heading is taken as one too.
   */
  private isHeading(text: string, index: number): boolean {
    if (this.contents.headings.has(normaliseTitle(text))) return true;
    if (this.contents.titles.size > 0 || this.previousText(index) === "-") return false;
    const next = this.nextText(index);
    const isLabel = /^[A-Z][\w&/ -]{0,40}$/.test(text) && text.split(/\s+/).length <= 5;
    return isLabel && next !== undefined && (isYear(next) || this.contents.headings.has(normaliseTitle(next)));
  }

  private isTitle(text: string, index: number): boolean {
    if (this.contents.titles.has(normaliseTitle(plainTitle(text)))) return true;
    // Text after a lone `-` is that bullet's text, whatever it looks like.
    if (this.previousText(index) === "-") return false;
    // Where the contents lists this section and year, it lists every paper there: an
    // unlisted line is a sub-heading inside a summary ("Intuitions"), not a paper.
    if (this.contents.coveredSectionYears.has(sectionYearKey(this.section, this.year))) return false;
    const next = this.nextText(index);
    return next !== undefined && (next === "-" || next.startsWith("- ")) && looksLikeTitle(text);
  }

  /** A body title wrapped onto a second line, before its first bullet. */
  private continuesTitle(text: string): boolean {
    const entry = this.current;
    if (!entry || entry.bullets.length > 0) return false;
    const joined = normaliseTitle(`${entry.title} ${text}`);
    return this.contents.titles.has(joined) || (TITLE_CONTINUES.test(entry.title) && !MARKUP.test(text));
  }

  private extendTitle(text: string): void {
    if (!this.current) return;
    const oldKey = normaliseTitle(this.current.title);
    this.current.title = `${this.current.title} ${text}`;
    this.byTitle.delete(oldKey);
    this.byTitle.set(normaliseTitle(this.current.title), this.current);
  }

  private startEntry(line: SourceLine): void {
    const title = plainTitle(line.text);
    const key = normaliseTitle(title);
    const earlier = this.byTitle.get(key);
    if (earlier) {
      // The same paper summarised twice: one paper, the bullets of both.
      this.current = earlier;
      return;
    }
    const entry: BodyEntry = { title, line: line.number, bullets: [] };
    if (this.section !== undefined) entry.section = this.section;
    if (this.year !== undefined) entry.year = this.year;
    this.entries.push(entry);
    this.byTitle.set(key, entry);
    this.current = entry;
  }

  private addBullet(text: string, line: SourceLine): void {
    if (this.current) this.current.bullets.push(text);
    else if (text !== "") this.skip(line, `bullet with no paper title above it: "${truncate(text, QUOTED_CHARS)}"`);
  }

  /** A line without the `- ` prefix carries on the bullet above it (a wrapped bullet). */
  private continueBullet(line: SourceLine): void {
    const bullets = this.current?.bullets;
    if (!bullets) {
      this.skip(line, `text with no paper title above it: "${truncate(line.text, QUOTED_CHARS)}"`);
      return;
    }
    const last = bullets.length - 1;
    if (last < 0) bullets.push(line.text);
    else bullets[last] = bullets[last] === "" ? line.text : `${bullets[last]} ${line.text}`;
  }

  private nextText(index: number): string | undefined {
    for (let i = index + 1; i < this.lines.length; i++) {
      const text = this.lines[i]?.text;
      if (text) return text;
    }
    return undefined;
  }

  private previousText(index: number): string | undefined {
    for (let i = index - 1; i >= 0; i--) {
      const text = this.lines[i]?.text;
      if (text) return text;
    }
    return undefined;
  }

  private skip(line: SourceLine, reason: string): void {
    this.skipped.push({ source: this.source, line: line.number, reason });
  }
}

/**
 * Whether an unlisted body line can be a paper title. Scraped summaries leave
 * fragments on lines of their own (`class.`, `L2`, `<X>`, `\(\rightarrow\)`,
 * "is masked. The span…"), so a title must start like one, end like one, carry no
 * markup, and a one-word title must look like a name ("HyperNetworks"), not a word
 * ("Intuitions").
 */
export function looksLikeTitle(text: string): boolean {
  if (text.length < 4 || text.length > MAX_TITLE_LENGTH) return false;
  if (MARKUP.test(text)) return false;
  // Titles start with a capital or a digit, or a stylised name: "iBOT", "wav2vec", "cMIM:".
  if (!/^["“'‘(]?[A-Z0-9]/.test(text) && !/^[a-z]+[A-Z0-9]/.test(text) && !/^[a-z][\w-]*:/.test(text)) return false;
  // Sentences and fragments end in punctuation; titles do not (a question mark aside).
  if (/[.,;:]$/.test(text)) return false;
  // Two sentences on one line are summary text.
  if (/[a-z]{3,}[.!] [A-Z]/.test(text)) return false;
  const words = text.split(/\s+/);
  if (words.length > 30) return false;
  if (words.length === 1 && !/.[A-Z0-9-]/.test(text)) return false;
  return true;
}

const LATEX_SYMBOLS: Record<string, string> = {
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ε",
  theta: "θ",
  lambda: "λ",
  mu: "μ",
  pi: "π",
  sigma: "σ",
  tau: "τ",
  phi: "φ",
  omega: "ω",
  infty: "∞",
  times: "×",
};

/**
 * A title as people type it: inline LaTeX in a listed title ("PIXART-\(\alpha\)",
 * "\(\infty\)-former", "ReST-MCTS\(^{*}\)") becomes plain text, and a stray final
 * period is dropped, so the title reads well and matches the same paper from other sources.
 */
export function plainTitle(text: string): string {
  return text
    .replace(/\\[()]/g, "")
    .replace(/\\([a-zA-Z]+)/g, (_whole, name: string) => LATEX_SYMBOLS[name] ?? name)
    .replace(/\^\{([^{}]*)\}/g, "$1")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/(?<!\.)\.$/, "");
}
