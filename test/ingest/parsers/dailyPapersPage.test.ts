import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseDailyPapersPage, parseDateLine } from "../../../ingest/parsers/dailyPapersPage.js";
import type { ParsedPaper, ParseResult } from "../../../src/paper.js";

// Tests run compiled from dist/test/ingest/parsers/; the fixtures stay in test/fixtures/.
const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);
const REFERENCE_DATE = new Date("2025-10-29T12:00:00Z");

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

function parse(name: string, text = fixture(name)): ParseResult {
  return parseDailyPapersPage(text, { source: name, referenceDate: REFERENCE_DATE });
}

/** 1-based line of the first line of `text` that starts with `start`. */
function lineOf(text: string, start: string): number {
  const index = text.split("\n").findIndex((line) => line.startsWith(start));
  assert.notEqual(index, -1, `fixture has no line starting with "${start}"`);
  return index + 1;
}

function byTitle(result: ParseResult, titleStart: string): ParsedPaper {
  const found = result.papers.find((p) => p.paper.title.startsWith(titleStart));
  assert.ok(found, `no paper titled "${titleStart}…" in ${result.papers.map((p) => p.paper.title).join(" | ")}`);
  return found;
}

test("given a well-formed page, then every entry is one paper with its title, abstract, author count, date and upvotes", () => {
  const text = fixture("daily-page-basic.txt");
  const result = parse("daily-page-basic.txt", text);

  assert.equal(result.papers.length, 5);
  assert.deepEqual(result.skipped, []);
  const first = byTitle(result, "Sparse Lanterns");
  assert.equal(first.paper.title, "Sparse Lanterns: Lighting Up Rare Tokens in Small Language Models");
  assert.match(first.paper.summary, /^Small language models often ignore rare tokens/);
  assert.match(first.paper.summary, /common tokens unchanged\.$/);
  assert.equal(first.paper.authorCount, 4);
  assert.equal(first.paper.publishedAt, "2025-10-03");
  assert.equal(first.paper.year, 2025);
  assert.equal(first.paper.upvotes, 12);
  assert.deepEqual(first.paper.sources, ["daily-page:daily-page-basic.txt"]);
  assert.equal(first.line, lineOf(text, "Sparse Lanterns"));
});

test("given the page header and the page's own date, then none of them becomes a paper", () => {
  const result = parse("daily-page-basic.txt");
  const titles = result.papers.map((p) => p.paper.title);
  for (const header of [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
    "Oct 29",
  ]) {
    assert.ok(!titles.includes(header), `"${header}" was read as a paper`);
  }
});

test("given a date with a year and no upvote count, then the date keeps its year and upvotes stay unknown", () => {
  const paper = byTitle(parse("daily-page-basic.txt"), "Counting Sheep").paper;
  assert.equal(paper.publishedAt, "2021-02-14");
  assert.equal(paper.upvotes, undefined);
  assert.equal(paper.authorCount, 6);
});

test("given a date without a year that would be after the reference date, then it is dated the year before", () => {
  const paper = byTitle(parse("daily-page-basic.txt"), "Winter Is Coming").paper;
  assert.equal(paper.publishedAt, "2024-12-02");
  assert.equal(paper.authorCount, 1, "'1 author' is read like '5 authors'");
  assert.equal(paper.upvotes, 7);
});

test("given an entry without an authors line, then it has no author count and its neighbours are still their own papers", () => {
  const text = fixture("daily-page-basic.txt");
  const result = parse("daily-page-basic.txt", text);
  const odd = byTitle(result, "OrbitNet");

  assert.equal(odd.paper.title, "OrbitNet: A Compact Embedding Model for Orbital Mechanics Text");
  assert.equal(odd.paper.authorCount, undefined);
  assert.equal(odd.paper.publishedAt, "2025-06-25");
  assert.equal(odd.line, lineOf(text, "OrbitNet: A Compact"));
  // The line printed in place of the author count is neither a title nor part of the abstract.
  assert.ok(!result.papers.some((p) => p.paper.title === "OrbitNet Team"));
  assert.match(odd.paper.summary, /scale here\.$/);

  const before = byTitle(result, "Counting Sheep");
  const after = byTitle(result, "Winter Is Coming");
  assert.equal(before.paper.authorCount, 6);
  assert.equal(after.paper.authorCount, 1);
  assert.doesNotMatch(before.paper.summary, /OrbitNet/);
  assert.doesNotMatch(after.paper.summary, /OrbitNet/);
});

test("given the page ends right after a date line, then the last entry is still read", () => {
  const paper = byTitle(parse("daily-page-basic.txt"), "The Last Entry").paper;
  assert.equal(paper.publishedAt, "2019-07-09");
  assert.equal(paper.authorCount, 2);
});

