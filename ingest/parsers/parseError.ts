/**
 * A source that cannot be read at all (malformed JSON or XML, an API error
 * document). Unlike a skipped record, it stops the whole file, so the message
 * must say where to look: `"papers.json line 3: Unexpected end of JSON input"`.
 */
export class ParseError extends Error {
  override readonly name = "ParseError";
  /** The problem (with its column, when known) without the "source line N:" prefix, for callers that format their own. */
  readonly reason: string;
  /** 1-based column on `line`, when the underlying parser reports one. */
  readonly column: number | undefined;

  constructor(
    readonly source: string,
    readonly line: number | undefined,
    message: string,
    details: { column?: number; cause?: unknown } = {},
  ) {
    // The column goes last so that every ParseError reads "source line N: ...", whatever reported it.
    const reason = details.column === undefined ? message : `${message} (column ${details.column})`;
    const where = line === undefined ? source : `${source} line ${line}`;
    super(`${where}: ${reason}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.column = details.column;
  }
}

/** 1-based line and column of a character offset; used to turn parser positions into something an editor can jump to. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  // indexOf rather than a regex or split: this also runs on 20 MB single-line files.
  for (let nl = text.indexOf("\n"); nl !== -1 && nl < offset; nl = text.indexOf("\n", nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
