/**
 * `npm run bench:faults`: how long a user waits for an answer when the chat model fails, with the
 * default deadlines (first token within LLM_FIRST_TOKEN_MS, the answer within LLM_ANSWER_MS),
 * against the OpenAI-compatible stand-in on 127.0.0.1: healthy, then answering HTTP 500, HTTP 429
 * (with Retry-After), accepting the connection and never answering, and stalling after its first
 * words. Each question is asked two ways: `npx paperbot ask … --json` as a user runs it (a process
 * of its own, start-up included), and the real answerer in this process as the bot holds it (from
 * the question to the answer). Prints the medians and the notice; exits 1 if, in the answerer, a
 * faulty model's answer took 15 s or more or came without its notice, or a healthy model's came
 * with one: the promise of issue #11 ("an answer with its notice within 15 s of the question").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAnswerer } from "../../src/answer/createAnswerer.js";
import { modelForAnswers } from "../../src/answer/createChatModel.js";
import { createApp } from "../../src/app.js";
import { buildConfig } from "../../src/config.js";
import { createSearcher } from "../../src/retrieve/searchPapers.js";
import { promptText, startOpenAiStandIn, type ChatBehaviour } from "../helpers/openAiStandIn.js";
import { silentLogger } from "../helpers/library.js";
import { SEEDS } from "../helpers/paths.js";
import { runCli } from "../helpers/runCli.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BOUND_MS = 15_000;
const QUESTION = "which pre-training method trains a discriminator to spot tokens swapped in by a small generator?";

const modes: { name: string; behaviour: ChatBehaviour; fault: boolean }[] = [
  {
    name: "healthy",
    fault: false,
    behaviour: {
      kind: "reply",
      content: (body) => `A discriminator learns to spot replaced tokens [${/\[(\d+)\]/.exec(promptText(body))?.[1] ?? 1}].`,
    },
  },
  { name: "HTTP 500", fault: true, behaviour: { kind: "status", status: 500 } },
  { name: "HTTP 429, Retry-After 20 s", fault: true, behaviour: { kind: "status", status: 429, retryAfterSeconds: 20 } },
  { name: "accepts, never answers", fault: true, behaviour: { kind: "hang" } },
  {
    name: "stalls mid-stream",
    fault: true,
    behaviour: { kind: "stallMidStream", after: 2, content: "A discriminator learns to spot replaced tokens, and then" },
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const work = mkdtempSync(join(tmpdir(), "paperbot-bench-faults-"));
const standIn = await startOpenAiStandIn();
let broken = 0;

try {
  const env = {
    LANCEDB_URI: join(work, "db"),
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: standIn.baseURL,
    ANSWER_MODE: "llm",
    LOG_LEVEL: "error",
  };
  const ingest = await runCli(["ingest", SEEDS], { cwd: work, env, timeoutMs: 180_000 });
  if (ingest.code !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);

  // The real answerer, built as `ask` and the bot build it, held for every question.
  const app = createApp(buildConfig(env), silentLogger);
  const store = await app.openStore();
  const { embeddings } = await app.embedder("search");
  const answerer = createAnswerer({
    searcher: createSearcher({ store, embeddings }),
    embeddings,
    logger: silentLogger,
    ...(await modelForAnswers(app.config)),
  });
  standIn.chat.setDefault(modes[0]!.behaviour);
  await answerer.answer("warm-up: which paper introduced the transformer?");

  console.log(`== a failing chat model, default deadlines, ${RUNS} runs each: seconds to the answer (median, runs) ==`);
  console.log(
    `${"model".padEnd(28)} ${"answerer, from the question".padEnd(30)} ${"npx paperbot ask, start-up included".padEnd(38)} notice`,
  );
  const cell = (xs: number[]) => `${median(xs).toFixed(2)} s (${xs.map((x) => x.toFixed(2)).join(", ")})`;
  for (const { name, behaviour, fault } of modes) {
    standIn.chat.setDefault(behaviour);
    const inProcess: number[] = [];
    const viaCli: number[] = [];
    const notices = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      let started = performance.now();
      const held = await answerer.answer(QUESTION);
      const ms = performance.now() - started;
      inProcess.push(ms / 1000);
      notices.add(held.notice ?? "(none)");
      if (fault ? ms >= BOUND_MS || !held.notice : held.notice !== undefined) broken++;

      started = performance.now();
      const result = await runCli(["ask", QUESTION, "--json"], { cwd: work, env, timeoutMs: 60_000 });
      viaCli.push((performance.now() - started) / 1000);
      if (result.code !== 0) throw new Error(`ask (${name}) exited ${result.code}: ${result.stderr}`);
      notices.add((JSON.parse(result.stdout) as { notice?: string }).notice ?? "(none)");
    }
    console.log(`${name.padEnd(28)} ${cell(inProcess).padEnd(30)} ${cell(viaCli).padEnd(38)} ${[...notices].join(" | ")}`);
  }
  store.close();
  if (broken > 0) {
    console.log(`\n${broken} answer(s) broke the promise: a faulty model's answer within 15 s with its notice, a healthy one's without`);
    process.exitCode = 1;
  }
} finally {
  await standIn.close();
  rmSync(work, { recursive: true, force: true });
}
