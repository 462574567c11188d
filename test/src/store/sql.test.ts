import assert from "node:assert/strict";
import { test } from "node:test";
import { filtersWhere, restrictsColumns } from "../../../src/store/sql.js";

test("given a filter value with a quote, then it is quoted as one string, not read as SQL", () => {
  assert.equal(filtersWhere({ section: "Bob's ' OR 1=1 --" }), "lower(section) = 'bob''s '' or 1=1 --'");
  assert.equal(filtersWhere({ paperIds: ["title:x'y"] }), "paperId IN ('title:x''y')");
  assert.equal(filtersWhere({ paperIds: ["title:x'y"] }, "id"), "id IN ('title:x''y')");
});

test("given no filters, an empty paper list or filters on columns, then the clause says so", () => {
  assert.equal(filtersWhere({}), undefined);
  assert.equal(filtersWhere({ paperIds: [] }), "false", "an empty list finds nothing");
  assert.equal(filtersWhere({ yearFrom: 2021.7, yearTo: 2023 }), "year >= 2021 AND year <= 2023");
  assert.equal(restrictsColumns({ paperIds: ["a"] }), false);
  assert.equal(restrictsColumns({ paperIds: ["a"], source: "arxiv" }), true);
});
