import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { looksLikeTitle, parsePapersList, plainTitle } from "../../../ingest/parsers/papersList.js";
import { normaliseTitle, type ParsedPaper, type ParseResult } from "../../../src/paper.js";

// Tests run compiled from dist/test/ingest/parsers/; the fixtures stay in test/fixtures/.
const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);
const REFERENCE_DATE = new Date("2025-10-29T12:00:00Z");
const TEXT = readFileSync(new URL("papers-list-small.txt", FIXTURES), "utf8");

function parse(text = TEXT, source = "papers-list-small.txt"): ParseResult {
  return parsePapersList(text, { source, referenceDate: REFERENCE_DATE });
}

/** 1-based line of the last line of the fixture equal to `line` (the body comes after the contents). */
function lastLineOf(line: string): number {
  const index = TEXT.split("\n").lastIndexOf(line);
  assert.notEqual(index, -1, `fixture has no line "${line}"`);
  return index + 1;
}

function byTitle(result: ParseResult, title: string): ParsedPaper {
  const matches = result.papers.filter((p) => normaliseTitle(p.paper.title) === normaliseTitle(title));
  assert.equal(matches.length, 1, `expected one paper titled "${title}", found ${matches.length}`);
  return matches[0]!;
}

const titles = (result: ParseResult): string[] => result.papers.map((p) => p.paper.title);

test("given a body entry, then it is a paper with its section, year and bullets joined as the summary", () => {
  const result = parse();
  const kittens = byTitle(result, "Convolutional Kittens: Recognising Cats at Scale");
  assert.equal(kittens.paper.section, "Vision");
  assert.equal(kittens.paper.year, 2015);
  assert.equal(kittens.paper.publishedAt, undefined, "a curated list gives a year, not a date");
  assert.equal(kittens.line, lastLineOf("Convolutional Kittens: Recognising Cats at Scale"));
  assert.deepEqual(kittens.paper.sources, ["papers-list:papers-list-small.txt"]);
  assert.equal(
    kittens.paper.summary,
    "This invented paper trains a network on cat pictures. " +
      "The second bullet is long and wraps onto a line without the bullet prefix. " +
      "The text of a bullet that sits under a lone dash, with inline math \\(x^2 + y^2\\). $$E = mc^2$$",
  );
});

test("given stray fragments inside a summary, then they continue the bullet and never become titles", () => {
  const result = parse();
  const gardens = byTitle(result, "Pixel Gardens: Growing Images from Seeds");
  assert.match(gardens.paper.summary, /The rule is applied with L2 normalisation after every step\./);
  assert.match(gardens.paper.summary, /implemented as a class\. It converges/);
  for (const junk of ["-", "L2", "class.", "Code.", "$$E = mc^2$$", "normalisation after every step."]) {
    assert.ok(!titles(result).includes(junk), `"${junk}" became a title`);
  }
  assert.ok(!titles(result).some((t) => t.includes("\\(") || t.includes("$$")), "no LaTeX title");
});

test("given an unlisted sub-heading where the contents lists that year's papers, then it stays in the summary", () => {
  const result = parse();
  assert.ok(!titles(result).includes("Subheading Words"));
  assert.match(byTitle(result, "Pixel Gardens: Growing Images from Seeds").paper.summary, /Subheading Words A sub-heading/);
});

test("given a year the contents lists no papers for, then title-looking lines followed by bullets are papers", () => {
  const result = parse();
  const dreams = byTitle(result, "Recurrent Dreams");
  assert.equal(dreams.paper.section, "Language");
  assert.equal(dreams.paper.year, 2012);
  // A plain single word is a sub-heading, not a title, even where the contents is silent.
  assert.ok(!titles(result).includes("Intuitions"));
  assert.match(dreams.paper.summary, /Intuitions A plain one-word line/);
});

test("given a paper in both the contents and the body, then it is one paper with the body's summary", () => {
  const result = parse();
  const gardens = byTitle(result, "Pixel Gardens: Growing Images from Seeds");
  assert.equal(gardens.paper.section, "Vision");
  assert.equal(gardens.paper.year, 2016);
  assert.equal(gardens.line, lastLineOf("Pixel Gardens: Growing Images from Seeds"));
  assert.match(gardens.paper.summary, /^Images are grown from a seed pixel/);
});

