import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { RECORD, parseJsonLines, parseJsonRecords, plainRecord } from "../../../ingest/parsers/jsonRecords.js";
import { ParseError } from "../../../ingest/parsers/parseError.js";
import { YEAR_BOUNDS } from "../../../src/paper.js";
import { writeSampledCorpus } from "../../helpers/realCorpus.js";

// The tests run from dist/test/ingest/parsers/; the fixtures stay in the source tree.
const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const ctx = (source: string) => ({ source, referenceDate: new Date("2024-06-01T00:00:00Z") });

/** The ParseError a parser throws, for asserting on its parts. */
function parseErrorOf(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  assert.fail("expected a ParseError");
}

// --- JSON documents -------------------------------------------------------

test("given a JSON array of records, then every Paper field is read and the day is kept from an ISO datetime", () => {
  const { papers, skipped } = parseJsonRecords(fixture("papers-records.json"), ctx("papers-records.json"));
  assert.deepEqual(skipped, []);
  assert.deepEqual(papers[0]?.paper, {
    id: "arxiv:2405.10001",
    arxivId: "2405.10001",
    title: "Sparse Lanterns: Cheap Attention for Long Documents",
    summary: "We propose Sparse Lanterns, an attention variant that lights up only the tokens a query needs.",
    authors: ["Ada Quill", "Bram Okafor", "Chen Lumen"],
    publishedAt: "2024-05-16",
    year: 2024,
    upvotes: 42,
    aiSummary: "Sparse Lanterns halves attention memory on long documents.",
    keywords: ["sparse attention", "long context"],
    categories: ["cs.CL", "cs.LG"],
    githubRepo: "https://github.com/example/sparse-lanterns",
    projectPage: "https://example.org/sparse-lanterns",
    absUrl: "https://arxiv.org/abs/2405.10001",
    pdfUrl: "https://arxiv.org/pdf/2405.10001",
    numComments: 3,
    sources: ["json:papers-records.json"],
  });
});

test("given unknown fields and nulls, then unknown fields are ignored and nulls count as absent", () => {
  const { papers } = parseJsonRecords(fixture("papers-records.json"), ctx("papers-records.json"));
  assert.equal("embedding" in (papers[0]?.paper ?? {}), false);
  const second = papers[1]?.paper;
  assert.ok(second);
  assert.equal(second.authorCount, 4);
  assert.equal(second.section, "Computer Vision");
  assert.equal(second.year, 2016);
  assert.equal("githubRepo" in second, false);
  assert.equal("keywords" in second, false);
});

test("given a record with a title only, then it becomes a paper known by title", () => {
  const { papers } = parseJsonRecords(fixture("papers-records.json"), ctx("papers-records.json"));
  const last = papers[2]?.paper;
  assert.equal(last?.title, "A Paper Known Only By Its Title");
  assert.match(last?.id ?? "", /^title:[0-9a-f]{16}$/);
  assert.equal(last?.summary, "");
  assert.deepEqual(last?.authors, []);
});

test("given a JSON array, then each paper carries the line its record starts on", () => {
  const { papers } = parseJsonRecords(fixture("papers-records.json"), ctx("papers-records.json"));
  assert.deepEqual(
    papers.map((p) => p.line),
    [2, 19, 29],
  );
});

test('given { "papers": [...] } with one bad record, then the good one is parsed and the bad one is reported with its line and field', () => {
  const { papers, skipped } = parseJsonRecords(fixture("papers-wrapped.json"), ctx("papers-wrapped.json"));
  assert.deepEqual(
    papers.map((p) => [p.line, p.paper.arxivId, p.paper.publishedAt]),
    [[5, "2405.11111", "2024-05-17"]],
  );
  assert.deepEqual(skipped, [{ source: "json:papers-wrapped.json", line: 11, reason: '"upvotes" must be a number' }]);
});

test("given a single record object, then it is one paper", () => {
  const { papers } = parseJsonRecords('\n{"title": "Alone", "upvotes": 1}\n', ctx("one.json"));
  assert.deepEqual(
    papers.map((p) => [p.line, p.paper.title, p.paper.upvotes]),
    [[2, "Alone", 1]],
  );
});

test("given a file that starts with a byte-order mark, then it still parses", () => {
  const { papers } = parseJsonRecords('\uFEFF[{"title": "Marked"}]', ctx("bom.json"));
  assert.equal(papers[0]?.paper.title, "Marked");
});

test("given truncated JSON, then a ParseError names the file and the line and column where it breaks", () => {
  const error = parseErrorOf(() => parseJsonRecords(fixture("papers-truncated.json"), ctx("papers-truncated.json")));
  assert.equal(error.source, "papers-truncated.json");
  assert.equal(error.line, 3);
  assert.equal(error.column, 26);
  assert.equal(error.message, "papers-truncated.json line 3: Unterminated string (column 26)");
  assert.equal(error.reason, "Unterminated string (column 26)");
});

