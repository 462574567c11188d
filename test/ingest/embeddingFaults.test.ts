import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { sampledPapers, toJsonl } from "../helpers/realCorpus.js";
import { readLibrary } from "../helpers/library.js";
import { startOpenAiStandIn, type OpenAiStandIn } from "../helpers/openAiStandIn.js";
import { tempDir } from "../helpers/paths.js";
import { runCli } from "../helpers/runCli.js";

/**
 * The openai embedder against an OpenAI-compatible server on loopback that
 * misbehaves. LangChain retries with ≥ 1 s backoff, so these run concurrently.
 */
async function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  const standIn = await startOpenAiStandIn({ dimensions: 48 });
  t.after(() => standIn.close());
  const file = join(dir, "papers.jsonl");
  await writeFile(file, toJsonl(sampledPapers(12, { seed: 5, sentencesPerPaper: 3 })));
  const env = {
    LANCEDB_URI: join(dir, "db"),
    EMBEDDINGS_PROVIDER: "openai",
    EMBEDDINGS_MODEL: "test-embed",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: standIn.baseURL,
    OPENAI_MAX_RETRIES: "1",
    // Long enough that a loaded CI host answering a good request slowly is not a timeout.
    OPENAI_TIMEOUT_MS: "1500",
    INGEST_BATCH_PAPERS: "4",
    EMBEDDINGS_BATCH_SIZE: "8",
  };
  const ingest = () => runCli(["ingest", file, "--json"], { cwd: dir, env });
  return { dir, env, standIn, ingest };
}

const embeddingCalls = (s: OpenAiStandIn) => s.requests.filter((r) => r.path.endsWith("/embeddings")).length;

describe("given an embeddings endpoint that fails", { concurrency: true }, () => {
  test("when it answers 429 with Retry-After once, then the ingest retries and completes", async (t) => {
    const { standIn, ingest } = await setup(t);
    standIn.embeddings.enqueue({ kind: "hashed" }, { kind: "status", status: 429, retryAfterSeconds: 1 });
    const result = await ingest();
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { papers: { added: number } }).papers.added, 12);
    assert.ok(embeddingCalls(standIn) >= 5, "probe + 3 batches + 1 retry");
  });

  test("when it answers 500 or hangs past the retries, then the run stops, the library stays consistent, and the next run completes", async (t) => {
    const { env, standIn, ingest, dir } = await setup(t);
    // The probe and the first batch succeed; then the server breaks.
    standIn.embeddings.enqueue({ kind: "hashed" }, { kind: "hashed" }, { kind: "status", status: 500 }, { kind: "hang" });
    standIn.embeddings.setDefault({ kind: "status", status: 500 });
    const failed = await ingest();
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /failed unexpectedly \(error id [0-9a-f]{8}\)/);
    assert.doesNotMatch(failed.stderr + failed.stdout, /sk-test/, "the key is never printed");

    const partial = await readLibrary(env.LANCEDB_URI);
    assert.equal(partial.papers.length, 4, "the batch committed before the failure is kept");
    assert.ok(
      partial.papers.every((p) => partial.chunks.some((c) => c.paperId === p.id)),
      "no paper without its chunks",
    );
    const stats = await runCli(["stats", "--json"], { cwd: dir, env });
    assert.equal(stats.code, 0, "the library is readable");

    standIn.embeddings.setDefault({ kind: "hashed" });
    const resumed = await ingest();
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual((JSON.parse(resumed.stdout) as { papers: object }).papers, { added: 8, updated: 0, unchanged: 4 });
    const done = await readLibrary(env.LANCEDB_URI);
    assert.equal(done.papers.length, 12);
    assert.equal(new Set(done.chunks.map((c) => c.id)).size, done.chunks.length);
  });

  test("when it returns vectors of the wrong length, then nothing is written and the message says why", async (t) => {
    const { env, standIn, ingest } = await setup(t);
    standIn.embeddings.enqueue({ kind: "hashed" }, { kind: "wrongDimensions", dims: 12 });
    const result = await ingest();
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has 12 dimensions, expected 48/);
    assert.equal((await readLibrary(env.LANCEDB_URI)).papers.length, 0);
  });
});
