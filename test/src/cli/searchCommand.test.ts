import assert from "node:assert/strict";
import { test } from "node:test";
import { parseYearRange } from "../../../src/cli/searchCommand.js";
import { UserFacingError } from "../../../src/errors.js";
import { isYearInBounds, YEAR_BOUNDS } from "../../../src/paper.js";

test("given a year or a range, then --year reads it", () => {
  assert.deepEqual(parseYearRange("2023"), { yearFrom: 2023, yearTo: 2023 });
  assert.deepEqual(parseYearRange("2021..2023"), { yearFrom: 2021, yearTo: 2023 });
  assert.deepEqual(parseYearRange("2021.."), { yearFrom: 2021, yearTo: undefined });
  assert.deepEqual(parseYearRange("..2023"), { yearFrom: undefined, yearTo: 2023 });
});

test("given years at and past the bounds ingested records are held to, then --year takes and refuses the same ones", () => {
  assert.deepEqual(parseYearRange(`${YEAR_BOUNDS.min}..${YEAR_BOUNDS.max}`), { yearFrom: YEAR_BOUNDS.min, yearTo: YEAR_BOUNDS.max });
  for (const text of ["99999..", "..10000", "999", "0999..2020"]) {
    assert.throws(
      () => parseYearRange(text),
      (error: unknown) => {
        assert.ok(error instanceof UserFacingError);
        assert.equal(
          error.message,
          `--year "${text}": expected a year (2023) or a range (2021..2023, 2021.., ..2023) of years from 1000 to 9999`,
        );
        return true;
      },
    );
  }
  assert.deepEqual([999, 1000, 9999, 10000, 99999].map(isYearInBounds), [false, true, true, false, false]);
});

test("given text that is not a year, then --year says what it expects", () => {
  for (const text of ["", "..", "last year", "2021-2023"]) assert.throws(() => parseYearRange(text), UserFacingError, text);
});
