import assert from "node:assert/strict";
import { test } from "node:test";
import { groupSameRecords } from "../../ingest/mergeRecords.js";
import { makePaper, mergePapers, normaliseTitle } from "../../src/paper.js";

test("given a title with backticks, then it is shown as written, and the same title with quotes is the same paper", () => {
  const coded = makePaper({ source: "json:a.json", title: "Making `torch.compile` Predictable" });
  const quoted = makePaper({ source: "json:b.json", title: "Making ‘torch.compile’ Predictable" });
  const straight = makePaper({ source: "json:c.json", title: "Making 'torch.compile' Predictable" });
  assert.equal(coded.title, "Making `torch.compile` Predictable");
  assert.equal(quoted.title, "Making 'torch.compile' Predictable", "typographic quotes are still straightened");
  assert.equal(normaliseTitle(coded.title), normaliseTitle(straight.title));
  assert.equal(coded.id, straight.id);
  assert.deepEqual(
    [...groupSameRecords([coded, quoted, straight]).values()].map((group) => group.length),
    [3],
  );
});

test("given two records of a paper listed on two days, then the merge keeps both days in order", () => {
  const later = makePaper({
    source: "hf-daily-api:b.json",
    title: "T",
    arxivId: "2605.00001",
    publishedAt: "2026-05-10",
    listedOn: ["2026-05-13"],
  });
  const earlier = makePaper({
    source: "hf-daily-api:a.json",
    title: "T",
    arxivId: "2605.00001",
    publishedAt: "2026-05-10",
    listedOn: ["2026-05-12"],
  });
  assert.deepEqual(mergePapers(later, earlier).listedOn, ["2026-05-12", "2026-05-13"]);
  assert.deepEqual(mergePapers(later, makePaper({ source: "arxiv:x", title: "T", arxivId: "2605.00001" })).listedOn, ["2026-05-13"]);
});
