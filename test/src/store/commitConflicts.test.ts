import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";

test("given two writers that build the same missing indexes at once, then both succeed: LanceDB's commit conflicts are retried", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [fixture("pipeline/hf-daily.json"), fixture("pipeline/papers.jsonl")]);
  const setup = await PaperStore.open({ uri });
  for (const table of [setup.papers(), setup.chunks()]) for (const index of await table.listIndices()) await table.dropIndex(index.name);
  setup.close();

  // Two connections, as two processes on different machines would have: no write lock between them.
  const [a, b] = await Promise.all([PaperStore.open({ uri }), PaperStore.open({ uri })]);
  t.after(() => {
    a.close();
    b.close();
  });
  assert.equal((await a.unfinishedWork()).length, 5);
  // Unretried, one of them fails with "Retryable commit conflict … Please retry".
  await Promise.all([a.refreshIndexes({ wrote: false }), b.refreshIndexes({ wrote: false })]);
  assert.deepEqual(await a.unfinishedWork(), []);
  assert.deepEqual(await b.unfinishedWork(), []);
});
