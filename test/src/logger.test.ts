import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { buildConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";

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

test("given a non-terminal destination, then lines are JSON", async () => {
  const out = capture();
  const logger = createLogger(buildConfig({}).log, out.stream);
  logger.warn({ file: "a.json" }, "skipped");
  await new Promise((r) => setImmediate(r));
  const line = JSON.parse(out.text().trim()) as { msg: string; file: string; level: number };
  assert.equal(line.msg, "skipped");
  assert.equal(line.file, "a.json");
});
