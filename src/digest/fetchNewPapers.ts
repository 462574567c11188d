import { bySource, groupSameRecords, mergeSources } from "../../ingest/mergeRecords.js";
import { arxivApiError, parseArxivAtom } from "../../ingest/parsers/arxivAtom.js";
import { parseHfDailyApi } from "../../ingest/parsers/hfDailyApi.js";
import { ParseError } from "../../ingest/parsers/parseError.js";
import { oversizeReason } from "../../ingest/recordLimits.js";
import type { Config } from "../config.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Paper, ParseResult } from "../paper.js";
import { FetchError, sourcesFetcher, type FetchEvent, type Fetcher, type RateGate, type RetryPolicy } from "../fetch/fetchText.js";

/*
 * The day's new papers from the two sources: the Hugging Face Daily Papers list
 * for the date, and the newest arXiv submissions in each configured category,
 * kept when published within the day window. The same paper from both (or from
 * two categories) comes out once, merged. Whatever cannot be read is reported in
 * `problems` and left out; the good items still count.
 */

export type PaperSourceName = "huggingface" | "arxiv";

export interface SourceProblem {
  source: PaperSourceName;
  message: string;
}

export interface FetchNewPapersOptions {
  /** YYYY-MM-DD. */
  date: string;
  config: Pick<Config, "sources" | "digest">;
  logger: Logger;
  /** Paces arXiv calls; defaults to the process-wide 3-second gate. */
  rateGate?: RateGate;
  retry?: Partial<RetryPolicy>;
  /** Time for all the requests together; default `config.digest.fetchBudgetMs`. */
  budgetMs?: number;
  /** Progress of each request (the CLI prints it). */
  onFetch?: (event: FetchEvent) => void;
  /** arXiv categories; defaults to `config.digest.arxivCategories`. */
  categories?: readonly string[];
  /** arXiv entries count when published (UTC) on the date or the `arxivWindowDays - 1` days before it. Default 1. */
  arxivWindowDays?: number;
  /** Pages of 100 entries read per category while they are still inside the window. Default 3. */
  arxivMaxPages?: number;
}

export interface FetchNewPapersResult {
  /** One per paper, every source's record merged (richer summary, all sources). */
  papers: Paper[];
  /** Each source's record of those papers, as parsed: what the ingest pipeline stores. */
  records: Paper[];
  problems: SourceProblem[];
  /** Whether the source answered with a successful HTTP response (even one that then could not be read). */
  reachable: Record<PaperSourceName, boolean>;
}

const ARXIV_PAGE_SIZE = 100;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function fetchNewPapers(options: FetchNewPapersOptions): Promise<FetchNewPapersResult> {
  if (!ISO_DATE.test(options.date) || Number.isNaN(Date.parse(`${options.date}T00:00:00Z`))) {
    throw new RangeError(`expected a date as YYYY-MM-DD, got "${options.date}"`);
  }
  const problems: SourceProblem[] = [];
  const report = (source: PaperSourceName, message: string) => {
    problems.push({ source, message });
    options.logger.warn({ source, problem: message }, "paper source problem: skipped");
  };
  // One fetcher for the run: its budget covers both sources, and a host that gave no answer is not asked again.
  const fetcher = sourcesFetcher(options.config, {
    retry: options.retry,
    logger: options.logger,
    onEvent: options.onFetch,
    budget: { ms: options.budgetMs ?? options.config.digest.fetchBudgetMs, what: "the digest's sources (DIGEST_FETCH_BUDGET_MS)" },
    ...(options.rateGate ? { arxivGate: options.rateGate } : {}),
  });
  const [hf, arxiv] = await Promise.all([fetchHuggingFace(options, fetcher, report), fetchArxiv(options, fetcher, report)]);

  const groups = groupSameRecords([...hf.records, ...arxiv.records]);
  const records: Paper[] = [];
  const papers: Paper[] = [];
  for (const [id, group] of groups) {
    const perSource = bySource(group);
    records.push(...perSource);
    papers.push(mergeSources(perSource, id));
  }
  options.logger.info(
    { date: options.date, huggingface: hf.records.length, arxiv: arxiv.records.length, papers: papers.length, problems: problems.length },
    "fetched new papers",
  );
  return { papers, records, problems, reachable: { huggingface: hf.reachable, arxiv: arxiv.reachable } };
}

type Report = (source: PaperSourceName, message: string) => void;

