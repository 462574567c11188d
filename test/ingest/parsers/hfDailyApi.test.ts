import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseHfDailyApi } from "../../../ingest/parsers/hfDailyApi.js";
import { ParseError } from "../../../ingest/parsers/parseError.js";

// The tests run from dist/test/ingest/parsers/; the fixtures stay in the source tree.
const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const ctx = (source: string) => ({ source, referenceDate: new Date("2024-06-01T00:00:00Z") });

test("given a daily_papers response, then each item becomes a paper with its arXiv id, authors, day and Hugging Face extras", () => {
  const { papers, skipped } = parseHfDailyApi(fixture("hf-daily-2024-05-17.json"), ctx("hf-daily-2024-05-17.json"));
  assert.deepEqual(skipped, []);
  assert.equal(papers.length, 2);
  const first = papers[0]?.paper;
  assert.ok(first);
  assert.equal(first.id, "arxiv:2405.10001");
  assert.equal(first.arxivId, "2405.10001");
  assert.equal(first.title, "Sparse Lanterns: Cheap Attention for Long Documents");
  assert.match(first.summary, /^We propose Sparse Lanterns, an attention variant that lights up only the tokens/);
  assert.deepEqual(first.authors, ["Ada Quill", "Bram Okafor", "Chen Lumen"]);
  assert.equal(first.publishedAt, "2024-05-16");
  assert.equal(first.year, 2024);
  assert.equal(first.upvotes, 42);
  assert.equal(first.aiSummary, "Sparse Lanterns halves attention memory on long documents.");
  assert.deepEqual(first.keywords, ["sparse attention", "long context", "memory efficiency"]);
  assert.equal(first.githubRepo, "https://github.com/example/sparse-lanterns");
  assert.equal(first.projectPage, "https://example.org/sparse-lanterns");
  assert.equal(first.numComments, 3);
  assert.deepEqual(first.sources, ["hf-daily-api:hf-daily-2024-05-17.json"]);
});

test("given an item without the optional fields, then the paper simply lacks them", () => {
  const { papers } = parseHfDailyApi(fixture("hf-daily-2024-05-17.json"), ctx("day.json"));
  const second = papers[1]?.paper;
  assert.ok(second);
  assert.deepEqual(second.authors, ["Eun-ji Park"]);
  assert.equal(second.numComments, 0);
  for (const field of ["aiSummary", "keywords", "githubRepo", "projectPage"] as const) {
    assert.equal(field in second, false, `${field} should be absent`);
  }
});

test("given a response, then each paper carries the line its item starts on", () => {
  const { papers } = parseHfDailyApi(fixture("hf-daily-2024-05-17.json"), ctx("day.json"));
  assert.deepEqual(
    papers.map((p) => p.line),
    [2, 31],
  );
});

test("given items missing their title or id, then those are skipped with their line and the others still parse", () => {
  const { papers, skipped } = parseHfDailyApi(fixture("hf-daily-incomplete-items.json"), ctx("gaps.json"));
  assert.deepEqual(
    papers.map((p) => p.paper.title),
    ["Good Item Before", "Good Item After"],
  );
  assert.deepEqual(skipped, [
    { source: "hf-daily-api:gaps.json", line: 13, reason: '"paper.title" is missing' },
    { source: "hf-daily-api:gaps.json", line: 23, reason: '"paper.id" is missing' },
  ]);
});

test("given null for optional fields, then they are treated as absent", () => {
  const { papers } = parseHfDailyApi(fixture("hf-daily-incomplete-items.json"), ctx("gaps.json"));
  const last = papers[1]?.paper;
  assert.ok(last);
  assert.equal("githubRepo" in last, false);
  assert.equal("keywords" in last, false);
});

test("given a truncated response, then a ParseError names the file and the line and column where it breaks", () => {
  assert.throws(
    () => parseHfDailyApi(fixture("hf-daily-truncated.json"), ctx("hf-daily-truncated.json")),
    (error: unknown) => {
      assert.ok(error instanceof ParseError);
      assert.equal(error.source, "hf-daily-truncated.json");
      assert.equal(error.line, 8);
      assert.equal(error.column, 40);
      assert.equal(error.message, "hf-daily-truncated.json line 8: Unterminated string (column 40)");
      return true;
    },
  );
});

test("given a response cut off between items, then the ParseError points at its last line", () => {
  const text = '[\n  {"paper": {"id": "2405.1", "title": "A"}},\n';
  assert.throws(() => parseHfDailyApi(text, ctx("cut.json")), {
    name: "ParseError",
    message: "cut.json line 2: Unexpected end of JSON input (column 45)", // just after the final ","
  });
});

test("given an HTML error page instead of JSON, then a ParseError says so and names the page", () => {
  assert.throws(() => parseHfDailyApi(fixture("hf-daily-502-page.json"), ctx("hf-daily-502-page.json")), {
    name: "ParseError",
    message: 'hf-daily-502-page.json line 1: expected JSON, got an HTML page titled "502 Bad Gateway" (column 1)',
  });
});

