// Proves the OpenAI stand-in against the REAL clients: ChatOpenAI and OpenAIEmbeddings from
// @langchain/openai talk HTTP to it on 127.0.0.1. The retry tests also pin down LangChain's
// retry/timeout behaviour that the rest of the test suite relies on (see the comment at the top
// of openAiStandIn.ts). LangChain's backoff waits at least 1–2 s per retry and cannot be
// configured, so the tests that retry run concurrently, each with its own stand-in.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { z } from "zod";
import { hashedEmbedding, promptText, startOpenAiStandIn, type OpenAiStandIn, type OpenAiStandInOptions } from "./openAiStandIn.js";

const CHAT_PATH = "/v1/chat/completions";
const EMBEDDINGS_PATH = "/v1/embeddings";

async function standInFor(t: TestContext, options?: OpenAiStandInOptions): Promise<OpenAiStandIn> {
  const standIn = await startOpenAiStandIn(options);
  t.after(() => standIn.close());
  return standIn;
}

function chatModel(standIn: OpenAiStandIn, overrides: { maxRetries?: number; timeout?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: "test-model",
    apiKey: "sk-test",
    configuration: { baseURL: standIn.baseURL },
    maxRetries: 2,
    timeout: 2000,
    ...overrides,
  });
}

function embeddingsModel(
  standIn: OpenAiStandIn,
  overrides: { encodingFormat?: "float" | "base64" } = { encodingFormat: "float" },
): OpenAIEmbeddings {
  return new OpenAIEmbeddings({
    model: "test-embed",
    apiKey: "sk-test",
    configuration: { baseURL: standIn.baseURL },
    maxRetries: 1,
    ...overrides,
  });
}

