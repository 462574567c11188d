import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { pino } from "pino";
import { createChatModel } from "../../../src/answer/createChatModel.js";
import { buildConfig } from "../../../src/config.js";
import { startOpenAiStandIn } from "../../helpers/openAiStandIn.js";

/*
 * Every call of the configured chat model is logged at debug level with its tokens and latency, through
 * the project's logger: a plain call, a streamed chain, a failed call. The prompt, the reply and the key
 * are not in the lines.
 */

const SECRET = "sk-test-never-logged";

async function modelWithLog(t: { after(fn: () => unknown): void }, level = "debug") {
  const standIn = await startOpenAiStandIn();
  t.after(() => standIn.close());
  const config = buildConfig({
    OPENAI_API_KEY: SECRET,
    OPENAI_BASE_URL: standIn.baseURL,
    CHAT_MODEL: "test-chat",
    OPENAI_MAX_RETRIES: "0",
  });
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  const llm = await createChatModel(config, "background", logger);
  assert.ok(llm);
  const calls = () =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "model call" || l.msg === "model call failed");
  return { standIn, llm, lines, calls };
}

test(
  "given a configured chat model, when it is called and streamed through a chain, then each call is " +
    "logged at debug level with its tokens and latency",
  async (t) => {
    const { standIn, llm, lines, calls } = await modelWithLog(t);
    standIn.chat.setDefault({ kind: "reply", content: "A reply of several words from the stand-in model." });

    await llm.invoke("What does the secret question ask?");
    let streamed = "";
    for await (const chunk of await ChatPromptTemplate.fromMessages([["human", "Tell me about {topic}"]])
      .pipe(llm)
      .stream({ topic: "tokenizers" }))
      streamed += chunk.text;
    assert.equal(streamed, "A reply of several words from the stand-in model.");

    const logged = calls();
    assert.equal(logged.length, 2, lines.join(""));
    for (const line of logged) {
      assert.equal(line.level, 20, "debug");
      assert.equal(line.use, "background");
      assert.equal(line.model, "test-chat");
      assert.equal(typeof line.latencyMs, "number");
      const tokens = line.tokens as { input?: number; output?: number; total?: number };
      assert.ok((tokens.input ?? 0) > 0 && (tokens.output ?? 0) > 0, JSON.stringify(line));
      assert.equal(tokens.total, (tokens.input ?? 0) + (tokens.output ?? 0));
    }
    const all = lines.join("");
    assert.doesNotMatch(all, /secret question|several words|tokenizers/, "neither the prompt nor the reply is logged");
    assert.doesNotMatch(all, new RegExp(SECRET));
  },
);

test("given a model that fails, then the failed call is logged at debug level with its latency and error, without the key", async (t) => {
  const { standIn, llm, calls } = await modelWithLog(t);
  standIn.chat.setDefault({ kind: "status", status: 500 });
  await assert.rejects(llm.invoke("hello"));
  const [line, ...more] = calls();
  assert.deepEqual(more, []);
  assert.equal(line?.msg, "model call failed");
  assert.equal(line?.level, 20);
  assert.equal(typeof line?.latencyMs, "number");
  assert.match(String(line?.err), /500/);
  assert.doesNotMatch(JSON.stringify(line), new RegExp(SECRET));
});

test("given the logger above debug level, then model calls write nothing", async (t) => {
  const { standIn, llm, lines } = await modelWithLog(t, "info");
  standIn.chat.setDefault({ kind: "reply", content: "ok" });
  await llm.invoke("hello");
  assert.deepEqual(lines, []);
});
