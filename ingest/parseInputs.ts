import type { ParsedPaper, SkippedRecord } from "../src/paper.js";
import { errorMessage } from "../src/errors.js";
import { PARSERS, detectFormat } from "./detectFormat.js";
import { ParseError } from "./parsers/parseError.js";
import { oversizeReason } from "./recordLimits.js";
import type { ParseContext, SourceFormat } from "./parsers/types.js";
import type { InputText } from "./readInputs.js";

export interface ParsedInputs {
  papers: ParsedPaper[];
  skipped: SkippedRecord[];
  /**
   * The inputs whose parse read the day (a page's dates without a year): the same
   * text read on another day may give other papers. Every other input reads the same
   * on any day.
   */
  dayBound: string[];
}

const KNOWN_FORMATS = "a Daily Papers page, a Papers List, Hugging Face daily_papers JSON, arXiv Atom, or paperbot JSON/JSONL";

/**
 * Runs each input through its parser (detected from content unless `format` is
 * given). A file that cannot be parsed becomes one skipped record naming the file
 * and line; the other files are unaffected. So does a record too big to store
 * (recordLimits).
 */
export function parseInputs(inputs: readonly InputText[], options: { format: SourceFormat | undefined; now: Date }): ParsedInputs {
  const papers: ParsedPaper[] = [];
  const skipped: SkippedRecord[] = [];
  const dayBound: string[] = [];
  for (const input of inputs) {
    const format = options.format ?? detectFormat(input.text, input.source);
    if (!format) {
      skipped.push({ source: input.source, line: 1, reason: `unknown format: expected ${KNOWN_FORMATS} (use --format to say which)` });
      continue;
    }
    // Whether a parse depends on the day is decided by what the parser did, not by its
    // format: a page whose dates all carry a year never reads the day.
    let readDay = false;
    const ctx: ParseContext = {
      source: input.source,
      get referenceDate() {
        readDay = true;
        return options.now;
      },
    };
    try {
      const result = PARSERS[format](input.text, ctx);
      const tooBig: SkippedRecord[] = [];
      for (const parsed of result.papers) {
        const reason = oversizeReason(parsed.paper);
        if (reason) tooBig.push({ source: input.source, line: parsed.line, reason });
        else papers.push(parsed);
      }
      // Parsers label records with their format; a skipped record names the file as the user typed it.
      skipped.push(...[...result.skipped.map((k) => ({ ...k, source: input.source })), ...tooBig].sort((a, b) => a.line - b.line));
      if (result.papers.length === 0 && result.skipped.length === 0 && !result.noResults) {
        skipped.push({ source: input.source, line: 1, reason: `no papers found in this ${format} input` });
      }
    } catch (error) {
      const line = error instanceof ParseError ? (error.line ?? 1) : 1;
      skipped.push({
        source: input.source,
        line,
        reason: `${format}: ${error instanceof ParseError ? error.reason : errorMessage(error)}`,
      });
    }
    // Also when the parser threw: what it read before failing may have shaped the error.
    if (readDay) dayBound.push(input.source);
  }
  return { papers, skipped, dayBound };
}