/** Runs `fn` and returns how long it took and what it threw (undefined if it did not throw). */
async function timedFailure(fn: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await fn();
    return { error: undefined, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

describe("chat completions through ChatOpenAI", () => {
  test("invoke returns the scripted reply and the stand-in records the prompt, model and API key", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "reply", content: "Attention is all you need [1]." });

    const reply = await chatModel(standIn).invoke("Which paper introduced the Transformer?");

    assert.equal(reply.content, "Attention is all you need [1].");
    const [request] = standIn.requestsTo(CHAT_PATH);
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.headers.authorization, "Bearer sk-test");
    assert.deepEqual(request.body, {
      model: "test-model",
      messages: [{ role: "user", content: "Which paper introduced the Transformer?" }],
      stream: false,
    });
  });

  test(
    "structured output by function calling gets a call of the forced function, invoked or streamed, and " +
      "a reply that is not its JSON fails to parse",
    async (t) => {
      const standIn = await standInFor(t);
      const schema = z.object({ answer: z.string(), confidence: z.number() });
      const structured = chatModel(standIn, { maxRetries: 0 }).withStructuredOutput(schema, { name: "verdict", method: "functionCalling" });
      standIn.chat.setDefault({ kind: "reply", content: JSON.stringify({ answer: "Transformers", confidence: 0.9 }) });

      assert.deepEqual(await structured.invoke("Which architecture?"), { answer: "Transformers", confidence: 0.9 });
      const [request] = standIn.requestsTo(CHAT_PATH);
      assert.deepEqual((request?.body as { tool_choice?: unknown }).tool_choice, { type: "function", function: { name: "verdict" } });
      let last: unknown;
      for await (const partial of await structured.stream("Which architecture?")) last = partial;
      assert.deepEqual(last, { answer: "Transformers", confidence: 0.9 });

      standIn.chat.setDefault({ kind: "reply", content: "Transformers, fairly sure." });
      await assert.rejects(structured.invoke("Which architecture?"));
    },
  );

  test("a reply function sees the request body, so a reply can quote the prompt", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.setDefault({ kind: "reply", content: (body) => `You asked: ${promptText(body)}` });

    const first = await chatModel(standIn).invoke("What is RAG?");
    const second = await chatModel(standIn).invoke("What is LoRA?");

    assert.equal(first.content, "You asked: What is RAG?");
    assert.equal(second.content, "You asked: What is LoRA?");
  });

  test("stream() yields several chunks that concatenate to the scripted reply", async (t) => {
    const standIn = await standInFor(t);
    const content = "Retrieval-augmented generation combines a retriever with a generator.";
    standIn.chat.enqueue({ kind: "reply", content });

    const texts: string[] = [];
    for await (const chunk of await chatModel(standIn).stream("What is RAG?")) {
      assert.equal(typeof chunk.content, "string");
      texts.push(chunk.content as string);
    }

    assert.ok(texts.filter((text) => text !== "").length > 1, `expected several non-empty chunks, got ${JSON.stringify(texts)}`);
    assert.equal(texts.join(""), content);
    const body = standIn.requestsTo(CHAT_PATH)[0]?.body as Record<string, unknown>;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  test("a stream dropped mid-way rejects after the chunks already sent, and is not retried", async (t) => {
    const standIn = await standInFor(t);
    const content = "The quick brown fox jumps over the lazy dog.";
    standIn.chat.enqueue({ kind: "dropMidStream", after: 2, content }, { kind: "reply", content: "never requested" });

    const texts: string[] = [];
    const { error } = await timedFailure(async () => {
      for await (const chunk of await chatModel(standIn).stream("q")) texts.push(chunk.content as string);
    });

    assert.ok(error instanceof TypeError, `expected undici's TypeError, got ${String(error)}`);
    assert.equal(error.message, "terminated");
    assert.equal(texts.filter((text) => text !== "").length, 2);
    assert.ok(content.startsWith(texts.join("")) && texts.join("").length > 0);
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a stream that stalls mid-way stays open after the chunks already sent, until the caller's signal aborts it", async (t) => {
    const standIn = await standInFor(t);
    const content = "The quick brown fox jumps over the lazy dog.";
    standIn.chat.enqueue({ kind: "stallMidStream", after: 2, content });

    const controller = new AbortController();
    const texts: string[] = [];
    const { error } = await timedFailure(async () => {
      for await (const chunk of await chatModel(standIn).stream("q", { signal: controller.signal })) {
        texts.push(chunk.content as string);
        // The stall is observed, not slept for: abort once both chunks are in.
        if (texts.filter((text) => text !== "").length === 2) setImmediate(() => controller.abort());
      }
    });

    assert.ok(error instanceof Error && /abort/i.test(`${error.name} ${error.message}`), `expected an abort, got ${String(error)}`);
    assert.ok(content.startsWith(texts.join("")) && texts.filter((text) => text !== "").length === 2);
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a reply with chunkDelayMs streams its chunks that far apart", async (t) => {
    const standIn = await standInFor(t, { streamChunks: 3 });
    standIn.chat.enqueue({ kind: "reply", content: "one two three", chunkDelayMs: 150 });
    const arrivals: number[] = [];
    const started = performance.now();
    for await (const chunk of await chatModel(standIn).stream("q")) if (chunk.content) arrivals.push(performance.now() - started);
    assert.equal(arrivals.length, 3);
    // Each chunk waits its delay on the server: the last cannot come before 3 × 150 ms.
    assert.ok(arrivals.at(-1)! >= 440, `last chunk after ${Math.round(arrivals.at(-1)!)} ms`);
  });

  test("a malformed JSON body rejects with a SyntaxError", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "malformed" });

    // maxRetries: 0 because a SyntaxError is retried (with 1–2 s backoff) like a 500.
    await assert.rejects(chatModel(standIn, { maxRetries: 0 }).invoke("q"), SyntaxError);
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a 400 is not retried", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "status", status: 400 }, { kind: "reply", content: "never requested" });

    await assert.rejects(chatModel(standIn).invoke("q"), { status: 400, message: /^400 Invalid request/ });
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a 429 without Retry-After is not retried: it rejects at once as a rate-limit capacity error", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "status", status: 429 }, { kind: "reply", content: "never requested" });

    await assert.rejects(chatModel(standIn).invoke("q"), {
      status: 429,
      name: "RateLimitCapacityError",
      rateLimitType: "capacity",
    });
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a 429 with Retry-After over 60 s is not retried", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "status", status: 429, retryAfterSeconds: 120 }, { kind: "reply", content: "never requested" });

    await assert.rejects(chatModel(standIn).invoke("q"), { status: 429, name: "RateLimitCapacityError", retryAfterMs: 120_000 });
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });
});