test("given curly quotes in the contents and straight quotes in the body, then they are the same paper", () => {
  const quoted = byTitle(parse(), '"Don\'t Stop Now": Curly Quotes in Titles');
  assert.equal(quoted.paper.title, '"Don\'t Stop Now": Curly Quotes in Titles');
  assert.match(quoted.paper.summary, /curly quotes/);
});

test("given titles only in the contents, then they are papers with an empty summary and the contents' section and year", () => {
  const result = parse();
  const expected: [string, string, number][] = [
    ["The Grammar of Prompts", "Language", 2019],
    ["Contents Only: A Paper Nobody Summarised", "Vision", 2021],
    ["Self-α Attention: Another Contents-Only Paper", "Language", 2023],
    ["Echoes: A Contents-Only Audio Paper", "Audio", 2010],
  ];
  for (const [title, section, year] of expected) {
    const paper = byTitle(result, title).paper;
    assert.equal(paper.title, title);
    assert.equal(paper.summary, "");
    assert.equal(paper.section, section);
    assert.equal(paper.year, year);
  }
  assert.equal(result.papers.length, 10);
  assert.equal(result.papers.filter((p) => p.paper.summary !== "").length, 6);
});

test("given section, group and year lines, then none of them is a paper title", () => {
  const result = parse();
  const headings = ["Papers List", "Classic Papers / Must-read", "Extra Picks / Nice-to-have", "Vision", "Language", "Audio"];
  for (const heading of headings) assert.ok(!titles(result).includes(heading), `"${heading}" became a title`);
  assert.ok(!titles(result).some((t) => /^\d{4}$/.test(t)), "a year became a title");
});

test("given the introductory bullet under the second Papers List line, then it is skipped, not a paper", () => {
  const result = parse();
  assert.ok(!titles(result).some((t) => t.startsWith("A curated set")));
  assert.equal(result.skipped.length, 1);
  assert.equal(result.skipped[0]?.line, lastLineOf("- A curated set of invented papers, written for these tests."));
  assert.match(result.skipped[0]?.reason ?? "", /bullet with no paper title/);
});

test("given a list with no contents, then body titles are found by how they look", () => {
  const text = [
    "Papers List",
    "Robotics",
    "2020",
    "Grippers That Learn: Tactile Feedback for Picking",
    "- Learns to grip from touch.",
    "- Wraps onto a",
    "class.",
    "Walking Robots Revisited",
    "- Legged robots again.",
  ].join("\n");
  const result = parse(text, "inline");
  assert.deepEqual(titles(result), ["Grippers That Learn: Tactile Feedback for Picking", "Walking Robots Revisited"]);
  assert.equal(result.papers[0]?.paper.section, "Robotics");
  assert.equal(result.papers[0]?.paper.year, 2020);
  assert.equal(result.papers[0]?.paper.summary, "Learns to grip from touch. Wraps onto a class.");
});

test("given LaTeX in a listed title, then the title is written as plain text", () => {
  assert.equal(plainTitle("PIXART-\\(\\alpha\\): Fast Training"), "PIXART-α: Fast Training");
  assert.equal(plainTitle("\\(\\infty\\)-former: Infinite Memory"), "∞-former: Infinite Memory");
  assert.equal(plainTitle("ReST-MCTS\\(^{*}\\): Self-Training"), "ReST-MCTS*: Self-Training");
  assert.equal(plainTitle("A Title With a Stray Period."), "A Title With a Stray Period");
});

test("given fragments of scraped text, then they do not look like titles", () => {
  for (const fragment of [
    "class.",
    "L2",
    "Code.",
    "-",
    "<X>",
    "and<Y>",
    "\\(\\rightarrow\\)dbo:country",
    "is masked. The span",
    "Intuitions",
    "natural language prompts during learning:",
  ]) {
    assert.equal(looksLikeTitle(fragment), false, fragment);
  }
  for (const title of ["HyperNetworks", "Attention Is All You Need", "iBOT: Image BERT Pre-training", "When Does Label Smoothing Help?"]) {
    assert.equal(looksLikeTitle(title), true, title);
  }
});
