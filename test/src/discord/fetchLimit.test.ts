import assert from "node:assert/strict";
import test from "node:test";
import { UserFacingError } from "../../../src/errors.js";
import { FetchLimit } from "../../../src/discord/fetchLimit.js";

test("given a user past a few fetches in a minute, then the next is refused with the wait, others are not, and a minute later it is allowed", () => {
  let now = 0;
  const limit = new FetchLimit({ perMinute: 3, now: () => now });
  for (let i = 0; i < 3; i++) limit.take("ada");
  now = 20_000;
  assert.throws(
    () => limit.take("ada"),
    (error: unknown) => error instanceof UserFacingError && /wait 40 s/.test(error.message),
  );
  limit.take("bob");
  now = 60_001;
  limit.take("ada");
});
