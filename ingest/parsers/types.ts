import type { ParseResult } from "../../src/paper.js";

export interface ParseContext {
  /** Shown in errors and recorded in `Paper.sources`, e.g. the file's base name or a URL. */
  source: string;
  /**
   * "Today" for the page: dates printed without a year ("May 20") belong to this
   * date's year, or the year before when that would put them in the future.
   * Read it only when a date needs it: reading it is what makes an input's papers
   * depend on the day (parseInputs notes it, and the ingest memo then holds on that
   * day only).
   */
  readonly referenceDate: Date;
}

/** Every source format is one pure function from text to papers plus skipped records. */
export type Parser = (text: string, ctx: ParseContext) => ParseResult;

export type SourceFormat = "daily-page" | "papers-list" | "hf-daily-api" | "arxiv-atom" | "json" | "jsonl";