test("given a title wrapped onto a second line, then the two lines are one title", () => {
  const text = fixture("daily-page-odd.txt");
  const result = parse("daily-page-odd.txt", text);
  const wrapped = byTitle(result, "Folding Paper Cranes");
  assert.equal(
    wrapped.paper.title,
    "Folding Paper Cranes with Reinforcement Learning: A Benchmark for Long-Horizon Manipulation with Deformable Objects",
  );
  assert.equal(wrapped.line, lineOf(text, "Folding Paper Cranes"));
  assert.equal(wrapped.paper.authorCount, 5);
  assert.equal(wrapped.paper.publishedAt, "2025-02-27");
  assert.ok(!result.papers.some((p) => p.paper.title.startsWith("Manipulation with")));
});

test("given a stray line between entries, then it is skipped with its line and the next paper is intact", () => {
  const text = fixture("daily-page-odd.txt");
  const result = parse("daily-page-odd.txt", text);
  const stray = result.skipped.find((s) => s.line === lineOf(text, "Featured"));
  assert.ok(stray, "the stray line is reported");
  assert.match(stray.reason, /no abstract and no date/);
  assert.equal(stray.source, "daily-page:daily-page-odd.txt");

  const next = byTitle(result, "Tea Leaves");
  assert.equal(next.paper.title, "Tea Leaves: Reading Model Uncertainty from Attention Maps");
  assert.match(next.paper.summary, /^Practitioners often read attention maps/);
});

test("given an entry that lost its authors and date lines, then it is a dateless paper and does not swallow the next entry", () => {
  const text = fixture("daily-page-odd.txt");
  const result = parse("daily-page-odd.txt", text);
  const dateless = byTitle(result, "Tea Leaves");
  assert.equal(dateless.paper.publishedAt, undefined);
  assert.equal(dateless.paper.authorCount, undefined);
  assert.doesNotMatch(dateless.paper.summary, /Quiet Gradients|Loss spikes/);

  const next = byTitle(result, "Quiet Gradients");
  assert.equal(next.line, lineOf(text, "Quiet Gradients"));
  assert.equal(next.paper.authorCount, 3);
  assert.equal(next.paper.publishedAt, "2024-03-01");
  assert.match(next.paper.summary, /^Loss spikes waste compute/);
  // The affiliation printed under the author count is not a paper.
  assert.ok(!result.papers.some((p) => p.paper.title.includes("Example University")));
});

test("given a title with no abstract and no date, then it is skipped and the following paper keeps its own title", () => {
  const text = fixture("daily-page-odd.txt");
  const result = parse("daily-page-odd.txt", text);
  const skipped = result.skipped.find((s) => s.line === lineOf(text, "A Title Whose Abstract Went Missing"));
  assert.ok(skipped, "the abstract-less title is reported");
  assert.match(skipped.reason, /A Title Whose Abstract Went Missing/);

  const next = byTitle(result, "A Survey of Imaginary Benchmarks");
  assert.equal(next.paper.title, "A Survey of Imaginary Benchmarks: Why Leaderboards Disagree");
  assert.equal(next.paper.authorCount, 8);
  assert.equal(next.paper.publishedAt, "2023-01-30");
  assert.equal(next.paper.upvotes, 41);
});

test("given a page that ends in the middle of an entry, then the unfinished entry is skipped, not dropped", () => {
  const text = fixture("daily-page-odd.txt");
  const result = parse("daily-page-odd.txt", text);
  assert.ok(result.skipped.some((s) => s.line === lineOf(text, "A Page That Ends Mid-Entry")));
  assert.equal(result.papers.length, 4);
  assert.equal(result.skipped.length, 3);
});

test("given Windows line endings, then the page parses the same", () => {
  const text = fixture("daily-page-basic.txt");
  const unix = parse("daily-page-basic.txt", text);
  const windows = parse("daily-page-basic.txt", text.replace(/\n/g, "\r\n"));
  assert.deepEqual(windows, unix);
});

test("given a yearless date read in early January, then a December date belongs to the previous year", () => {
  const january = new Date("2026-01-05T00:00:00Z");
  assert.deepEqual(
    parseDateLine("Dec 30", () => january),
    { publishedAt: "2025-12-30" },
  );
  assert.deepEqual(
    parseDateLine("Jan 5 2", () => january),
    { publishedAt: "2026-01-05", upvotes: 2 },
  );
  assert.deepEqual(
    parseDateLine("Jul 17, 2023 1", () => january),
    { publishedAt: "2023-07-17", upvotes: 1 },
  );
  assert.equal(
    parseDateLine("Feb 30, 2023", () => january),
    undefined,
    "not a real date",
  );
  assert.equal(
    parseDateLine("May the force be with you", () => january),
    undefined,
  );
});

test("given an empty page, then there are no papers and nothing skipped", () => {
  assert.deepEqual(parse("empty.txt", ""), { papers: [], skipped: [] });
});
