import type { ParsedPaper, SkippedRecord } from "../src/paper.js";
import { errorMessage } from "../src/errors.js";
import { PARSERS, detectFormat } from "./detectFormat.js";
import { ParseError } from "./parsers/parseError.js";
import { oversizeReason } from "./recordLimits.js";
import type { SourceFormat } from "./parsers/types.js";
import type { InputText } from "./readInputs.js";

export interface ParsedInputs {
  papers: ParsedPaper[];
  skipped: SkippedRecord[];
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
  for (const input of inputs) {
    const format = options.format ?? detectFormat(input.text, input.source);
    if (!format) {
      skipped.push({ source: input.source, line: 1, reason: `unknown format: expected ${KNOWN_FORMATS} (use --format to say which)` });
      continue;
    }
    try {
      const result = PARSERS[format](input.text, { source: input.source, referenceDate: options.now });
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
  }
  return { papers, skipped };
}
