/**
 * Seed-scale tests: the two parsers on the real pages in ../shared/seeds/ (see its README).
 * These check counts and invariants over hundreds of entries; the behaviour of each odd
 * case is pinned down on small fixtures in dailyPapersPage.test.ts and papersList.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDailyPapersPage } from "../../../ingest/parsers/dailyPapersPage.js";
import { parsePapersList } from "../../../ingest/parsers/papersList.js";
import { normaliseTitle, type ParseResult } from "../../../src/paper.js";

// Compiled to /work/main/dist/test/ingest/parsers/, so five levels up is /work/, next to main/.
const SEEDS = new URL("../../../../../shared/seeds/", import.meta.url);
const REFERENCE_DATE = new Date("2025-10-29T12:00:00Z");

function seed(name: string): string {
  return readFileSync(new URL(name, SEEDS), "utf8");
}

/** Lines that scraped pages leave behind and that must never be read as a paper title. */
const JUNK_TITLES: RegExp[] = [
  /^$/,
  /^-+$/,
  /^[·•]/,
  /^\d{4}$/,
  /^\d+ authors?$/i,
  /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?(?: \d+)?$/,
  /\\[([]|\$\$|\\[a-z]+\{/, // LaTeX: \( \[ $$ \frac{
  /^[<[.,;)]|^\([a-z]/, // starts like a fragment: "<X>", "[CLS]", ". The", ") that", "(unit length"
  /^(?:class\.|L2|Code\.|FIXNORM|GroupChatManager|Intuitions)$/,
  /^(?:new|Subscribe|Daily Papers|Papers List|byAK and the research community|Get trending papers.*)$/i,
  /^[a-z]+ [a-z]/, // starts with two lowercase words: a sentence continuation ("is masked", "an American")
  /^\S+(?: \S+){0,3}\.$/, // a few words ending with a period: "Code.", "class.", "tokens."
];

function assertNoJunkTitles(result: ParseResult, file: string): void {
  for (const { paper, line } of result.papers) {
    const junk = JUNK_TITLES.find((pattern) => pattern.test(paper.title));
    assert.equal(junk, undefined, `${file}:${line}: "${paper.title}" matches junk pattern ${String(junk)}`);
  }
}

const DAILY_PAGES: { file: string; papers: number; withoutAuthorCount: number }[] = [
  { file: "000_3aa0c7509e936597.txt", papers: 49, withoutAuthorCount: 1 },
  { file: "001_9739b4914809321a.txt", papers: 41, withoutAuthorCount: 0 },
  { file: "002_d3b9a20ed4d6c8a1.txt", papers: 70, withoutAuthorCount: 0 },
];

for (const { file, papers, withoutAuthorCount } of DAILY_PAGES) {
  test(`seed-scale: given daily page ${file}, then all ${papers} papers are read with abstract, date and author count`, () => {
    const result = parseDailyPapersPage(seed(file), { source: file, referenceDate: REFERENCE_DATE });
    assert.equal(result.papers.length, papers);
    assert.deepEqual(result.skipped, []);
    for (const { paper, line } of result.papers) {
      assert.ok(paper.summary.length > 100, `${file}:${line}: "${paper.title}" has no abstract`);
      assert.match(paper.publishedAt ?? "", /^\d{4}-\d{2}-\d{2}$/, `${file}:${line}: no date`);
      assert.ok(paper.publishedAt! <= "2025-10-29", `${file}:${line}: date after the reference date`);
      assert.deepEqual(paper.sources, [`daily-page:${file}`]);
    }
    assert.equal(result.papers.filter((p) => p.paper.authorCount === undefined).length, withoutAuthorCount);
    assertNoJunkTitles(result, file);
    const keys = result.papers.map((p) => normaliseTitle(p.paper.title));
    assert.equal(new Set(keys).size, keys.length, "a title was read twice");
  });
}

test("seed-scale: given daily page 000, then the entry without an authors line keeps its own title and abstract", () => {
  const file = "000_3aa0c7509e936597.txt";
  const result = parseDailyPapersPage(seed(file), { source: file, referenceDate: REFERENCE_DATE });
  const index = result.papers.findIndex((p) => p.paper.authorCount === undefined);
  const odd = result.papers[index]!;
  assert.match(odd.paper.title, /^KaLM-Embedding-V2:/);
  assert.match(odd.paper.summary, /^In this paper, we propose KaLM-Embedding-V2/);
  // Its neighbours are complete papers of their own.
  for (const neighbour of [result.papers[index - 1]!, result.papers[index + 1]!]) {
    assert.notEqual(neighbour.paper.authorCount, undefined);
    assert.doesNotMatch(neighbour.paper.summary, /KaLM/);
  }
});

test("seed-scale: given the curated papers list 003, then body papers have summaries, unique titles and no junk titles", () => {
  const file = "003_306946533a2bbb04.txt";
  const text = seed(file);
  const result = parsePapersList(text, { source: file, referenceDate: REFERENCE_DATE });
  const summarised = result.papers.filter((p) => p.paper.summary !== "");

  assert.ok(summarised.length >= 270, `only ${summarised.length} papers with a summary`);
  const summarisedKeys = summarised.map((p) => normaliseTitle(p.paper.title));
  assert.equal(new Set(summarisedKeys).size, summarisedKeys.length, "a summarised title appears twice");
  const allKeys = result.papers.map((p) => normaliseTitle(p.paper.title));
  assert.equal(new Set(allKeys).size, allKeys.length, "a title appears twice");
  // The contents lists ~900 distinct titles; most have no body entry.
  assert.ok(result.papers.length >= 900, `only ${result.papers.length} papers in all`);
  assertNoJunkTitles(result, file);

  for (const { paper, line } of result.papers) {
    assert.ok(paper.section, `${file}:${line}: "${paper.title}" has no section`);
    assert.ok(paper.year && paper.year >= 1950 && paper.year <= 2030, `${file}:${line}: "${paper.title}" has no year`);
    assert.equal(paper.publishedAt, undefined);
    assert.deepEqual(paper.sources, [`papers-list:${file}`]);
  }
  assert.ok(!result.papers.some((p) => p.paper.title.startsWith("A curated set")), "the introduction is not a paper");
});

test("seed-scale: given the curated papers list 003, then no section name or year is a title", () => {
  const file = "003_306946533a2bbb04.txt";
  const result = parsePapersList(seed(file), { source: file, referenceDate: REFERENCE_DATE });
  const sections = new Set(result.papers.map((p) => p.paper.section));
  for (const expected of ["Computer Vision", "NLP", "Speech", "Multimodal", "Core ML", "RecSys"]) {
    assert.ok(sections.has(expected), `no paper in section "${expected}"`);
  }
  const headingNames = [...sections, "Seminal Papers / Need-to-know", "Selected Papers / Good-to-know", "RL", "Graph ML"];
  const titleKeys = new Set(result.papers.map((p) => normaliseTitle(p.paper.title)));
  for (const name of headingNames) assert.ok(!titleKeys.has(normaliseTitle(name ?? "")), `section "${name}" is a title`);
  assert.ok(!result.papers.some((p) => /^\d{4}$/.test(p.paper.title)), "a year is a title");
  assert.ok(!sections.has("Sigmoid Loss for Language Image Pre-Training"), "a title before a repeated year line is not a section");
});

test("seed-scale: the seed directory resolves next to the project", () => {
  assert.equal(fileURLToPath(SEEDS).replace(/\/$/, "").split("/").slice(-2).join("/"), "shared/seeds");
});
