import assert from "node:assert/strict";
import test from "node:test";
import { truncate } from "../../../src/text/truncate.js";

test("given text within the limit, then it is returned as is", () => {
  assert.equal(truncate("short", 10), "short");
  assert.equal(truncate("exactly10!", 10), "exactly10!");
});

test("given a long text with a space near the end, then it is cut at that word with an ellipsis, within the limit", () => {
  const out = truncate("Attention is all you need, really", 20);
  assert.equal(out, "Attention is all…");
  assert.ok(out.length <= 20);
});

test("given a cut that leaves punctuation hanging, then it is dropped before the ellipsis", () => {
  assert.equal(truncate("alpha beta gamma, delta epsilon", 19), "alpha beta gamma…");
});

test("given one long word, then it is cut mid-word rather than to almost nothing", () => {
  assert.equal(truncate(`a ${"x".repeat(30)}`, 10), `a ${"x".repeat(7)}…`);
});
