import { XMLParser, XMLValidator } from "fast-xml-parser";
import { makePaper, parseArxivId, type Paper, type ParseResult } from "../../src/paper.js";
import { lineAndColumn, ParseError } from "./parseError.js";
import type { Parser } from "./types.js";

/*
 * arXiv export API (`/api/query?...`): an Atom feed, one <entry> per paper.
 * `readArxivEntries` keeps everything an entry says, including what Paper has
 * no field for (updated, comment, DOI, journal ref); `parseArxivAtom` turns the
 * entries into Papers.
 */

/** One Atom entry as the feed gives it, before it becomes a Paper. */
export interface ArxivEntry {
  /** 1-based line of the `<entry>` tag. */
  line: number;
  /** The raw <id>: the abs URL with its version. */
  id?: string;
  /** Version-less arXiv id. */
  arxivId?: string;
  title?: string;
  summary?: string;
  authors: string[];
  /** ISO datetimes, as written. */
  published?: string;
  updated?: string;
  primaryCategory?: string;
  /** Every category, the primary one first. */
  categories: string[];
  absUrl?: string;
  pdfUrl?: string;
  comment?: string;
  doi?: string;
  journalRef?: string;
}

export const parseArxivAtom: Parser = (text, ctx) => {
  const source = `arxiv:${ctx.source}`;
  const feed = readFeed(text, ctx.source);
  const result: ParseResult = { papers: [], skipped: [] };
  for (const entry of checkedEntries(feed.entries, ctx.source)) {
    const outcome = paperFromEntry(entry, source);
    if (typeof outcome === "string") result.skipped.push({ source, line: entry.line, reason: outcome });
    else result.papers.push({ paper: outcome, line: entry.line });
  }
  // A query with no hits (or a page past the last) is a valid feed saying so, not a problem with the input.
  if (feed.totalResults !== undefined && feed.entries.length === 0) result.noResults = true;
  return result;
};

function paperFromEntry(entry: ArxivEntry, source: string): Paper | string {
  if (!entry.title) return "entry has no <title>";
  if (!entry.id) return "entry has no <id>";
  return makePaper({
    source,
    arxivId: entry.arxivId,
    title: entry.title,
    summary: entry.summary,
    authors: entry.authors,
    publishedAt: entry.published && /^\d{4}-\d{2}-\d{2}/.test(entry.published) ? entry.published.slice(0, 10) : undefined,
    categories: entry.categories,
    absUrl: entry.absUrl,
    pdfUrl: entry.pdfUrl,
  });
}

// ---------------------------------------------------------------------------
// Reading the feed

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // The feed mixes the Atom, arxiv: and opensearch: namespaces; no names we read collide
  // once prefixes go, and it spares us depending on the prefix the server picked.
  removeNSPrefix: true,
  // Keep every value a string: a title such as "1984" must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  // Numeric character references (&#233;) are plain XML, but the parser only decodes them with this on.
  htmlEntities: true,
  // Gives each element's offset in the text, hence the <entry> line for error messages.
  captureMetaData: true,
  // So that a feed with one entry, or an entry with one author, still yields arrays.
  isArray: (_name, jpath, _isLeaf, isAttribute) => isAttribute !== true && ALWAYS_ARRAYS.has(String(jpath)),
});

const ALWAYS_ARRAYS = new Set(["feed.entry", "feed.entry.author", "feed.entry.category", "feed.entry.link"]);
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type XmlNode = Record<string | symbol, unknown>;

/** Every entry of an arXiv Atom feed; throws a ParseError for malformed XML, a non-feed or an arXiv error feed. */
export function readArxivEntries(text: string, source: string): ArxivEntry[] {
  return checkedEntries(readFeed(text, source).entries, source);
}

/**
 * arXiv's reason when `text` is its error feed ("arXiv API error: incorrect id
 * format for abc"), which it sends with HTTP 400; undefined for anything else.
 */
export function arxivApiError(text: string): string | undefined {
  if (!text.includes("<feed")) return undefined;
  try {
    const error = readFeed(text, "").entries.find(isErrorEntry);
    return error ? errorReason(error) : undefined;
  } catch {
    return undefined;
  }
}

function readFeed(text: string, source: string): { entries: ArxivEntry[]; totalResults: number | undefined } {
  const xml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  assertWellFormed(xml, source);
  const document = xmlParser.parse(xml) as unknown;
  const feed = isNode(document) ? document.feed : undefined;
  if (!isNode(feed)) throw new ParseError(source, undefined, `not an Atom feed: ${describeRoot(document)}`);
  const total = textOf(feed.totalResults);
  return {
    entries: nodes(feed.entry).map((node) => readEntry(node, xml)),
    totalResults: total !== undefined && /^\d+$/.test(total) ? Number(total) : undefined,
  };
}

