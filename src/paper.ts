import * as crypto from "node:crypto";

/**
 * The one record every source is normalised to. Optional fields are absent
 * (not empty strings) when a source does not know them, so that merging two
 * records can tell "unknown" from "known to be empty".
 */
export interface Paper {
  /** Stable id: `arxiv:<id>` when the arXiv id is known, else `title:<hash of normalised title>`. */
  id: string;
  arxivId?: string;
  title: string;
  /** Abstract or curated summary; "" for papers known only by title. */
  summary: string;
  authors: string[];
  /** Some listings only give a count ("5 authors"). */
  authorCount?: number;
  /** ISO date, YYYY-MM-DD: the first publication (for a paper from arXiv or Hugging Face, arXiv's date). */
  publishedAt?: string;
  /**
   * Days (YYYY-MM-DD, UTC, ascending) the paper was on the Hugging Face Daily Papers
   * list. Not its arXiv date: a paper is listed one to several days after it appears there.
   */
  listedOn?: string[];
  /** Between YEAR_BOUNDS.min and YEAR_BOUNDS.max. */
  year?: number;
  /** Topic heading from a curated list ("Computer Vision", "NLP"). */
  section?: string;
  upvotes?: number;
  aiSummary?: string;
  /** In the source's order (Hugging Face's ai_keywords come most relevant first). */
  keywords?: string[];
  /** arXiv categories, the primary one first. */
  categories?: string[];
  githubRepo?: string;
  projectPage?: string;
  numComments?: number;
  absUrl?: string;
  pdfUrl?: string;
  /** Where the record was seen, e.g. `daily-page:000.txt`, `hf-api`, `arxiv-api`, `papers-list:003.txt`. */
  sources: string[];
}

/** What a parser yields: a paper plus the 1-based line it starts on, for error messages. */
export interface ParsedPaper {
  paper: Paper;
  line: number;
}

export interface SkippedRecord {
  source: string;
  line: number;
  reason: string;
}

export interface ParseResult {
  papers: ParsedPaper[];
  skipped: SkippedRecord[];
  /** The input says it holds no results (an arXiv query with no hits): empty, and nothing to report. */
  noResults?: boolean;
}

/**
 * Years a record or a filter may name: four digits, as the `--year` filter takes them.
 * A year outside them is a typo or a broken export, never a paper.
 */
export const YEAR_BOUNDS = { min: 1000, max: 9999 } as const;

export function isYearInBounds(year: number): boolean {
  return Number.isInteger(year) && year >= YEAR_BOUNDS.min && year <= YEAR_BOUNDS.max;
}

// Backticks are left alone: a title shows `code` as its authors wrote it. Matching needs no
// straightening for them, since normaliseTitle drops every ASCII mark the same way.
const QUOTES = /[\u2018\u2019\u201A\u201B\u2032´]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const NON_ASCII = /[^\p{ASCII}]/u;

/** Straightens typographic quotes and dashes (not backticks) so that the same title typed two ways compares equal. */
export function straightenPunctuation(text: string): string {
  return text.replace(QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, "-");
}

/**
 * The key two titles share when they name the same paper: case, accents,
 * punctuation and spacing are ignored ("BERT: Pre-training…" = "bert pre training…").
 */
/** Small joining words an acronym skips ("Learning *to* Rank": LTR). */
export const SKIPPED_IN_ACRONYMS = new Set(["of", "for", "the", "and", "a", "an", "in", "on", "with", "to", "via"]);

/** A title's acronym, lower-case: "Denoising Diffusion Probabilistic Models" → "ddpm". */
export function titleInitials(title: string): string {
  return (normaliseTitle(title).match(/[a-z0-9]+/g) ?? [])
    .filter((word) => !SKIPPED_IN_ACRONYMS.has(word))
    .map((word) => word[0])
    .join("");
}

