import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { test } from "node:test";
import { parseInputs } from "../../ingest/parseInputs.js";
import type { InputText } from "../../ingest/readInputs.js";
import { fixture } from "../helpers/paths.js";

const now = new Date("2025-11-03T12:00:00Z");

function input(name: string): InputText {
  return { source: basename(name), text: readFileSync(fixture(name), "utf8") };
}

/** A Daily Papers page with one entry under a date line. */
function pageDated(dateLine: string): InputText {
  const text = [
    "Daily Papers",
    "",
    "Lantern: Lightweight Attention",
    "",
    "We present Lantern, an attention mechanism.",
    "",
    "  • 4 authors",
    "·",
    dateLine,
    "",
  ];
  return { source: `page dated ${dateLine}.txt`, text: text.join("\n") };
}

test("given inputs of every format, then only the pages that print dates without a year are bound to the day", () => {
  const inputs = [
    input("pipeline/daily-page.txt"),
    input("pipeline/papers.jsonl"),
    input("pipeline/hf-daily.json"),
    input("arxiv-cs-cl.xml"),
    input("papers-list-small.txt"),
    input("papers-records.json"),
    pageDated("Oct 30, 2025 12"),
    pageDated("Oct 30 12"),
  ];
  const parsed = parseInputs(inputs, { format: undefined, now });
  assert.ok(parsed.papers.length > 10, "every input was parsed");
  assert.deepEqual(parsed.dayBound, ["daily-page.txt", "page dated Oct 30 12.txt"]);
});

test("given a yearless date that is not a date this year (Feb 29), then the page is still bound to the day: in a leap year it would be one", () => {
  const parsed = parseInputs([pageDated("Feb 29")], { format: undefined, now });
  assert.deepEqual(parsed.dayBound, ["page dated Feb 29.txt"]);
  assert.equal(parsed.papers.length, 1);
  assert.equal(parsed.papers[0]!.paper.publishedAt, undefined, "2025 has no Feb 29");
  const leap = parseInputs([pageDated("Feb 29")], { format: undefined, now: new Date("2028-03-01T12:00:00Z") });
  assert.equal(leap.papers[0]?.paper.publishedAt, "2028-02-29");
});

test("given a page forced through another parser, then what that parser read decides, not the format the page looks like", () => {
  const parsed = parseInputs([pageDated("Oct 30 12")], { format: "papers-list", now });
  assert.deepEqual(parsed.dayBound, []);
});