test("given JSON that stops between records, then the ParseError is on the last line with text", () => {
  const error = parseErrorOf(() => parseJsonRecords('[\n  {"title": "A"},\n  {"title": "B"}\n\n', ctx("papers.json")));
  assert.equal(error.message, "papers.json line 3: Expected ',' or ']' after array element (column 17)");
});

test("given an unexpected token, then its line and column are found even where Node gives no position", () => {
  const cases: [text: string, line: number, column: number][] = [
    // Node 20 quotes the text around the token in four ways, depending on where it is:
    ["[1,2,]", 1, 6], // a short text, quoted whole
    ['[x, "a long enough tail here"]', 1, 2], // near the start: quoted from the start
    ['{"title": x, "summary": "a long enough tail"}', 1, 11], // in the middle: quoted on both sides
    ['[\n  {"title": "a"},\n  {"title": tru},\n  {"title": "c"}\n]', 3, 16], // the same, across lines
    ['[\n  {"title": "a"},\n  {"title": "b"},\n  {"title": nul}]', 4, 16], // near the end: quoted to the end
    // and other messages say "at position N":
    ['[\n  {"title": "a"}\n  {"title": "b"}\n]', 3, 3],
  ];
  for (const [text, line, column] of cases) {
    const error = parseErrorOf(() => parseJsonRecords(text, ctx("t.json")));
    assert.deepEqual([error.line, error.column], [line, column], `${JSON.stringify(text)}: ${error.message}`);
  }
});

test("given an HTML error page instead of JSON, then a ParseError says so", () => {
  const error = parseErrorOf(() => parseJsonRecords(fixture("hf-daily-502-page.json"), ctx("papers.json")));
  assert.equal(error.message, 'papers.json line 1: expected JSON, got an HTML page titled "502 Bad Gateway" (column 1)');
});

test("given JSON that is neither records nor { papers }, then a ParseError says what was expected", () => {
  assert.throws(() => parseJsonRecords('"just a string"', ctx("s.json")), {
    message: 's.json: expected an array of records or { "papers": [...] }, got a string',
  });
  assert.throws(() => parseJsonRecords('{"papers": {"title": "x"}}', ctx("p.json")), {
    message: 'p.json: "papers" must be an array of records, got an object',
  });
});

test("given an empty file, then a ParseError says it is empty", () => {
  assert.throws(() => parseJsonRecords("  \n", ctx("empty.json")), { message: "empty.json: the file is empty" });
});

// --- JSON Lines -----------------------------------------------------------

test("given a JSONL file with bad lines, then the good lines are parsed and each bad one is reported with its line and reason", () => {
  const { papers, skipped } = parseJsonLines(fixture("papers-mixed.jsonl"), ctx("papers-mixed.jsonl"));
  assert.deepEqual(
    papers.map((p) => [p.line, p.paper.title]),
    [
      [1, "First Good Line"],
      [4, "Second Good Line"],
      [11, "Third Good Line"],
    ],
  );
  assert.deepEqual(
    skipped.map((s) => [s.line, s.reason]),
    [
      [3, "not valid JSON: Expected ',' or '}' after property value (column 38)"],
      [5, "expected a JSON object, got an array"],
      [6, '"title" is required'],
      [7, '"upvotes" must be a number'],
      [8, '"authors[1]" must be a string'],
      [9, '"publishedAt" is not a real calendar date'],
    ],
  );
  assert.ok(skipped.every((s) => s.source === "jsonl:papers-mixed.jsonl"));
  assert.deepEqual(papers[0]?.paper.sources, ["jsonl:papers-mixed.jsonl"]);
});

test("given a field of the wrong type or value, then the reason names the field", () => {
  const cases: [record: object, reason: string][] = [
    [{ title: "t", upvotes: "12" }, '"upvotes" must be a number'],
    [{ title: "t", upvotes: -1 }, '"upvotes" must not be negative'],
    [{ title: "t", numComments: 1.5 }, '"numComments" must be a whole number'],
    [{ title: "" }, '"title" must not be empty'],
    [{ title: 42 }, '"title" must be a string'],
    [{ title: "t", authors: "Ann, Bo" }, '"authors" must be an array of strings'],
    [{ title: "t", publishedAt: "May 20" }, '"publishedAt" must be a date (YYYY-MM-DD or an ISO datetime)'],
    [{ title: "t", arxivId: "not-an-id" }, '"arxivId" must be an arXiv id such as 2405.01234'],
    [{ title: "t", year: "2020", upvotes: true }, '"year" must be a number; "upvotes" must be a number'],
  ];
  const text = cases.map(([record]) => JSON.stringify(record)).join("\n");
  const { papers, skipped } = parseJsonLines(text, ctx("fields.jsonl"));
  assert.deepEqual(papers, []);
  assert.deepEqual(
    skipped.map((s) => [s.line, s.reason]),
    cases.map(([, reason], i) => [i + 1, reason]),
  );
});

