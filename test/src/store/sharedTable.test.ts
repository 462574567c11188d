import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Field, Schema, Utf8 } from "apache-arrow";
import { rowsToArrow } from "../../../src/store/arrowRows.js";
import { SharedTable } from "../../../src/store/sharedTable.js";
import { tempDir } from "../../helpers/paths.js";

const schema = new Schema([new Field("key", new Utf8(), false), new Field("value", new Utf8(), false)]);
const rows = (...pairs: [string, string][]) =>
  rowsToArrow(
    pairs.map(([key, value]) => ({ key, value })),
    schema,
  );

test("given rows keyed by values with quotes, then each is read and deleted as itself and no other", async (t) => {
  const uri = join(await tempDir(t, "paperbot-shared-table-"), "db");
  const table = await SharedTable.open({ uri }, "shared", schema);
  t.after(() => table.close());
  assert.deepEqual(await table.rows(), [], "no table yet: nothing, and no error");
  assert.equal(await table.deleteRowsWith("key", "a"), 0);

  const sly = "x' OR 'a' = 'a";
  await (await table.ensure()).add(rows(["a", "1"], [sly, "2"], ["b'", "3"]));
  assert.equal(await table.deleteRowsWith("key", sly), 1);
  assert.deepEqual(((await table.rows()) as { key: string }[]).map((r) => r.key).sort(), ["a", "b'"]);
});

test("given a table opened without a schema (to be read), then writing to it is refused rather than creating it", async (t) => {
  const uri = join(await tempDir(t, "paperbot-shared-table-"), "db");
  const table = await SharedTable.open({ uri }, "shared");
  t.after(() => table.close());
  assert.deepEqual(await table.rows(), []);
  await assert.rejects(table.ensure(), /opened to be read, not written/);
});
