import assert from "node:assert/strict";
import test from "node:test";
import { UserFacingError, failureReply } from "../../src/errors.js";

test("given a UserFacingError, then the reply is its message and nothing is logged", () => {
  const logged: string[] = [];
  const reply = failureReply(new UserFacingError("No file at ./papers.json"), (id) => logged.push(id));
  assert.deepEqual(reply, { text: "No file at ./papers.json" });
  assert.deepEqual(logged, []);
});

test("given an unexpected error, then it is logged once under a new id and the reply names that id, not the error", () => {
  const logged: string[] = [];
  const reply = failureReply(new Error("socket hang up at 10.0.0.3"), (id) => logged.push(id));
  assert.equal(logged.length, 1);
  assert.match(reply.errorId ?? "", /^[0-9a-f]{8}$/);
  assert.equal(logged[0], reply.errorId);
  assert.match(reply.text, new RegExp(`failed unexpectedly \\(error id ${reply.errorId}\\)\\. It has been logged; please try again\\.$`));
  assert.doesNotMatch(reply.text, /socket/);
  assert.notEqual(failureReply("again", () => {}).errorId, reply.errorId, "each failure its own id");
});
