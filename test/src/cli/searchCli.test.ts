import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ingestInto } from "../../helpers/library.js";
import { startOpenAiStandIn } from "../../helpers/openAiStandIn.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

/**
 * `search`, `similar`, `ask` and the bot read vectors: on a library another embedder made they must refuse,
 * as `ingest` does, and a failing embeddings endpoint must be named (never its key) without
 * making the user sit through retries.
 */

const INPUTS = [fixture("pipeline/hf-daily.json"), fixture("pipeline/daily-page.txt")];
const QUESTION = "How does the long-document attention method scale in memory?";

describe("reading a library", { concurrency: true }, () => {
  test(
    "given a library made by the local embedder and EMBEDDINGS_PROVIDER=openai, then search, similar, " +
      "ask and the bot refuse it without calling the endpoint",
    async (t) => {
      const dir = await tempDir(t);
      const standIn = await startOpenAiStandIn({ dimensions: 48 });
      t.after(() => standIn.close());
      const uri = join(dir, "db");
      await ingestInto(uri, INPUTS);
      const env = {
        LANCEDB_URI: uri,
        EMBEDDINGS_PROVIDER: "openai",
        EMBEDDINGS_MODEL: "test-embed",
        OPENAI_API_KEY: "sk-test-secret",
        OPENAI_BASE_URL: standIn.baseURL,
      };

      // The bot stops before it logs in (the token is never used).
      for (const args of [["search", "attention memory"], ["similar", "Lantern"], ["ask", QUESTION, "--json"], ["bot"]]) {
        const result = await runCli(args, { cwd: dir, env: { ...env, DISCORD_TOKEN: "not-used" } });
        assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
        assert.match(
          result.stderr,
          /^This library's vectors were made by "local:[^"]+" \(256 dims\), not by the configured "openai:test-embed"\. Mixing them would make search meaningless: set EMBEDDINGS_PROVIDER\/EMBEDDINGS_MODEL back, or run `npx paperbot ingest --reembed …` to rebuild the vectors\.\n$/,
        );
        assert.equal(result.stdout, "", `${args[0]} printed no results`);
      }
      assert.equal(standIn.requestsTo("/v1/embeddings").length, 0, "nothing was embedded with the wrong model");
    },
  );

  test("given a library made by an openai model and the local embedder configured, then search and ask refuse it with ingest's own message", async (t) => {
    const dir = await tempDir(t);
    const standIn = await startOpenAiStandIn({ dimensions: 48 });
    t.after(() => standIn.close());
    const uri = join(dir, "db");
    const made = await runCli(["ingest", ...INPUTS], {
      cwd: dir,
      env: {
        LANCEDB_URI: uri,
        EMBEDDINGS_PROVIDER: "openai",
        EMBEDDINGS_MODEL: "test-embed",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: standIn.baseURL,
      },
    });
    assert.equal(made.code, 0, made.stderr);

    const local = { LANCEDB_URI: uri };
    const ingest = await runCli(["ingest", ...INPUTS], { cwd: dir, env: local });
    const search = await runCli(["search", "attention memory"], { cwd: dir, env: local });
    const ask = await runCli(["ask", QUESTION], { cwd: dir, env: local });
    assert.match(
      ingest.stderr,
      /^This library's vectors were made by "openai:test-embed" \(48 dims\), not by the configured "local:[^"]+" \(256 dims\)\./,
    );
    for (const result of [search, ask]) {
      assert.equal(result.code, 1);
      assert.equal(result.stderr, ingest.stderr, "the same message as ingest");
    }
  });

  test("given the embeddings endpoint down, then search fails at once naming the endpoint, never the key", async (t) => {
    const dir = await tempDir(t);
    const standIn = await startOpenAiStandIn({ dimensions: 48 });
    t.after(() => standIn.close());
    const uri = join(dir, "db");
    // OPENAI_MAX_RETRIES stays at its default (4): background work retries, a waiting user does not.
    const env = {
      LANCEDB_URI: uri,
      EMBEDDINGS_PROVIDER: "openai",
      EMBEDDINGS_MODEL: "test-embed",
      OPENAI_API_KEY: "sk-test-secret",
      OPENAI_BASE_URL: standIn.baseURL,
    };
    assert.equal((await runCli(["ingest", ...INPUTS], { cwd: dir, env })).code, 0);
    await standIn.close();

    const started = performance.now();
    const result = await runCli(["search", "attention memory"], { cwd: dir, env });
    const ms = performance.now() - started;
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`the embeddings endpoint at ${standIn.baseURL} failed: Connection error.`), result.stderr);
    assert.doesNotMatch(result.stderr + result.stdout, /sk-test-secret/);
    // Four retries with LangChain's backoff take 15 s or more; one try takes well under a second.
    assert.ok(ms < 8_000, `failed after ${Math.round(ms)} ms`);
  });
});
