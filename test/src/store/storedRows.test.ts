import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { findPaper } from "../../../src/retrieve/findPaper.js";
import { recentPapers } from "../../../src/retrieve/recentPapers.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto, readLibrary } from "../../helpers/library.js";
import { fixture, SEEDS, tempDir } from "../../helpers/paths.js";
import { bytesOnDisk, summaryCopies } from "../../helpers/storedCopies.js";

test("given the seeds ingested, then no paper's summary is stored more than twice, and the library takes under 4.8 MB per 1,000 papers", async (t) => {
  const uri = join(await tempDir(t), "db");
  const summary = await ingestInto(uri, [SEEDS]);
  const copies = await summaryCopies(uri);
  // Most seed papers are titles only; those with a summary are what this is about.
  assert.ok(copies.size > 400, `${copies.size} papers with a summary`);
  const over = [...copies].filter(([, n]) => n > 2);
  assert.deepEqual(over, [], "papers whose summary is stored more than twice");
  // Measured: 4.0 MB per 1,000 papers; 5.7 MB when the summary was stored five times.
  const perThousand = (await bytesOnDisk(uri)) / summary.papers.added;
  assert.ok(perThousand < 4_800, `${(perThousand / 1000).toFixed(2)} MB per 1,000 papers`);
});

/**
 * test/fixtures/library-made-by-da3ba4c: the library paperbot da3ba4c (before the
 * summary was stored at most twice) wrote from test/fixtures/pipeline on 2026-12-06,
 * with `LANCEDB_URI=… paperbot ingest test/fixtures/pipeline`.
 */
const OLD_LIBRARY = fixture("library-made-by-da3ba4c");
const MADE_ON = new Date("2026-12-06T12:00:00Z");

async function whatUsersSee(uri: string) {
  const store = await PaperStore.open({ uri });
  try {
    const embeddings = new LocalEmbeddings();
    const hits = async (memoryChunks: number) => {
      const searcher = createSearcher({ store, embeddings, memoryChunks });
      const found = [];
      for (const query of ["memory-efficient attention over long legal contracts", "robot cooking", "sparse retrieval"])
        found.push(await searcher.search(query, { k: 3 }));
      found.push(await searcher.newest({ publishedAfter: "2025-01-01" }, 5));
      return found;
    };
    return {
      stored: await hits(0),
      inMemory: await hits(10_000),
      byArxivId: await findPaper(store, "2510.01234"),
      byTitle: await findPaper(store, "lantern"),
      recent: await recentPapers(store, 3650, 10, MADE_ON),
      digestDay: await store.papersAround("2025-10-31", "2025-10-25"),
    };
  } finally {
    store.close();
  }
}

test(
  "given a library written when each summary was stored five times, then it reads as one written now, " +
    "re-ingesting writes nothing, and --reembed stores each summary twice",
  async (t) => {
    const dir = await tempDir(t);
    const old = join(dir, "old");
    await cp(OLD_LIBRARY, old, { recursive: true });
    const fresh = join(dir, "fresh");
    await ingestInto(fresh, [fixture("pipeline")], { now: MADE_ON });
    assert.ok(
      [...(await summaryCopies(old)).values()].every((n) => n >= 5),
      "the fixture holds the old layout",
    );
    assert.ok([...(await summaryCopies(fresh)).values()].every((n) => n === 2));

    const [oldContent, freshContent] = [await readLibrary(old), await readLibrary(fresh)];
    assert.equal(oldContent.papers.length, 6);
    assert.deepEqual(oldContent.papers, freshContent.papers);
    assert.deepEqual(oldContent.paperHashes, freshContent.paperHashes);
    assert.deepEqual(oldContent.chunks, freshContent.chunks);
    const seen = await whatUsersSee(old);
    assert.ok(seen.stored[0]!.length > 0 && seen.digestDay.length > 0);
    assert.match(seen.stored[0]![0]!.passages[0] ?? "", /\w/);
    assert.deepEqual(seen, await whatUsersSee(fresh));

    // The same inputs again: every row is found unchanged, old layout or not (the chunks table gains
    // its paperId index once, which is no row written: test/src/store/indexes.test.ts).
    const again = await ingestInto(old, [fixture("pipeline")], { now: MADE_ON });
    assert.deepEqual(again.papers, { added: 0, updated: 0, unchanged: 6 });
    assert.equal(again.chunks.written, 0);
    assert.equal((await readLibrary(old)).versions.papers, oldContent.versions.papers);

    const rebuilt = await ingestInto(old, [fixture("pipeline")], { now: MADE_ON, reembed: true });
    assert.equal(rebuilt.papers.unchanged, 6);
    assert.ok([...(await summaryCopies(old)).values()].every((n) => n === 2));
    const after = await readLibrary(old);
    assert.deepEqual([after.papers, after.paperHashes, after.chunks], [freshContent.papers, freshContent.paperHashes, freshContent.chunks]);
  },
);
