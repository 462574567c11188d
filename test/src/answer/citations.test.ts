import assert from "node:assert/strict";
import { test } from "node:test";
import { checkCitations } from "../../../src/answer/citations.js";

test("given citations to sources that exist, then they are kept and shown numbered 1..n in order of first use", () => {
  const checked = checkCitations("Lantern is linear [2]. It is also fast [1][2].", 3);
  assert.equal(checked.text, "Lantern is linear [1]. It is also fast [2][1].");
  assert.deepEqual(checked.cited, [2, 1]);
  assert.equal(checked.removed, 0);
});

test("given [7] when three sources were given, then the marker is removed and counted", () => {
  const checked = checkCitations("Both use attention [1][7]. Grouped [2, 9].", 3);
  assert.equal(checked.text, "Both use attention [1]. Grouped [2].");
  assert.equal(checked.removed, 2);
  assert.deepEqual(checked.cited, [1, 2]);
});

test("given a sentence whose only citation names no source, then the whole sentence is dropped", () => {
  const checked = checkCitations("Lantern halves memory [1]. The famous PhantomNet paper did it first [4]. It trains faster [1].", 2);
  assert.equal(checked.text, "Lantern halves memory [1]. It trains faster [1].");
  assert.doesNotMatch(checked.text, /PhantomNet/);
});

test("given brackets that are not citations, then they are left alone", () => {
  assert.equal(checkCitations("Tokens are replaced with [MASK] [1].", 1).text, "Tokens are replaced with [MASK] [1].");
});
