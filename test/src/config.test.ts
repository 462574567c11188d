import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigError, buildConfig, configSchema } from "../../src/config.js";
import { fixture } from "../helpers/paths.js";

test("given no settings, then the embedded defaults work without any key", () => {
  const config = buildConfig({});
  assert.equal(config.lancedb.uri, "./data/lancedb");
  assert.equal(config.embeddings.provider, "local");
  assert.equal(config.openai.apiKey, undefined);
  assert.equal(config.sources.hfApiUrl, "https://huggingface.co");
  assert.equal(config.sources.arxivApiUrl, "https://export.arxiv.org/api/query");
  assert.equal(config.sources.fetchTimeoutMs, 20_000);
  assert.equal(config.sources.maxRetryAfterMs, 60_000);
  assert.ok(config.digest.fetchBudgetMs <= 30_000, "a digest's sources get at most 30 s by default");
});

test("given a bad value, then start-up fails naming the key and what is allowed", () => {
  assert.throws(
    () => buildConfig({ EMBEDDINGS_PROVIDER: "cohere" }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /EMBEDDINGS_PROVIDER="cohere"/);
      assert.match(e.message, /local.*openai/);
      return true;
    },
  );
  assert.throws(() => buildConfig({ HF_API_URL: "not a url" }), /HF_API_URL="not a url": must be an http\(s\) URL/);
  assert.throws(() => buildConfig({ OPENAI_TIMEOUT_MS: "-5" }), /OPENAI_TIMEOUT_MS/);
  assert.throws(() => buildConfig({ DIGEST_FETCH_BUDGET_MS: "0" }), /DIGEST_FETCH_BUDGET_MS/);
  assert.throws(() => buildConfig({ ANSWER_CHANNEL_IDS: "123456789012,general" }), /ANSWER_CHANNEL_IDS/);
});

test("given a setting paperbot no longer has (VOTES_FILE, from before votes moved into the library), then start-up ignores it", () => {
  const config = buildConfig({ VOTES_FILE: "./data/votes.jsonl", LANCEDB_URI: "./lib" });
  assert.equal(config.lancedb.uri, "./lib");
  assert.ok(!JSON.stringify(config).includes("votes.jsonl"));
});

test("given the openai embedder without a key, then start-up says the key is needed", () => {
  assert.throws(() => buildConfig({ EMBEDDINGS_PROVIDER: "openai" }), /needs OPENAI_API_KEY/);
});

test("given ANSWER_MODE=llm without a key, then start-up stops saying so, instead of waiting on OpenAI's endpoint", () => {
  assert.throws(
    () => buildConfig({ ANSWER_MODE: "llm" }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /ANSWER_MODE="llm": needs OPENAI_API_KEY/);
      return true;
    },
  );
  // A server that asks for no key still needs some value, so that the setting says what was meant.
  assert.throws(
    () => buildConfig({ ANSWER_MODE: "llm", OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }),
    /ANSWER_MODE="llm": needs OPENAI_API_KEY/,
  );
  assert.equal(
    buildConfig({ ANSWER_MODE: "llm", OPENAI_API_KEY: "unused", OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }).chat.mode,
    "llm",
  );
  assert.equal(buildConfig({ ANSWER_MODE: "auto" }).chat.mode, "auto");
});

test("given settings that cannot work together, then start-up lists each", () => {
  assert.throws(
    () => buildConfig({ ANSWER_MODE: "llm", EMBEDDINGS_PROVIDER: "openai", LLM_FIRST_TOKEN_MS: "9000", LLM_ANSWER_MS: "5000" }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /EMBEDDINGS_PROVIDER="openai": needs OPENAI_API_KEY/);
      assert.match(e.message, /ANSWER_MODE="llm": needs OPENAI_API_KEY/);
      assert.match(e.message, /LLM_FIRST_TOKEN_MS=9000: must be at most LLM_ANSWER_MS=5000/);
      return true;
    },
  );
});

test("given no deadline settings, then a waiting user has the model's first token within 10 s and an answer within 15 s", () => {
  const { deadlines } = buildConfig({});
  assert.ok(deadlines.firstTokenMs <= 10_000, `first token within ${deadlines.firstTokenMs} ms`);
  // The quoted answer that replaces a late one takes milliseconds with the local embedder: 3 s is ample room.
  assert.ok(deadlines.answerMs <= 12_000, `written answer given up after ${deadlines.answerMs} ms`);
  assert.deepEqual(buildConfig({ LLM_FIRST_TOKEN_MS: "500", LLM_ANSWER_MS: "900" }).deadlines, { firstTokenMs: 500, answerMs: 900 });
  assert.throws(() => buildConfig({ LLM_FIRST_TOKEN_MS: "0" }), /LLM_FIRST_TOKEN_MS/);
});

test("given s3:// and db:// URIs, then they pass through to LanceDB untouched", () => {
  assert.equal(buildConfig({ LANCEDB_URI: "s3://bucket/papers" }).lancedb.uri, "s3://bucket/papers");
  assert.equal(buildConfig({ LANCEDB_URI: "db://my-project" }).lancedb.uri, "db://my-project");
  const withOptions = buildConfig({ LANCEDB_STORAGE_OPTIONS: '{"region":"eu-west-1"}' });
  assert.deepEqual(withOptions.lancedb.storageOptions, { region: "eu-west-1" });
  assert.throws(() => buildConfig({ LANCEDB_STORAGE_OPTIONS: "region=eu" }), /LANCEDB_STORAGE_OPTIONS.*JSON object/);
});

test("given LANCEDB_LOG, then LanceDB's own logger is off unless set to a level or directives", () => {
  assert.equal(buildConfig({}).lancedb.nativeLog, "off");
  assert.equal(buildConfig({ LANCEDB_LOG: "lance=debug,warn" }).lancedb.nativeLog, "lance=debug,warn");
  assert.throws(() => buildConfig({ LANCEDB_LOG: "loud" }), /LANCEDB_LOG="loud": must be off, error, warn/);
});

test("given a built config, then it cannot be changed at run time", () => {
  const config = buildConfig({ ANSWER_CHANNEL_IDS: "123456789012345678" });
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.discord) && Object.isFrozen(config.discord.answerChannelIds));
  assert.deepEqual(config.discord.answerChannelIds, ["123456789012345678"]);
});

test("given .env.example, then it lists every setting, each with a comment above it", () => {
  const lines = readFileSync(fixture("../../.env.example"), "utf8").split("\n");
  const keys = Object.keys(configSchema.shape);
  for (const key of keys) {
    const at = lines.findIndex((l) => l.startsWith(`${key}=`));
    assert.ok(at > 0, `${key} is missing from .env.example`);
    assert.match(lines[at - 1] ?? "", /^#/, `${key} has no comment`);
  }
  const documented = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split("=")[0]);
  assert.deepEqual(
    documented.filter((k) => !keys.includes(k!)),
    [],
    "keys in .env.example that the config does not read",
  );
  // And the example must itself be a valid configuration.
  const values = Object.fromEntries(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.split("=")[0]!, l.slice(l.indexOf("=") + 1)]));
  assert.doesNotThrow(() => buildConfig(values));
});
