import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { ingestInto, readLibrary } from "../helpers/library.js";
import { tempDir } from "../helpers/paths.js";
import { sampledPapers, toJsonl } from "../helpers/realCorpus.js";

/**
 * An ingest of more than one batch embeds on the local embedder's thread while the main
 * thread builds the next batch and LanceDB writes the one before: the library must be
 * what one batch embedded on the main thread makes, to the bit, and a failure must leave
 * only whole batches.
 */

const PAPERS = 90;
const BATCH = 20; // 5 batches

/** The local embedder, counting which path ingest takes; `failOnCall` makes that thread call reject. */
function countingEmbedder({ failOnCall = 0 } = {}) {
  const local = new LocalEmbeddings();
  const calls = { main: 0, thread: 0 };
  return {
    calls,
    embeddings: {
      embedQuery: (text: string) => local.embedQuery(text),
      embedDocuments: (texts: string[]) => local.embedDocuments(texts),
      embedFloat32: (texts: readonly string[]) => {
        calls.main++;
        return local.embedFloat32(texts);
      },
      embedFloat32InThread: async (texts: readonly string[]) => {
        if (++calls.thread === failOnCall) throw new Error("the embedding thread failed");
        return local.embedFloat32InThread(texts);
      },
    },
  };
}

/** Every chunk's id, hash and vector bytes, in id order. */
async function storedVectors(uri: string): Promise<string[]> {
  const store = await PaperStore.open({ uri });
  try {
    const rows = (await store.chunks().query().select(["id", "hash", "vector"]).toArray()) as {
      id: string;
      hash: string;
      vector: { toArray(): Float32Array };
    }[];
    return rows
      .map(({ id, hash, vector }) => {
        const v = vector.toArray();
        return `${id} ${hash} ${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")}`;
      })
      .sort();
  } finally {
    store.close();
  }
}

async function corpusFile(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; file: string }> {
  const dir = await tempDir(t);
  const file = join(dir, "papers.jsonl");
  await writeFile(file, toJsonl(sampledPapers(PAPERS, { seed: 13 })));
  return { dir, file };
}

test("given more than one batch, then the vectors are made on the embedding thread and the library is the one-batch, main-thread library to the bit", async (t) => {
  const { dir, file } = await corpusFile(t);
  const threaded = countingEmbedder();
  const inBatches = await ingestInto(join(dir, "batches"), [file], { embeddings: threaded.embeddings, writeBatchSize: BATCH });
  assert.equal(threaded.calls.thread, Math.ceil(PAPERS / BATCH), "one thread call per batch");
  assert.equal(threaded.calls.main, 0);

  const single = countingEmbedder();
  const inOne = await ingestInto(join(dir, "one"), [file], { embeddings: single.embeddings });
  assert.equal(single.calls.thread, 0, "one batch has nothing to overlap: embedded on the main thread");
  assert.ok(single.calls.main > 0);

  assert.deepEqual(inBatches, inOne);
  const [a, b] = [await readLibrary(join(dir, "batches")), await readLibrary(join(dir, "one"))];
  assert.deepEqual(a.paperHashes, b.paperHashes);
  assert.deepEqual(a.chunks, b.chunks);
  assert.deepEqual(await storedVectors(join(dir, "batches")), await storedVectors(join(dir, "one")));

  const again = await ingestInto(join(dir, "batches"), [file], { writeBatchSize: BATCH, now: new Date("2025-11-04T12:00:00Z") });
  assert.equal(again.chunks.written, 0, "a re-run compares every record and writes nothing");
  assert.deepEqual((await readLibrary(join(dir, "batches"))).versions, a.versions);
});

test("given the embedding thread failing on the third batch, then the run fails, the two batches before it are stored whole, and the next run completes the library", async (t) => {
  const { dir, file } = await corpusFile(t);
  const uri = join(dir, "db");
  const failing = countingEmbedder({ failOnCall: 3 });
  await assert.rejects(ingestInto(uri, [file], { embeddings: failing.embeddings, writeBatchSize: BATCH }), /the embedding thread failed/);
  assert.equal(failing.calls.thread, 3, "no batch after the failed one is embedded");

  const partial = await readLibrary(uri);
  assert.equal(partial.papers.length, 2 * BATCH, "the batches committed before the failure are kept");
  const withChunks = new Set(partial.chunks.map((c) => c.paperId));
  assert.ok(
    partial.papers.every((p) => withChunks.has(p.id)),
    "no paper without its chunks",
  );

  const resumed = await ingestInto(uri, [file], { writeBatchSize: BATCH });
  assert.deepEqual(resumed.papers, { added: PAPERS - 2 * BATCH, updated: 0, unchanged: 2 * BATCH });
  const clean = join(dir, "clean");
  await ingestInto(clean, [file], { writeBatchSize: BATCH });
  assert.deepEqual((await readLibrary(uri)).chunks, (await readLibrary(clean)).chunks);
  assert.deepEqual(await storedVectors(uri), await storedVectors(clean));
});
