import assert from "node:assert/strict";
import { test } from "node:test";
import { makePaper, mergePapers } from "../../src/paper.js";

test("given two records of a paper listed on two days, then the merge keeps both days in order", () => {
  const later = makePaper({ source: "hf-daily-api:b.json", title: "T", arxivId: "2605.00001", publishedAt: "2026-05-10", listedOn: ["2026-05-13"] });
  const earlier = makePaper({ source: "hf-daily-api:a.json", title: "T", arxivId: "2605.00001", publishedAt: "2026-05-10", listedOn: ["2026-05-12"] });
  assert.deepEqual(mergePapers(later, earlier).listedOn, ["2026-05-12", "2026-05-13"]);
  assert.deepEqual(mergePapers(later, makePaper({ source: "arxiv:x", title: "T", arxivId: "2605.00001" })).listedOn, ["2026-05-13"]);
});