interface SourceResult {
  records: Paper[];
  reachable: boolean;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

async function fetchHuggingFace(options: FetchNewPapersOptions, fetcher: Fetcher, report: Report): Promise<SourceResult> {
  const url = `${trimSlash(options.config.sources.hfApiUrl)}/api/daily_papers?date=${options.date}`;
  let text: string;
  try {
    ({ text } = await fetcher.text(url, { accept: "application/json", label: `Hugging Face ${options.date}` }));
  } catch (error) {
    report("huggingface", `cannot fetch the daily papers for ${options.date}: ${errorMessage(error)}`);
    return { records: [], reachable: false };
  }
  const parsed = parseSafely(() => parseHfDailyApi(text, { source: url, referenceDate: new Date() }), "huggingface", report);
  return { records: keepPlausible(parsed, "huggingface", report), reachable: true };
}

async function fetchArxiv(options: FetchNewPapersOptions, fetcher: Fetcher, report: Report): Promise<SourceResult> {
  const categories = options.categories ?? options.config.digest.arxivCategories;
  const windowDays = Math.max(1, options.arxivWindowDays ?? 1);
  const last = options.date;
  const first = addDays(options.date, -(windowDays - 1));
  const maxPages = Math.max(1, options.arxivMaxPages ?? 3);
  const base = trimSlash(options.config.sources.arxivApiUrl);
  // One label for every query: the same paper seen in two categories is one arXiv record.
  const source = base;
  const records: Paper[] = [];
  let reachable = false;

  for (const category of categories) {
    for (let page = 0; page < maxPages; page++) {
      const query =
        `search_query=cat:${encodeURIComponent(category)}&sortBy=submittedDate&sortOrder=descending` +
        `&start=${page * ARXIV_PAGE_SIZE}&max_results=${ARXIV_PAGE_SIZE}`;
      const url = `${base}${base.includes("?") ? "&" : "?"}${query}`;
      let text: string;
      try {
        const label = `arXiv ${category}${page > 0 ? ` page ${page + 1}` : ""}`;
        ({ text } = await fetcher.text(url, { accept: "application/atom+xml", label, explainErrorBody: arxivApiError }));
      } catch (error) {
        report("arxiv", `cannot fetch ${category}: ${errorMessage(error)}`);
        if (error instanceof FetchError && (error.hostUnavailable || error.failure === "budget")) {
          // arXiv gave no answer, or the time is up: asking for the other categories would only wait again.
          const rest = categories.slice(categories.indexOf(category) + 1);
          if (rest.length > 0)
            report("arxiv", `not asked for ${rest.join(", ")}: ${error.failure === "budget" ? "no time left" : "arXiv gave no answer"}`);
          return { records, reachable };
        }
        break;
      }
      reachable = true;
      const parsed = parseSafely(() => parseArxivAtom(text, { source, referenceDate: new Date() }), "arxiv", report, category);
      const seen = parsed.papers.length + parsed.skipped.length;
      let older = false;
      for (const paper of keepPlausible(parsed, "arxiv", report, category)) {
        const day = paper.publishedAt;
        if (!day) {
          report("arxiv", `${category}: "${paper.title}" has no publication date`);
          continue;
        }
        if (day < first) older = true;
        else if (day <= last) records.push(paper);
      }
      // Newest first: a short page, or one reaching back past the window, is the last one needed.
      if (older || seen < ARXIV_PAGE_SIZE) break;
    }
  }
  return { records, reachable };
}

/** A parser's result, or an empty one with the reason reported when the whole response is unreadable. */
function parseSafely(parse: () => ParseResult, source: PaperSourceName, report: Report, what?: string): ParseResult {
  try {
    const result = parse();
    for (const skipped of result.skipped)
      report(source, `${what ? `${what}: ` : ""}item at line ${skipped.line} skipped: ${skipped.reason}`);
    return result;
  } catch (error) {
    const reason =
      error instanceof ParseError ? `${error.line === undefined ? "" : `line ${error.line}: `}${error.reason}` : errorMessage(error);
    report(source, `${what ? `${what}: ` : ""}unreadable response: ${reason}`);
    return { papers: [], skipped: [] };
  }
}

const MARKUP = /<\/?[a-z][a-z0-9]*(\s[^>]*)?>/i;
// Control characters other than tab/newline, and U+FFFD (what a wrong decoding leaves behind).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/**
 * Records that parse but could not be shown as they are (an HTML fragment as a
 * title, mojibake, a title the length of an abstract) are left out: nothing
 * garbled is posted. So is a record too big to store, by the cap an ingest applies
 * (recordLimits): the digest stores what it fetches.
 */
function keepPlausible(parsed: ParseResult, source: PaperSourceName, report: Report, what?: string): Paper[] {
  return parsed.papers.flatMap(({ paper, line }) => {
    const problem = implausible(paper);
    if (!problem) return [paper];
    report(source, `${what ? `${what}: ` : ""}item at line ${line} skipped: ${problem}`);
    return [];
  });
}

function implausible(paper: Paper): string | undefined {
  if (paper.title.length > 400) return `the title is ${paper.title.length} characters long`;
  if (!/\p{L}{2}/u.test(paper.title)) return "the title has no words";
  if (MARKUP.test(paper.title)) return "the title contains HTML markup";
  if (CONTROL.test(paper.title) || CONTROL.test(paper.summary)) return "the text contains control or replacement characters";
  return oversizeReason(paper);
}

/** YYYY-MM-DD plus `days` (UTC calendar arithmetic). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
