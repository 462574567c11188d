import assert from "node:assert/strict";
import test from "node:test";
import { cosine, dot, norm } from "../../../src/text/vectors.js";

test("given two vectors, then cosine is their dot product over their norms, whatever their array type", () => {
  assert.equal(dot([1, 2, 3], [4, 5, 6]), 32);
  assert.equal(norm([3, 4]), 5);
  assert.ok(Math.abs(cosine([1, 0], [1, 1]) - Math.SQRT1_2) < 1e-12);
  assert.ok(Math.abs(cosine(Float32Array.of(2, 0), [5, 0]) - 1) < 1e-12);
  assert.ok(Math.abs(cosine([1, 2], [-1, -2]) + 1) < 1e-12);
});

test("given a zero vector, then cosine is 0, not NaN", () => {
  assert.equal(cosine([0, 0], [1, 1]), 0);
});

test("given a known norm, then cosine uses it as given", () => {
  assert.equal(cosine([1, 0], [1, 0], 2), 0.5);
});