test("given a year outside four digits, then the record is skipped with its line, by the bounds the --year filter uses", () => {
  const lines = [
    { title: "Far Future", year: 99999 },
    { title: "Too Early", year: 999 },
    { title: "Year Zero Date", publishedAt: "0999-12-31" },
    { title: "Last Year Allowed", year: YEAR_BOUNDS.max },
    { title: "First Year Allowed", year: YEAR_BOUNDS.min },
  ];
  const { papers, skipped } = parseJsonLines(lines.map((l) => JSON.stringify(l)).join("\n"), ctx("years.jsonl"));
  assert.deepEqual(
    papers.map((p) => p.paper.year),
    [9999, 1000],
  );
  assert.deepEqual(skipped, [
    { source: "jsonl:years.jsonl", line: 1, reason: '"year" must be a year from 1000 to 9999' },
    { source: "jsonl:years.jsonl", line: 2, reason: '"year" must be a year from 1000 to 9999' },
    { source: "jsonl:years.jsonl", line: 3, reason: '"publishedAt" must be in a year from 1000 to 9999' },
  ]);
});

test("given blank lines and Windows line endings, then every record still lands", () => {
  const text = '\r\n{"title": "A"}\r\n\r\n   \r\n{"title": "B", "publishedAt": "2023-01-02T10:00:00+02:00"}\r\n';
  const { papers, skipped } = parseJsonLines(text, ctx("crlf.jsonl"));
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    papers.map((p) => [p.line, p.paper.title, p.paper.publishedAt]),
    [
      [2, "A", undefined],
      [5, "B", "2023-01-02"],
    ],
  );
});

test("given a 20 MB single line, then it is parsed in linear time", () => {
  const summary = "Sparse attention for long documents, measured on many benchmarks. ".repeat(310_000);
  const line = JSON.stringify({ title: "A Very Long Record", summary });
  assert.ok(line.length > 20_000_000);
  const started = performance.now();
  const { papers } = parseJsonLines(`${line}\n{"title": "After"}\n`, ctx("big.jsonl"));
  const elapsed = performance.now() - started;
  assert.deepEqual(
    papers.map((p) => p.paper.title),
    ["A Very Long Record", "After"],
  );
  // A backtracking or quadratic pass over 20 MB would take minutes; linear work takes seconds at most.
  assert.ok(elapsed < 30_000, `took ${Math.round(elapsed)} ms`);
});

// --- the schema's shortcut ------------------------------------------------

test("given valid and invalid records, then the shortcut past the schema gives the schema's fields in its order, or leaves the record to the schema", () => {
  const valid: Record<string, unknown>[] = [
    { title: "  A  " },
    { title: "T", summary: null, authors: ["a", "b"], arxivId: "2405.01234", publishedAt: "2024-05-02T10:00:00Z", year: 2024 },
    { title: "T", upvotes: 0, authorCount: -0, numComments: 7, keywords: [], categories: ["cs.CL"], extra: { x: 1 } },
    { title: "T", section: "NLP", aiSummary: "s", githubRepo: "g", projectPage: "p", absUrl: "u", pdfUrl: "v", year: null },
    { pdfUrl: "v", title: "order of the input is not kept", summary: "s", arxivId: undefined },
  ];
  const invalid: Record<string, unknown>[] = [
    {},
    { title: "   " },
    { title: 3 },
    { title: "T", summary: 3 },
    { title: "T", authors: ["a", 1] },
    { title: "T", authors: "a" },
    { title: "T", arxivId: "not an id" },
    { title: "T", publishedAt: "2024-02-31" },
    { title: "T", publishedAt: "0999-01-01" },
    { title: "T", publishedAt: "May 2024" },
    { title: "T", year: 2024.5 },
    { title: "T", year: 99 },
    { title: "T", upvotes: -1 },
    { title: "T", upvotes: 2 ** 60 },
    { title: "T", numComments: "3" },
  ];
  for (const record of valid) {
    const expected = RECORD.parse(record);
    const shortcut = plainRecord(record);
    assert.deepEqual(shortcut, expected, JSON.stringify(record));
    assert.deepEqual(Object.keys(shortcut!), Object.keys(expected), JSON.stringify(record));
  }
  for (const record of invalid) assert.equal(plainRecord(record), undefined, JSON.stringify(record));
});

test("given the resampled real corpus, then every record's shortcut agrees with the schema", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-plain-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { files } = await writeSampledCorpus(dir, { passages: 3000, seed: 5 });
  let checked = 0;
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      const shortcut = plainRecord(record);
      assert.ok(shortcut, line);
      assert.deepEqual(shortcut, RECORD.parse(record));
      assert.deepEqual(Object.keys(shortcut), Object.keys(RECORD.parse(record)));
      checked++;
    }
  }
  assert.ok(checked > 1000, `checked ${checked} records`);
});