// Each of these waits for LangChain's backoff (1–2 s for the first retry, 2–4 s for the second),
// so they run side by side.
describe("retries and timeouts through ChatOpenAI and OpenAIEmbeddings", { concurrency: true }, () => {
  test("a 429 with Retry-After: 0 is retried and the retry gets the reply", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "status", status: 429, retryAfterSeconds: 0 }, { kind: "reply", content: "after the rate limit" });

    const start = performance.now();
    const reply = await chatModel(standIn).invoke("q");
    const ms = performance.now() - start;

    assert.equal(reply.content, "after the rate limit");
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 2);
    // Retry-After: 0 does not shorten LangChain's own backoff (first retry waits 1–2 s).
    assert.ok(ms >= 950, `retried after ${ms.toFixed(0)} ms`);
    t.diagnostic(`429 → reply took ${ms.toFixed(0)} ms`);
  });

  test("a 429 with Retry-After: 2 waits at least 2 s before retrying", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "status", status: 429, retryAfterSeconds: 2 }, { kind: "reply", content: "later" });

    const start = performance.now();
    const reply = await chatModel(standIn).invoke("q");
    const ms = performance.now() - start;

    assert.equal(reply.content, "later");
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 2);
    assert.ok(ms >= 1950, `retried after ${ms.toFixed(0)} ms`);
    t.diagnostic(`429 (Retry-After: 2) → reply took ${ms.toFixed(0)} ms`);
  });

  test("three 500s with maxRetries 2 make three requests, then the call rejects", async (t) => {
    const standIn = await standInFor(t);
    for (let i = 0; i < 3; i++) standIn.chat.enqueue({ kind: "status", status: 500 });
    standIn.chat.setDefault({ kind: "reply", content: "never requested" });

    const { error, ms } = await timedFailure(() => chatModel(standIn, { maxRetries: 2 }).invoke("q"));

    assert.ok(error instanceof Error, "expected a rejection");
    assert.equal((error as Error & { status?: number }).status, 500);
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 3);
    t.diagnostic(`3 × 500 took ${ms.toFixed(0)} ms`);
  });

  test("a hanging server makes the call reject with a TimeoutError soon after the timeout", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.setDefault({ kind: "hang" });

    // maxRetries: 0 isolates the timeout: timeouts are retried, with backoff, like a 500.
    const { error, ms } = await timedFailure(() => chatModel(standIn, { timeout: 300, maxRetries: 0 }).invoke("q"));

    assert.ok(error instanceof Error, "expected a rejection");
    assert.equal(error.name, "TimeoutError");
    assert.equal(error.message, "Request timed out.");
    assert.ok(ms >= 250 && ms < 2000, `rejected after ${ms.toFixed(0)} ms`);
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 1);
  });

  test("a timed-out request is retried", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.enqueue({ kind: "hang" }, { kind: "reply", content: "second time lucky" });

    const reply = await chatModel(standIn, { timeout: 1_000, maxRetries: 1 }).invoke("q");

    assert.equal(reply.content, "second time lucky");
    assert.equal(standIn.requestsTo(CHAT_PATH).length, 2);
  });

  test("close() ends a hanging request at once, so nothing keeps the process alive", async (t) => {
    const standIn = await standInFor(t);
    standIn.chat.setDefault({ kind: "hang" });

    const call = chatModel(standIn, { timeout: 60_000, maxRetries: 0 }).invoke("q");
    while (standIn.requestsTo(CHAT_PATH).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const start = performance.now();
    await standIn.close();
    const { error } = await timedFailure(() => call);
    const ms = performance.now() - start;

    assert.ok(error instanceof Error, "expected a rejection");
    assert.match(error.message, /Connection error/);
    assert.ok(ms < 1000, `close and rejection took ${ms.toFixed(0)} ms`);
  });

  test("an embeddings 503 is retried", async (t) => {
    const standIn = await standInFor(t);
    standIn.embeddings.enqueue({ kind: "status", status: 503, retryAfterSeconds: 0 });

    const [vector] = await embeddingsModel(standIn).embedDocuments(["x"]);

    assert.equal(vector?.length, 64);
    assert.equal(standIn.requestsTo(EMBEDDINGS_PATH).length, 2);
  });
});