export function normaliseTitle(title: string): string {
  // Unicode normalisation is the slow part and plain ASCII titles do not need it.
  const ascii = NON_ASCII.test(title)
    ? straightenPunctuation(title)
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
    : title;
  return ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const ARXIV_NEW = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;

/** Extracts a version-less arXiv id from an id or an abs/pdf URL; undefined when it is not one. */
export function parseArxivId(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const trimmed = raw
    .trim()
    .replace(/^arxiv:/i, "")
    .replace(/^https?:\/\/[^/]+\/(abs|pdf|papers)\//, "")
    .replace(/\.pdf$/, "");
  const m = ARXIV_NEW.exec(trimmed) ?? ARXIV_OLD.exec(trimmed);
  return m?.[1];
}

/** The first arXiv id or arXiv URL written in a text ("what does 2401.00001 do?"). */
export function arxivIdIn(text: string): string | undefined {
  for (const token of text.split(/[\s,;()<>"“”]+/)) {
    const id = parseArxivId(token.replace(/[?.!:]+$/, ""));
    if (id) return id;
  }
  return undefined;
}

export function paperIdFor(title: string, arxivId?: string): string {
  if (arxivId) return `arxiv:${arxivId}`;
  return `title:${sha1(normaliseTitle(title)).slice(0, 16)}`;
}

/** `crypto.hash` (Node ≥ 20.12) hashes a string in one call, ~30% faster than a Hash object; older Node has only the latter. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** SHA-1 of a text (UTF-8), in hex: ids and an ingest's content hashes. */
export function sha1(text: string): string {
  return oneShot ? oneShot("sha1", text) : crypto.createHash("sha1").update(text).digest("hex");
}

export function arxivAbsUrl(arxivId: string): string {
  return `https://arxiv.org/abs/${arxivId}`;
}

export function huggingFacePaperUrl(arxivId: string): string {
  return `https://huggingface.co/papers/${arxivId}`;
}

/** The best link to show for a paper: its abs page, else Hugging Face, else none. */
export function paperUrl(paper: Pick<Paper, "arxivId" | "absUrl">): string | undefined {
  return paper.absUrl ?? (paper.arxivId ? arxivAbsUrl(paper.arxivId) : undefined);
}

export interface NewPaperFields extends Omit<Paper, "id" | "sources" | "authors" | "summary"> {
  authors?: string[];
  summary?: string;
  source: string;
}

/** Builds a Paper with its stable id and with empty optional fields dropped. */
export function makePaper(fields: NewPaperFields): Paper {
  const { source, ...rest } = fields;
  const title = collapseWhitespace(straightenPunctuation(rest.title));
  const arxivId = parseArxivId(rest.arxivId);
  const paper: Paper = {
    ...rest,
    id: paperIdFor(title, arxivId),
    title,
    summary: collapseWhitespace(rest.summary ?? ""),
    authors: rest.authors ?? [],
    sources: [source],
  };
  if (arxivId) paper.arxivId = arxivId;
  else delete paper.arxivId;
  if (paper.publishedAt && paper.year === undefined) paper.year = Number(paper.publishedAt.slice(0, 4));
  for (const key of Object.keys(paper) as (keyof Paper)[]) {
    const value = paper[key];
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0 && key !== "authors" && key !== "sources")) {
      if (key !== "summary") delete paper[key];
    }
  }
  return paper;
}

export function collapseWhitespace(text: string): string {
  // Touches only runs and non-space whitespace: rewriting every single space is
  // what made a 20 MB line take seconds.
  return text.replace(/\s{2,}|[^\S ]/g, " ").trim();
}

function longer(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.length > a.length ? b : a;
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a?.length) return b;
  if (!b?.length) return a;
  return [...new Set([...a, ...b])];
}

/**
 * Merges two records of the same paper: the richer summary is kept, every source
 * listed, and each other field taken from whichever record knows it (the first wins ties).
 */
export function mergePapers(a: Paper, b: Paper): Paper {
  const merged: Paper = { ...b, ...definedFields(a) };
  merged.summary = longer(a.summary, b.summary) ?? "";
  merged.authors = a.authors.length >= b.authors.length ? a.authors : b.authors;
  merged.sources = union(a.sources, b.sources) ?? [];
  const keywords = union(a.keywords, b.keywords);
  if (keywords) merged.keywords = keywords;
  const categories = union(a.categories, b.categories);
  if (categories) merged.categories = categories;
  const listedOn = union(a.listedOn, b.listedOn);
  if (listedOn) merged.listedOn = [...listedOn].sort();
  const aiSummary = longer(a.aiSummary, b.aiSummary);
  if (aiSummary) merged.aiSummary = aiSummary;
  if (a.upvotes !== undefined || b.upvotes !== undefined) merged.upvotes = Math.max(a.upvotes ?? 0, b.upvotes ?? 0);
  // A dated record beats an undated one; of two dates the earlier is the first publication.
  if (a.publishedAt && b.publishedAt) merged.publishedAt = a.publishedAt < b.publishedAt ? a.publishedAt : b.publishedAt;
  if (merged.publishedAt) merged.year = Number(merged.publishedAt.slice(0, 4));
  return merged;
}

function definedFields(p: Paper): Partial<Paper> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== "")) as Partial<Paper>;
}

/** Every link known for a paper, by kind: arxiv, huggingface, pdf, code, project. */
export function paperLinks(p: Paper): Record<string, string> {
  const links: Record<string, string> = {};
  const abs = paperUrl(p);
  if (abs) links.arxiv = abs;
  if (p.arxivId) links.huggingface = huggingFacePaperUrl(p.arxivId);
  if (p.pdfUrl) links.pdf = p.pdfUrl;
  if (p.githubRepo) links.code = p.githubRepo;
  if (p.projectPage) links.project = p.projectPage;
  return links;
}
