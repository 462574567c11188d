import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { promptText, startOpenAiStandIn } from "../../helpers/openAiStandIn.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

interface AskJson {
  answer: string;
  citations: { n: number; title: string; url: string | null }[];
  grounded: boolean;
  mode: string;
  notice?: string;
}

test("given an API key and base URL, then `ask` answers through the configured model; ANSWER_MODE=extractive overrides it", async (t) => {
  const dir = await tempDir(t);
  const standIn = await startOpenAiStandIn();
  t.after(() => standIn.close());
  standIn.chat.setDefault({ kind: "reply", content: (body) => `Its memory grows linearly [${/\[(\d+)\] Lantern/.exec(promptText(body))?.[1] ?? 9}].` });
  const env = { LANCEDB_URI: join(dir, "db"), OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: standIn.baseURL, CHAT_MODEL: "test-chat", OPENAI_MAX_RETRIES: "0" };
  await runCli(["ingest", fixture("pipeline/hf-daily.json"), fixture("pipeline/daily-page.txt")], { cwd: dir, env });

  const viaModel = await runCli(["ask", "How does the long-document attention method scale in memory?", "--json"], { cwd: dir, env });
  assert.equal(viaModel.code, 0, viaModel.stderr);
  const llm = JSON.parse(viaModel.stdout) as AskJson;
  assert.equal(llm.mode, "llm");
  assert.match(llm.answer, /linearly \[\d\]/);
  assert.deepEqual(llm.citations.map((c) => c.url), ["https://arxiv.org/abs/2510.01234"]);
  assert.equal((standIn.requests.find((r) => r.path.endsWith("/chat/completions"))?.body as { model?: string }).model, "test-chat");

  const extractive = await runCli(["ask", "How does the long-document attention method scale in memory?", "--json"], { cwd: dir, env: { ...env, ANSWER_MODE: "extractive" } });
  assert.equal((JSON.parse(extractive.stdout) as AskJson).mode, "extractive");

  const human = await runCli(["ask", "How does the long-document attention method scale in memory?"], { cwd: dir, env });
  assert.match(human.stdout, /Sources:\n {2}\[\d\] Lantern: Lightweight Attention for Long Documents — https:\/\/arxiv\.org\/abs\/2510\.01234/);
});