describe("embeddings through OpenAIEmbeddings", () => {
  test("embedDocuments returns one deterministic vector of the configured dimensions per text", async (t) => {
    const standIn = await standInFor(t, { dimensions: 32 });
    const texts = ["sparse attention", "dense retrieval", "sparse attention"];

    const vectors = await embeddingsModel(standIn).embedDocuments(texts);

    assert.equal(vectors.length, 3);
    for (const vector of vectors) {
      assert.equal(vector.length, 32);
      assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-9, "L2-normalised");
    }
    assert.deepEqual(vectors[0], vectors[2]);
    assert.notDeepEqual(vectors[0], vectors[1]);
    assert.deepEqual(vectors[1], hashedEmbedding("dense retrieval", 32));
    const body = standIn.requestsTo(EMBEDDINGS_PATH)[0]?.body as Record<string, unknown>;
    assert.deepEqual(body.input, texts);
    assert.equal(body.encoding_format, "float");
  });

  test("without encodingFormat the client asks for base64 and decodes the same vectors", async (t) => {
    const standIn = await standInFor(t);

    const [vector] = await embeddingsModel(standIn, {}).embedDocuments(["mixture of experts"]);

    assert.equal((standIn.requestsTo(EMBEDDINGS_PATH)[0]?.body as Record<string, unknown>).encoding_format, "base64");
    const expected = hashedEmbedding("mixture of experts");
    assert.equal(vector?.length, expected.length);
    expected.forEach((x, i) => assert.ok(Math.abs((vector?.[i] ?? NaN) - x) < 1e-6, `dimension ${i}`));
  });

  test("embedQuery sends a single string input and gets the hashed vector", async (t) => {
    const standIn = await standInFor(t);

    const vector = await embeddingsModel(standIn).embedQuery("graph neural networks");

    assert.deepEqual(vector, hashedEmbedding("graph neural networks"));
    assert.equal((standIn.requestsTo(EMBEDDINGS_PATH)[0]?.body as Record<string, unknown>).input, "graph neural networks");
  });

  test("scripted vectors and wrong dimensions reach the caller unchecked", async (t) => {
    const standIn = await standInFor(t);
    standIn.embeddings.enqueue(
      {
        kind: "vectors",
        vectors: [
          [1, 0],
          [0, 1],
        ],
      },
      { kind: "wrongDimensions", dims: 3 },
    );
    const embeddings = embeddingsModel(standIn);

    assert.deepEqual(await embeddings.embedDocuments(["a", "b"]), [
      [1, 0],
      [0, 1],
    ]);
    // LangChain does not check the length: callers must (LanceDB would silently pad or cut).
    assert.deepEqual(
      (await embeddings.embedDocuments(["a", "b"])).map((v) => v.length),
      [3, 3],
    );
  });
});

test("GET /v1/models lists the configured model names", async (t) => {
  const standIn = await standInFor(t, { models: ["gpt-test", "embed-test"] });

  const response = await fetch(`${standIn.baseURL}/models`, { headers: { authorization: "Bearer sk-test" } });
  const body = (await response.json()) as { object: string; data: Array<{ id: string }> };

  assert.equal(response.status, 200);
  assert.equal(body.object, "list");
  assert.deepEqual(
    body.data.map((model) => model.id),
    ["gpt-test", "embed-test"],
  );
});
