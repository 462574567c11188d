import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { buildConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";

/** A written log line, read loosely: the tests look at what they logged. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON line of any shape
type Logged = Record<string, any>;

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

test("given secrets in a log call, then the written line never contains them", async () => {
  const out = capture();
  const config = buildConfig({ DISCORD_TOKEN: "MTIz.secret-discord-token", OPENAI_API_KEY: "sk-secret-openai-key", LOG_FORMAT: "json" });
  const logger = createLogger(config.log, out.stream);
  logger.info({ config }, "starting");
  logger.info({ token: "MTIz.secret-discord-token", request: { headers: { authorization: "Bot MTIz.secret-discord-token" } } }, "request");
  logger.info({ client: { apiKey: "sk-secret-openai-key" } }, "client");
  await new Promise((r) => setImmediate(r));
  assert.ok(out.text().length > 0);
  assert.doesNotMatch(out.text(), /secret/);
  assert.match(out.text(), /\[redacted\]/);
});

test("given credentials nested at any depth, in any case, in headers, errors, storage options and bindings, then none is written and the rest is", async () => {
  const out = capture();
  const storage =
    '{"region":"eu-west-1","endpoint":"http://127.0.0.1:9000","aws_access_key_id":"AKIA-leak-id",' +
    '"aws_secret_access_key":"leak-s3-key","aws_session_token":"leak-session"}';
  const config = buildConfig({
    LOG_FORMAT: "json",
    LANCEDB_URI: "s3://papers/lib",
    LANCEDB_STORAGE_OPTIONS: storage,
    OPENAI_API_KEY: "sk-leak-openai",
  });
  const logger = createLogger(config.log, out.stream);
  logger.info({ config }, "starting");
  logger.info({ env: { LANCEDB_STORAGE_OPTIONS: storage } }, "raw settings");
  logger.info(
    {
      a: {
        b: {
          c: {
            d: {
              request: {
                headers: {
                  Authorization: "Bearer leak-bearer",
                  "X-Api-Key": "leak-x-api",
                  Cookie: "session=leak-cookie",
                  "content-type": "application/json",
                },
              },
            },
          },
        },
      },
    },
    "deep",
  );
  logger.info(
    { list: [{ AUTHORIZATION: "Bot leak-upper" }, { Password: "leak-pass", clientSecret: "leak-client", accessToken: "leak-access" }] },
    "list",
  );
  const failure = Object.assign(new Error("the endpoint failed"), {
    status: 401,
    headers: { "set-cookie": "id=leak-set-cookie" },
    request: { apiKey: "leak-in-error" },
  });
  logger.error({ err: failure }, "failed");
  const shared = { authorization: "Bearer leak-shared" };
  logger.info({ first: { shared }, second: { shared } }, "the same object twice");
  logger.child({ upstream: { Headers: { "Proxy-Authorization": "Basic leak-proxy" } } }).info("from a child");
  logger.child({ component: "digest" }).child({ auth: "leak-grandchild" }).info("from a grandchild");
  await new Promise((r) => setImmediate(r));

  const text = out.text();
  assert.doesNotMatch(text, /leak/i, text);
  const lines = text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Logged);
  // What is not a credential is still there to debug with.
  assert.equal(lines[0]!.config.lancedb.storageOptions.region, "eu-west-1");
  assert.equal(lines[0]!.config.lancedb.storageOptions.aws_secret_access_key, "[redacted]");
  assert.equal(lines[2]!.a.b.c.d.request.headers["content-type"], "application/json");
  assert.equal(lines[2]!.a.b.c.d.request.headers.Authorization, "[redacted]");
  assert.equal(lines[4]!.err.message, "the endpoint failed");
  assert.equal(lines[4]!.err.type, "Error");
  assert.match(lines[4]!.err.stack, /^Error: the endpoint failed\n/);
  assert.equal(lines[4]!.err.status, 401);
  // The logged values themselves are untouched (the config is frozen).
  assert.equal(config.lancedb.storageOptions.aws_secret_access_key, "leak-s3-key");
  assert.equal(shared.authorization, "Bearer leak-shared");
});

test("given counts named like tokens, then they are written (only credentials are redacted)", async () => {
  const out = capture();
  const logger = createLogger(buildConfig({ LOG_FORMAT: "json" }).log, out.stream);
  logger.info({ usage: { prompt_tokens: 12, maxTokens: 256 }, key: "embedder", tokenizer: "words", apiKey: undefined }, "usage");
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(out.text()) as Logged;
  assert.deepEqual(line.usage, { prompt_tokens: 12, maxTokens: 256 });
  assert.equal(line.key, "embedder");
  assert.equal(line.tokenizer, "words");
});

test("given a non-terminal destination, then lines are JSON", async () => {
  const out = capture();
  const logger = createLogger(buildConfig({}).log, out.stream);
  logger.warn({ file: "a.json" }, "skipped");
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(out.text().trim()) as { msg: string; file: string; level: number };
  assert.equal(line.msg, "skipped");
  assert.equal(line.file, "a.json");
});
