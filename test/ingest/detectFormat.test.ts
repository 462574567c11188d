import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { detectFormat, PARSERS } from "../../ingest/detectFormat.js";
import type { SourceFormat } from "../../ingest/parsers/types.js";

// The tests run from dist/test/ingest/; the fixtures stay in the source tree, the seeds next to the project.
const FIXTURES = new URL("../../../test/fixtures/", import.meta.url);
const SEEDS = new URL("../../../../shared/seeds/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");

const DAILY_PAGE = `new

Daily Papers

byAK and the research community

May 21

Sparse Lanterns: Cheap Attention for Long Documents

We propose an attention variant that lights up only the tokens a query needs.

  • 3 authors
·
May 20 42
`;

const PAPERS_LIST = `Papers List
- Computer Vision
- 2016
- Deep Residual Learning for Image Recognition
`;

test("given each fixture, then its format is recognised from the content alone", () => {
  const cases: [file: string, format: SourceFormat][] = [
    ["hf-daily-2024-05-17.json", "hf-daily-api"],
    ["hf-daily-incomplete-items.json", "hf-daily-api"],
    ["papers-records.json", "json"],
    ["papers-wrapped.json", "json"],
    ["papers-mixed.jsonl", "jsonl"],
    ["arxiv-cs-cl.xml", "arxiv-atom"],
    ["arxiv-one-entry.xml", "arxiv-atom"],
    ["arxiv-error.xml", "arxiv-atom"],
  ];
  for (const [file, format] of cases) assert.equal(detectFormat(fixture(file)), format, file);
});

test("given truncated files, then they are still recognised by their start so the parser can say where they break", () => {
  assert.equal(detectFormat(fixture("hf-daily-truncated.json")), "hf-daily-api");
  assert.equal(detectFormat(fixture("papers-truncated.json")), "json");
  assert.equal(detectFormat(fixture("arxiv-truncated.xml")), "arxiv-atom");
});

test("given a single-line JSON object, then it is a JSON document, not JSON Lines", () => {
  assert.equal(detectFormat('{"title": "Alone"}\n'), "json");
  assert.equal(detectFormat('{"papers": [{"title": "A"}]}'), "json");
});

test("given a .jsonl file holding a single record, then it is JSON Lines, as its name says", () => {
  assert.equal(detectFormat('{"title": "Alone"}\n', "one.jsonl"), "jsonl");
  assert.equal(detectFormat('{"title": "Alone"}', "one.ndjson"), "jsonl");
  // The name only settles a single line: a pretty-printed document is still one document.
  assert.equal(detectFormat('{\n  "title": "Pretty"\n}\n', "pretty.jsonl"), "json");
  assert.equal(detectFormat('{"title": "Alone"}\n', "one.json"), "json");
});

test("given a Hugging Face single-paper response (/api/papers/<id>) or a lone daily item, then it is Hugging Face JSON", () => {
  assert.equal(detectFormat(fixture("real-formats/hf-paper-2605.08811.json")), "hf-daily-api");
  assert.equal(detectFormat('{"paper": {"id": "2605.00001", "title": "A"}, "numComments": 0}'), "hf-daily-api");
  // Our own records with authors given as objects are still ours (and reported as such).
  assert.equal(detectFormat('{"papers": [{"title": "A", "authors": [{"name": "Ann"}]}]}'), "json");
  assert.equal(detectFormat('{"title": "A", "authors": ["Ann"]}'), "json");
});

test("given a pretty-printed JSON object, then it is a JSON document even though lines start with braces", () => {
  assert.equal(detectFormat('{\n"papers": [\n{"title": "A"},\n{"title": "B"}\n]\n}\n'), "json");
});

test("given two or more one-object lines, then it is JSON Lines", () => {
  assert.equal(detectFormat('{"title": "A"}\n\n{"title": "B"}\n'), "jsonl");
  assert.equal(detectFormat('{"title": "A"}\r\n{"title": "B"}\r\n'), "jsonl");
});

test("given a records file whose summary mentions a quoted paper key, then it is still our JSON", () => {
  assert.equal(detectFormat('[{"title": "A", "summary": "the \\"paper\\": {x} field"}]'), "json");
});

test("given leading blank lines or a byte-order mark, then they are looked past", () => {
  assert.equal(detectFormat('\uFEFF\n\n  [{"title": "A"}]'), "json");
  assert.equal(detectFormat("\uFEFF" + fixture("arxiv-one-entry.xml")), "arxiv-atom");
});

test("given the two text page formats, then they are told apart by their headers", () => {
  assert.equal(detectFormat(DAILY_PAGE), "daily-page");
  assert.equal(detectFormat(PAPERS_LIST), "papers-list");
});

test("given something no parser reads, then the format is undefined", () => {
  const cases = [
    "",
    "   \n\n",
    fixture("hf-daily-502-page.json"), // an HTML error page
    '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', // XML, but not Atom
    "Some notes about papers\n- not a list header\n",
    "Daily Papers\n\nA page without any author lines\n",
  ];
  for (const text of cases) assert.equal(detectFormat(text), undefined, JSON.stringify(text.slice(0, 40)));
});

test("given a 20 MB single-line JSON document, then it is recognised from its start without reading it all", () => {
  const line = JSON.stringify([{ title: "Big", summary: "x".repeat(20_000_000) }]);
  const started = performance.now();
  assert.equal(detectFormat(line), "json");
  assert.equal(detectFormat(`{"title": "Big", "summary": "${"x".repeat(20_000_000)}"}\n{"title": "Next"}\n`), "jsonl");
  assert.ok(performance.now() - started < 2_000);
});

test(
  "given the seed pages, then the daily listings and the papers list are recognised",
  { skip: !existsSync(SEEDS) && "no seed corpus here" },
  () => {
    const expected: [file: string, format: SourceFormat][] = [
      ["000_3aa0c7509e936597.txt", "daily-page"],
      ["001_9739b4914809321a.txt", "daily-page"],
      ["002_d3b9a20ed4d6c8a1.txt", "daily-page"],
      ["003_306946533a2bbb04.txt", "papers-list"],
    ];
    for (const [file, format] of expected) assert.equal(detectFormat(readFileSync(new URL(file, SEEDS), "utf8")), format, file);
  },
);

test("given each format, then PARSERS has a parser for it and the detected parser reads the fixture", () => {
  for (const format of ["daily-page", "papers-list", "hf-daily-api", "arxiv-atom", "json", "jsonl"] as const) {
    assert.equal(typeof PARSERS[format], "function", format);
  }
  const ctx = { source: "f", referenceDate: new Date("2024-06-01T00:00:00Z") };
  for (const file of ["hf-daily-2024-05-17.json", "arxiv-cs-cl.xml", "papers-records.json", "papers-mixed.jsonl"]) {
    const text = fixture(file);
    const format = detectFormat(text);
    assert.ok(format, file);
    assert.ok(PARSERS[format](text, ctx).papers.length > 0, file);
  }
});