test("given the API's JSON error object, then a ParseError carries the API's message", () => {
  assert.throws(() => parseHfDailyApi('{"error":"Invalid date format"}', ctx("bad-date.json")), {
    name: "ParseError",
    message: "bad-date.json: Hugging Face API error: Invalid date format",
  });
});

test("given an empty day, then there are no papers and nothing skipped", () => {
  assert.deepEqual(parseHfDailyApi("[]\n", ctx("empty.json")), { papers: [], skipped: [] });
});

// Saved in the API's current shape: each paper's listing day is `paper.submittedOnDailyAt`; `paper.publishedAt`
// is arXiv's date and the item's `publishedAt` is neither.
const listFromDisk = () => parseHfDailyApi(fixture("real-formats/hf-daily-2026-05-13.json"), ctx("hf-daily-2026-05-13.json"));

test("given a saved daily list, then every paper is listed on the list's day (submittedOnDailyAt), whatever its arXiv date", () => {
  const { papers, skipped } = listFromDisk();
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    papers.map((p) => [p.paper.arxivId, p.paper.publishedAt, p.paper.listedOn]),
    [
      ["2605.08811", "2026-05-12", ["2026-05-13"]],
      ["2605.08420", "2026-05-12", ["2026-05-13"]],
      ["2605.08302", "2026-05-12", ["2026-05-13"]],
      ["2605.07731", "2026-05-11", ["2026-05-13"]],
      ["2605.04115", "2026-05-06", ["2026-05-13"]],
      ["2603.29870", "2026-03-30", ["2026-05-13"]],
    ],
  );
});

test("given a 2024 list without submittedOnDailyAt, then the listing day is the item's publishedAt, an evening stamp (UTC) counting for the next day", () => {
  const text = fixture("real-formats/hf-daily-2024-12-02-older-format.json");
  // Stamped 03:50 on the 2nd, and 23:12 on the 1st: both on the 2nd's list.
  assert.deepEqual(
    parseHfDailyApi(text, ctx("old.json")).papers.map((p) => p.paper.listedOn),
    [["2024-12-02"], ["2024-12-02"]],
  );
  const stamped = (publishedAt: string) =>
    `[{"paper": {"id": "2411.00001", "title": "T", "publishedAt": "2024-11-20T10:00:00.000Z"}, "publishedAt": "${publishedAt}"}]`;
  const dayOf = (publishedAt: string, source = "old.json") => parseHfDailyApi(stamped(publishedAt), ctx(source)).papers[0]?.paper.listedOn;
  assert.deepEqual(dayOf("2024-11-28T16:59:59.000Z"), ["2024-11-28"]);
  assert.deepEqual(dayOf("2024-11-28T18:00:00.000Z"), ["2024-11-29"]);
  assert.deepEqual(dayOf("2024-12-31T22:30:00.000Z"), ["2025-01-01"]);
  // The date a URL asked for is the list's day, whatever the stamp.
  assert.deepEqual(dayOf("2024-11-26T13:07:45.000Z", "https://huggingface.co/api/daily_papers?date=2024-12-02"), ["2024-12-02"]);
});

test("given ai_keywords, then they keep the API's order", () => {
  assert.deepEqual(listFromDisk().papers[0]?.paper.keywords, [
    "streaming video",
    "state compression",
    "recurrent memory",
    "long-horizon understanding",
  ]);
});

test("given a title with backticks, then they are kept as written", () => {
  assert.equal(listFromDisk().papers[1]?.paper.title, "Making `torch.compile` Predictable: A Study of Graph Breaks");
});

test("given a single-paper response (/api/papers/<id>), then the paper is read from its top-level fields", () => {
  const { papers, skipped } = parseHfDailyApi(
    fixture("real-formats/hf-paper-2605.08811.json"),
    ctx("https://huggingface.co/api/papers/2605.08811"),
  );
  assert.deepEqual(skipped, []);
  assert.equal(papers.length, 1);
  const paper = papers[0]?.paper;
  assert.equal(papers[0]?.line, 1);
  assert.equal(paper?.id, "arxiv:2605.08811");
  assert.equal(paper?.title, "Tidal Memory: Recurrent State Compression for Streaming Video Models");
  assert.deepEqual(paper?.authors, ["Ines Marr", "Teo Lindqvist", "Aya Oduya", "Bo Sand"]);
  assert.equal(paper?.publishedAt, "2026-05-12");
  assert.deepEqual(paper?.listedOn, ["2026-05-13"]);
  assert.equal(paper?.upvotes, 64);
  assert.equal(paper?.githubRepo, "https://github.com/example-lab/tidal-memory");
  assert.deepEqual(paper?.sources, ["hf-daily-api:https://huggingface.co/api/papers/2605.08811"]);
});

test("given a single-paper object without a title, then it is skipped with the reason", () => {
  assert.deepEqual(parseHfDailyApi('{"id": "2605.00001", "authors": []}', ctx("p.json")), {
    papers: [],
    skipped: [{ source: "hf-daily-api:p.json", line: 1, reason: '"title" is missing' }],
  });
});
