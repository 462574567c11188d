import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { findPaper } from "../../../src/retrieve/findPaper.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { similarPapers } from "../../../src/retrieve/similarPapers.js";
import { vectorIndexKind, vectorPartitions, vectorProbes } from "../../../src/store/indexes.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto, readLibrary } from "../../helpers/library.js";
import { SEEDS, fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

const seed = (name: string) => join(SEEDS, name);
/** Two papers of the seeds known by a short name: a comparison searches each in its own paper (a `paperIds` filter). */
const COMPARISON = "Compare ELECTRA and BatchFormer";

/** The chunks table's paperId index, as LanceDB lists it. */
async function paperIdIndex(uri: string) {
  const store = await PaperStore.open({ uri });
  try {
    const index = (await store.chunks().listIndices()).find((i) => i.columns.join() === "paperId");
    return (
      index && {
        indexType: index.indexType,
        indexed: index.numIndexedRows,
        unindexed: index.numUnindexedRows,
        rows: await store.chunks().countRows(),
      }
    );
  } finally {
    store.close();
  }
}

/** What a user sees of the store through look-ups that filter passages by paper id, and two that do not. */
async function lookups(uri: string) {
  const store = await PaperStore.open({ uri });
  try {
    const searcher = createSearcher({ store, embeddings: new LocalEmbeddings() });
    const titles = (await store.paperTitles()).sort((a, b) => a.id.localeCompare(b.id));
    const some = titles.filter((_, i) => i % 97 === 0).map((t) => t.id);
    const electra = await findPaper(store, "ELECTRA");
    assert.ok("paper" in electra, "the seeds hold ELECTRA");
    return {
      paper: electra.paper,
      similar: await similarPapers(searcher, electra.paper, 5),
      inNamedPapers: await searcher.search("pre-training discriminators", { k: 3, filters: { paperIds: some } }),
      newest: await searcher.newest({ paperIds: some }, 5),
      storedChunks: (await store.findChunks(some))
        .map(({ id, paperId, textHash, hash }) => ({ id, paperId, textHash, hash }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
  } finally {
    store.close();
  }
}

async function answer(uri: string, cwd: string): Promise<unknown> {
  const asked = await runCli(["ask", COMPARISON, "--json"], { cwd, env: { LANCEDB_URI: uri, ANSWER_MODE: "extractive" } });
  assert.equal(asked.code, 0, asked.stderr);
  return JSON.parse(asked.stdout);
}

test(
  "given a library ingested then re-ingested with new papers, then every passage is in the paperId index, " +
    "and paper, similar, a search in named papers, the newest papers and an answer's passages are those of the library without it",
  async (t) => {
    const dir = await tempDir(t);
    const uri = join(dir, "db");
    await ingestInto(uri, [seed("003_306946533a2bbb04.txt")]);
    const added = await ingestInto(uri, [SEEDS]);
    assert.ok(added.papers.added > 100, "the second ingest appended papers");
    const index = await paperIdIndex(uri);
    assert.deepEqual(index, { indexType: "BTree", indexed: index?.rows, unindexed: 0, rows: index?.rows });

    const without = join(dir, "without");
    await cp(uri, without, { recursive: true });
    const store = await PaperStore.open({ uri: without });
    await store.chunks().dropIndex("paperId_idx");
    store.close();
    assert.equal(await paperIdIndex(without), undefined);

    const [seen, seenWithout] = [await lookups(uri), await lookups(without)];
    assert.ok(seen.similar.length === 5 && seen.inNamedPapers.length > 0 && seen.newest.length > 0 && seen.storedChunks.length > 0);
    assert.deepEqual(seen, seenWithout);
    const [answered, answeredWithout] = [await answer(uri, dir), await answer(without, dir)];
    assert.match(JSON.stringify(answered), /ELECTRA/);
    assert.deepEqual(answered, answeredWithout);
  },
);

test(
  "given a library written before the paperId index (paperbot da3ba4c), then the next ingest of the same inputs builds it " +
    "without rewriting a row, and the run after writes nothing",
  async (t) => {
    const uri = join(await tempDir(t), "old");
    await cp(fixture("library-made-by-da3ba4c"), uri, { recursive: true });
    assert.equal(await paperIdIndex(uri), undefined, "the fixture predates the index");
    const store = await PaperStore.open({ uri });
    t.after(() => store.close());
    assert.deepEqual(await store.unfinishedWork(), ["chunks: no paperId index"]);
    const before = await readLibrary(uri);

    const again = await ingestInto(uri, [fixture("pipeline")], { now: new Date("2026-12-06T12:00:00Z") });
    assert.deepEqual(again.papers, { added: 0, updated: 0, unchanged: 6 });
    assert.equal(again.chunks.written, 0);
    const after = await readLibrary(uri);
    assert.deepEqual([after.papers, after.chunks], [before.papers, before.chunks], "no row rewritten");
    assert.equal(after.versions.papers, before.versions.papers);
    const index = await paperIdIndex(uri);
    assert.deepEqual(index, { indexType: "BTree", indexed: before.chunks.length, unindexed: 0, rows: before.chunks.length });
    assert.deepEqual(await store.unfinishedWork(), []);

    await ingestInto(uri, [fixture("pipeline")], { now: new Date("2026-12-06T12:00:00Z") });
    assert.deepEqual((await readLibrary(uri)).versions, after.versions, "built once: the next run writes nothing");
  },
);

test("given a table's size, then its vector index is IVF-flat while a search probes every partition anyway, IVF-RQ beyond", () => {
  assert.equal(vectorIndexKind(10_000), "IvfFlat");
  assert.equal(vectorIndexKind(12_400), "IvfFlat");
  assert.ok(vectorProbes(12_400) >= vectorPartitions(12_400), "every partition is probed");
  assert.equal(vectorIndexKind(12_600), "IvfRq");
  assert.ok(vectorProbes(100_000) < vectorPartitions(100_000));
  assert.equal(vectorIndexKind(1_000_000), "IvfRq");
});