function checkedEntries(entries: ArxivEntry[], source: string): ArxivEntry[] {
  const error = entries.find(isErrorEntry);
  if (error) throw new ParseError(source, error.line, errorReason(error));
  return entries;
}

function errorReason(error: ArxivEntry): string {
  return `arXiv API error: ${error.summary ?? "no details given"}`;
}

/**
 * The parser itself is lenient and would silently return half of a truncated
 * feed, so the text is validated first. (XMLValidator is marked deprecated in
 * favour of a separate package; it is still the one that ships with the parser.)
 */
function assertWellFormed(xml: string, source: string): void {
  const verdict = XMLValidator.validate(xml);
  if (verdict === true) return;
  const { msg, line, col } = verdict.err;
  const unclosed = /^Invalid '(\[.*\])' found\.$/.exec(msg);
  if (unclosed?.[1]) {
    // The validator reports unclosed elements at line 1 as a JSON list of tag names; the real
    // problem is at the end of the text, which stops before they are closed (a cut-off download).
    const tags = (JSON.parse(unclosed[1]) as string[]).map((tag) => `<${tag}>`).join(", ");
    const end = lineAndColumn(xml, xml.trimEnd().length);
    throw new ParseError(source, end.line, `malformed XML: the text ends before ${tags} are closed`, { column: end.column });
  }
  const hint = /^\s*(<!doctype html|<html)/i.test(xml) ? " (this is an HTML page, not an Atom feed)" : "";
  throw new ParseError(source, line, `malformed XML: ${msg}${hint}`, col === undefined ? {} : { column: col });
}

/** What the document is instead of a feed; an HTML error page is the usual culprit. */
function describeRoot(document: unknown): string {
  const root = isNode(document) ? Object.keys(document).find((name) => !name.startsWith("?")) : undefined;
  return root ? `the root element is <${root}>, not <feed>` : "there is no <feed> element";
}

function readEntry(node: XmlNode, xml: string): ArxivEntry {
  const meta = node[META] as { startIndex?: number } | undefined;
  const id = textOf(node.id);
  const links = nodes(node.link);
  const primaryCategory = attribute(node.primary_category, "term");
  const terms = nodes(node.category).map((category) => attribute(category, "term"));
  return {
    line: meta?.startIndex === undefined ? 1 : lineAndColumn(xml, meta.startIndex).line,
    id,
    arxivId: parseArxivId(id),
    title: textOf(node.title),
    summary: textOf(node.summary),
    authors: nodes(node.author).flatMap((author) => textOf(author.name) ?? []),
    published: textOf(node.published),
    updated: textOf(node.updated),
    primaryCategory,
    categories: [...new Set([primaryCategory, ...terms].filter((term): term is string => !!term))],
    absUrl: currentVersionUrl(
      attribute(
        links.find((link) => attribute(link, "rel") === "alternate"),
        "href",
      ),
    ),
    pdfUrl: currentVersionUrl(
      attribute(
        links.find((link) => attribute(link, "title") === "pdf"),
        "href",
      ),
    ),
    comment: textOf(node.comment),
    doi: textOf(node.doi),
    journalRef: textOf(node.journal_ref),
  };
}

/** arXiv answers a bad query with a feed holding a single entry titled "Error". */
function isErrorEntry(entry: ArxivEntry): boolean {
  return entry.title === "Error" && (entry.id?.includes("/api/errors") === true || entry.arxivId === undefined);
}

/**
 * The feed links a specific version over http; the bot shows the current
 * version (which is what the entry's title and abstract describe) over https.
 */
function currentVersionUrl(href: string | undefined): string | undefined {
  return href?.replace(/^http:\/\/arxiv\.org\//, "https://arxiv.org/").replace(/v\d+$/, "");
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodes(value: unknown): XmlNode[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** An element's text, whether it came as a plain string or, having attributes, as `{ "#text": ... }`. */
function textOf(value: unknown): string | undefined {
  const raw = isNode(value) ? value["#text"] : value;
  const text = typeof raw === "string" ? raw.trim() : undefined;
  return text ? text : undefined;
}

function attribute(node: unknown, name: string): string | undefined {
  const value = isNode(node) ? node[`@_${name}`] : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}
