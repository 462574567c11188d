/**
 * An OpenAI-compatible stand-in HTTP server for tests.
 *
 * Tests reach "OpenAI" through this real HTTP server on 127.0.0.1 (never by mocking client
 * library methods), so the whole path — @langchain/openai → the `openai` SDK → fetch (undici) →
 * HTTP — is exercised exactly as in production.
 *
 *   const standIn = await startOpenAiStandIn();
 *   t.after(() => standIn.close());
 *   const chat = new ChatOpenAI({ model: "test-model", apiKey: "sk-test",
 *     configuration: { baseURL: standIn.baseURL }, maxRetries: 2, timeout: 2000 });
 *   standIn.chat.enqueue({ kind: "status", status: 429, retryAfterSeconds: 0 },
 *                        { kind: "reply", content: "hello" });
 *
 * Endpoints: POST /v1/chat/completions (JSON, or SSE when `stream: true`; a request that forces a
 * function, as structured output by function calling does, gets a call of it: see `forcedFunction`),
 * POST /v1/embeddings (float arrays, or base64 Float32 LE when `encoding_format: "base64"`),
 * GET /v1/models. Anything else gets an OpenAI-style 404.
 *
 * ---------------------------------------------------------------------------------------------
 * How LangChain retries and times out (read from @langchain/core 1.4.0 and @langchain/openai
 * 1.5.8 in node_modules, and confirmed by openAiStandIn.test.ts). Keep it in mind when writing
 * tests, because the backoff cannot be configured away:
 *
 * - The `openai` SDK client is created with `maxRetries: 0`; all retrying is done by LangChain's
 *   AsyncCaller (`@langchain/core/utils/async_caller`), which wraps its own copy of p-retry
 *   (`@langchain/core/dist/utils/p-retry`). `maxRetries: n` means 1 + n attempts (default 6).
 * - Backoff between attempts is p-retry's default: minTimeout 1000 ms, factor 2, randomize
 *   true, i.e. the k-th retry waits 1000·2^(k-1)·(1..2) ms: 1–2 s, then 2–4 s, then 4–8 s...
 *   AsyncCaller passes no minTimeout/factor, and ChatOpenAI/OpenAIEmbeddings expose none, so a
 *   test pays at least ~1 s per retry. `Retry-After` can only make the wait LONGER:
 *   delay = max(backoff, retryAfterMs). So `Retry-After: 0` does not speed things up.
 *   => Keep tests fast by scripting few failures, using `maxRetries: 0` when retrying is not
 *      what the test is about, and running slow tests concurrently (each with its own stand-in).
 * - Not retried (fails at once): HTTP 400, 401, 402, 403, 404, 405, 406, 407, 409, 413, aborts
 *   by the caller's signal, and TypeErrors that are not network errors.
 *   Retried: every other status (408, 410, 422, 500, 502, 503, ...; 408/422/500/503 were
 *   observed), connection errors and connections cut mid-answer (undici's "fetch failed" /
 *   "terminated" count as network errors), timeouts, and 200s whose body is not valid JSON
 *   (a SyntaxError).
 * - 429 is special (classifyRateLimitError): retried only when it carries a usable hint —
 *   a `Retry-After` header of ≤ 60 s (seconds or HTTP date), or a message like
 *   "try again in 20ms". A 429 WITHOUT such a hint, or with Retry-After > 60 s, is NOT retried:
 *   it rejects immediately (the error is tagged `rateLimitType: "capacity"`). A 429 whose code is
 *   `insufficient_quota` (or whose message talks about quota/billing) is never retried either.
 *   This stand-in's default error messages deliberately contain no "try again in N" text, so
 *   the Retry-After header is the only hint.
 * - `timeout` is the SDK's: it aborts the fetch if the response HEADERS have not arrived in
 *   time (a body or stream that stalls after its headers is not covered). LangChain rethrows it as a
 *   plain `Error` with `name: "TimeoutError"`, message "Request timed out.", stamped retryable,
 *   so a timed-out call is retried like a 500: with `maxRetries: 2, timeout: 300` a hanging
 *   server costs 3 × 300 ms plus 3–6 s of backoff.
 * - `.stream()`: an error status or a hang BEFORE the stream starts is retried as above, but a
 *   stream that breaks after it started (see `dropMidStream`) is NOT: only the request that
 *   returns the stream object runs inside the retry loop; the iteration fails with undici's
 *   `TypeError: terminated` (cause: SocketError "other side closed") after the chunks already
 *   received.
 * - close() while a request hangs: the client rejects at once with the SDK's
 *   APIConnectionError "Connection error." (cause: TypeError "fetch failed").
 * - Nothing bounds a stream that stalls after it started (see `stallMidStream`) or trickles
 *   (a reply's `chunkDelayMs`): only the caller's AbortSignal ends it, with an AbortError
 *   (`.stream(messages, { signal })`; the answerer's deadlines do this).
 * ---------------------------------------------------------------------------------------------
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// ----------------------------------------------------------------------------------------------
// Behaviours a test can script
// ----------------------------------------------------------------------------------------------

/** The JSON body the client sent to /v1/chat/completions (only the fields we look at are typed). */
export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [field: string]: unknown;
}

/** The JSON body the client sent to /v1/embeddings. */
export interface EmbeddingsRequestBody {
  model?: string;
  input?: unknown;
  encoding_format?: "float" | "base64";
  dimensions?: number;
  [field: string]: unknown;
}

/** Answer with an HTTP error status and an OpenAI-style `{error:{message,type,code}}` body. */
export interface StatusBehaviour {
  kind: "status";
  status: number;
  /** Sets the `Retry-After` header (in seconds). */
  retryAfterSeconds?: number;
  /** Replaces the default error body: an object is sent as JSON, a string as-is. */
  body?: unknown;
}

/** Never answer; the request stays open until the client aborts or the stand-in closes. */
export interface HangBehaviour {
  kind: "hang";
}

/** 200 with `content-type: application/json` and a body that is not valid JSON. */
export interface MalformedBehaviour {
  kind: "malformed";
}

/**
 * Start the answer, then destroy the socket. For a streaming chat request: the role chunk and
 * `after` content chunks are sent first. For anything else: the headers and the first bytes of
 * the JSON body.
 */
export interface DropMidStreamBehaviour {
  kind: "dropMidStream";
  after: number;
  /** The reply being streamed when the connection drops. Default "This stream will be cut short." */
  content?: string;
}

/**
 * Start a streamed chat answer, then go silent with the connection open: the role chunk and
 * `after` content chunks are sent, then nothing until the client gives up or the stand-in closes.
 * (A request that does not stream gets no answer at all, like `hang`.)
 */
export interface StallMidStreamBehaviour {
  kind: "stallMidStream";
  after: number;
  /** The reply being streamed when it stalls. Default "This stream will stall part-way." */
  content?: string;
}

/** The behaviours both endpoints answer in the same way. */
type SharedBehaviour = StatusBehaviour | HangBehaviour | MalformedBehaviour;
type CommonBehaviour = SharedBehaviour | DropMidStreamBehaviour;

function isShared(b: { kind: string }): b is SharedBehaviour {
  return b.kind === "status" || b.kind === "hang" || b.kind === "malformed";
}

/** Answer the chat request with `content` (or with what the function returns for the body). */
export interface ReplyBehaviour {
  kind: "reply";
  content: string | ((body: ChatRequestBody) => string);
  /** Pause before each streamed chunk, for this reply only (a model that streams slowly). */
  chunkDelayMs?: number;
}

export type ChatBehaviour = ReplyBehaviour | StallMidStreamBehaviour | CommonBehaviour;

/** The default embeddings answer: deterministic hashed bag-of-words vectors (see below). */
export interface HashedEmbeddingsBehaviour {
  kind: "hashed";
}

/**
 * Answer with exactly these vectors, one `data` item each, whatever the number of inputs (so a
 * test can also simulate a response with too few or too many items).
 */
export interface VectorsBehaviour {
  kind: "vectors";
  vectors: number[][];
}

/** Hashed vectors as usual, but with `dims` dimensions instead of the requested/configured ones. */
export interface WrongDimensionsBehaviour {
  kind: "wrongDimensions";
  dims: number;
}

export type EmbeddingsBehaviour = HashedEmbeddingsBehaviour | VectorsBehaviour | WrongDimensionsBehaviour | CommonBehaviour;

/** A queue of behaviours: each request to the endpoint takes the next one, then the default. */
export interface BehaviourQueue<B> {
  /** Append behaviours; they are consumed one per request, in order. */
  enqueue(...behaviours: B[]): void;
  /** The behaviour used once the queue is empty. */
  setDefault(behaviour: B): void;
  /** How many enqueued behaviours have not been consumed yet. */
  readonly pending: number;
}

// ----------------------------------------------------------------------------------------------
// The stand-in
// ----------------------------------------------------------------------------------------------

export interface OpenAiStandInOptions {
  /** Dimensions of the default embeddings when the request names none. Default 64. */
  dimensions?: number;
  /** Model names listed by GET /v1/models. Default ["test-model", "test-embed"]. */
  models?: string[];
  /** Into how many content chunks a streamed reply is split (at most). Default 5. */
  streamChunks?: number;
  /** Pause between streamed chunks, so streaming is observable. Default 5 ms. */
  streamChunkDelayMs?: number;
}

/** One request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  /** Header names are lower-case (Node's IncomingHttpHeaders). */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  rawBody: string;
}

export interface OpenAiStandIn {
  /** e.g. "http://127.0.0.1:PORT/v1" — pass as `configuration: { baseURL }`. */
  readonly baseURL: string;
  /** Every request received, in arrival order (recorded before it is answered). */
  readonly requests: RecordedRequest[];
  /** The requests received on one path, e.g. requestsTo("/v1/chat/completions"). */
  requestsTo(path: string): RecordedRequest[];
  readonly chat: BehaviourQueue<ChatBehaviour>;
  readonly embeddings: BehaviourQueue<EmbeddingsBehaviour>;
  /** Stops listening, ends hanging requests and destroys open sockets. Safe to call twice. */
  close(): Promise<void>;
}

export async function startOpenAiStandIn(options: OpenAiStandInOptions = {}): Promise<OpenAiStandIn> {
  const defaultDimensions = options.dimensions ?? 64;
  const models = options.models ?? ["test-model", "test-embed"];
  const streamChunks = Math.max(1, options.streamChunks ?? 5);
  const streamChunkDelayMs = options.streamChunkDelayMs ?? 5;

  const requests: RecordedRequest[] = [];
  const chat = createQueue<ChatBehaviour>({ kind: "reply", content: "This is the stand-in's reply." });
  const embeddings = createQueue<EmbeddingsBehaviour>({ kind: "hashed" });
  let idCounter = 0;
  const nextId = (prefix: string): string => `${prefix}-standin-${++idCounter}`;

  // Track sockets ourselves so close() can destroy them even if a response is mid-flight.
  const sockets = new Set<Socket>();
  let closed = false;
  let closing: Promise<void> | undefined;
  // Pauses between streamed chunks; after close() they no longer wait (the writes then no-op).
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, closed ? 0 : ms));

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the stand-in itself: make it loud (500 with the message) rather than hang.
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, errorBody(`stand-in failure: ${String(error)}`, "server_error", null));
      } else {
        res.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    const method = req.method ?? "GET";
    let body: unknown;
    try {
      body = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    requests.push({ method, path, headers: req.headers, body, rawBody });

    if (method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "stand-in" })),
      });
      return;
    }
    const isChat = method === "POST" && path === "/v1/chat/completions";
    const isEmbeddings = method === "POST" && path === "/v1/embeddings";
    if (!isChat && !isEmbeddings) {
      sendJson(res, 404, errorBody(`Unknown request URL: ${method} ${path}.`, "invalid_request_error", "unknown_url"));
      return;
    }
    if (!isObject(body)) {
      sendJson(res, 400, errorBody("The request body must be a JSON object.", "invalid_request_error", null));
      return;
    }
    if (isChat) await answerChat(body as ChatRequestBody, chat.next(), res);
    else await answerEmbeddings(body as EmbeddingsRequestBody, embeddings.next(), res);
  }

  /** Answers the behaviours that work the same on every endpoint. */
  function answerShared(b: SharedBehaviour, res: ServerResponse): void {
    switch (b.kind) {
      case "status": {
        const headers: Record<string, string> = {};
        if (b.retryAfterSeconds !== undefined) headers["retry-after"] = String(b.retryAfterSeconds);
        if (typeof b.body === "string") {
          res.writeHead(b.status, { ...headers, "content-type": "application/json" });
          res.end(b.body);
        } else {
          sendJson(res, b.status, b.body ?? defaultErrorBody(b.status), headers);
        }
        return;
      }
      case "hang":
        // Deliberately never answer. The client's timeout/abort closes the socket, or close()
        // destroys it.
        return;
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"id": "truncated", "object": "chat.completion", "choices": [');
        return;
    }
  }

  async function answerChat(body: ChatRequestBody, b: ChatBehaviour, res: ServerResponse): Promise<void> {
    if (isShared(b)) return answerShared(b, res);
    const model = typeof body.model === "string" ? body.model : "test-model";
    const id = nextId("chatcmpl");
    const created = Math.floor(Date.now() / 1000);

    if (b.kind === "stallMidStream" && !body.stream) return; // like "hang"
    if (b.kind === "dropMidStream" && !body.stream) {
      // Not streaming: start a JSON answer and cut the connection in the middle of it.
      res.writeHead(200, { "content-type": "application/json" });
      await write(res, '{"id": "' + id + '", "object": "chat.completion", ');
      res.destroy();
      return;
    }

    // A reply (or a streamed reply that will be dropped part-way).
    const content =
      b.kind === "reply"
        ? typeof b.content === "function"
          ? b.content(body)
          : b.content
        : b.kind === "stallMidStream"
          ? (b.content ?? "This stream will stall part-way.")
          : (b.content ?? "This stream will be cut short.");
    const usage = {
      prompt_tokens: countTokens(promptText(body)),
      completion_tokens: countTokens(content),
      total_tokens: countTokens(promptText(body)) + countTokens(content),
    };

    // Forced to call a function: the reply's content is the call's arguments (a JSON text), as the API sends them.
    const call = forcedFunction(body);
    const callId = call ? nextId("call") : undefined;
    const finishReason = call ? "tool_calls" : "stop";

    if (!body.stream) {
      const message = call
        ? {
            role: "assistant",
            content: null,
            tool_calls: [{ id: callId, type: "function", function: { name: call, arguments: content } }],
            refusal: null,
          }
        : { role: "assistant", content, refusal: null };
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      return;
    }

    // Server-sent events, as the real API sends them:
    //   role chunk → content chunks → finish_reason chunk → (usage chunk) → [DONE]
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
    /** Sends one SSE event; false if the client went away (or close() ran) meanwhile. */
    const send = (data: unknown): Promise<boolean> => write(res, `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);

    const pieces = splitIntoChunks(content, streamChunks);
    const delayMs = b.kind === "reply" ? (b.chunkDelayMs ?? streamChunkDelayMs) : streamChunkDelayMs;
    // A function call streams its arguments in pieces, under the call's index, after a first chunk naming it.
    const first = call
      ? {
          role: "assistant",
          content: null,
          tool_calls: [{ index: 0, id: callId, type: "function", function: { name: call, arguments: "" } }],
        }
      : { role: "assistant", content: "" };
    const delta = (piece: string) => (call ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece });
    if (!(await send(chunk(first, null)))) return;
    for (const [i, piece] of pieces.entries()) {
      if (b.kind === "dropMidStream" && i >= b.after) {
        // `after` content chunks have been flushed: now the client sees the connection end
        // in the middle of the stream (no finish chunk, no [DONE]).
        res.destroy();
        return;
      }
      // `after` content chunks have been flushed: now silence, until the client or close() ends it.
      if (b.kind === "stallMidStream" && i >= b.after) return;
      await sleep(delayMs);
      if (!(await send(chunk(delta(piece), null)))) return;
    }
    if (b.kind === "dropMidStream") {
      res.destroy(); // `after` ≥ the number of pieces: drop just before the finish chunk
      return;
    }
    if (b.kind === "stallMidStream") return; // `after` ≥ the number of pieces: stall before the finish chunk
    await sleep(streamChunkDelayMs);
    if (!(await send(chunk({}, finishReason)))) return;
    if (body.stream_options?.include_usage) {
      // With include_usage the API sends one more chunk with empty choices and the usage.
      if (!(await send({ id, object: "chat.completion.chunk", created, model, choices: [], usage }))) return;
    }
    if (!(await send("[DONE]"))) return;
    res.end();
  }

  async function answerEmbeddings(body: EmbeddingsRequestBody, b: EmbeddingsBehaviour, res: ServerResponse): Promise<void> {
    if (isShared(b)) return answerShared(b, res);
    if (b.kind === "dropMidStream") {
      // Start a JSON answer and cut the connection in the middle of it.
      res.writeHead(200, { "content-type": "application/json" });
      await write(res, '{"object": "list", "data": [');
      res.destroy();
      return;
    }
    const inputs = normaliseInput(body.input);
    const dims = typeof body.dimensions === "number" && body.dimensions > 0 ? body.dimensions : defaultDimensions;
    let vectors: number[][];
    switch (b.kind) {
      case "vectors":
        vectors = b.vectors;
        break;
      case "wrongDimensions":
        vectors = inputs.map((text) => hashedEmbedding(text, b.dims));
        break;
      case "hashed":
        vectors = inputs.map((text) => hashedEmbedding(text, dims));
        break;
    }
    const base64 = body.encoding_format === "base64";
    const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    sendJson(res, 200, {
      object: "list",
      data: vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: base64 ? float32Base64(vector) : vector,
      })),
      model: typeof body.model === "string" ? body.model : "test-embed",
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    chat: chat.queue,
    embeddings: embeddings.queue,
    close() {
      if (closing) return closing;
      closed = true;
      closing = new Promise<void>((resolve) => {
        // close() stops accepting connections and calls back once every connection is gone;
        // closeAllConnections() and destroying our tracked sockets make that happen now, even
        // for hanging requests, idle keep-alive sockets and streams in progress.
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  } satisfies OpenAiStandIn;
}

// ----------------------------------------------------------------------------------------------
// Deterministic embeddings and other pure helpers (exported for tests that want to predict
// exactly what the stand-in will answer)
// ----------------------------------------------------------------------------------------------

/**
 * The default embedding: a hashed bag of words. The text is lower-cased and split into words
 * (runs of letters/digits); each word adds ±1 to one of `dims` buckets (FNV-1a hash picks the
 * bucket and the sign); the result is L2-normalised. Same text → same vector; texts sharing
 * words have a positive cosine similarity; word order does not matter. A text with no words
 * gets a fixed unit vector (1, 0, 0, ...) so it never has zero length.
 */
export function hashedEmbedding(text: string, dims = 64): number[] {
  const vector = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word);
    const bucket = hash % dims;
    vector[bucket] = (vector[bucket] ?? 0) + ((hash >>> 31) & 1 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((x) => x / norm);
}

/** What the real API sends for `encoding_format: "base64"`: Float32 little-endian bytes. */
export function float32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString("base64");
}

/**
 * The function a chat request forces the model to call, as structured output by function calling asks:
 * `tool_choice: { type: "function", function: { name } }`, or `"required"` with one tool. Undefined when
 * the model may answer in text (no tools, `tool_choice` "auto" or "none").
 */
export function forcedFunction(body: ChatRequestBody): string | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  const choice = body.tool_choice;
  if (isObject(choice) && isObject(choice.function) && typeof choice.function.name === "string") return choice.function.name;
  const only = tools.length === 1 && isObject(tools[0]) && isObject(tools[0].function) ? tools[0].function.name : undefined;
  return choice === "required" && typeof only === "string" ? only : undefined;
}

/** All message contents of a chat request, joined by newlines (text parts of arrays included). */
export function promptText(body: ChatRequestBody): string {
  return (body.messages ?? [])
    .map(({ content }) => {
      if (typeof content === "string") return content;
      if (Array.isArray(content)) {
        return content.map((part: unknown) => (isObject(part) && typeof part.text === "string" ? part.text : "")).join("");
      }
      return "";
    })
    .join("\n");
}

/** Splits text into at most `n` pieces of similar length (by code point, never mid-character). */
export function splitIntoChunks(text: string, n: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [""];
  const size = Math.ceil(chars.length / Math.min(n, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `input` may be a string, a string[], or token arrays (number[] / number[][]). */
function normaliseInput(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input)) {
    if (input.every((x) => typeof x === "number")) return [input.join(" ")];
    return input.map((x) => (typeof x === "string" ? x : Array.isArray(x) ? x.join(" ") : JSON.stringify(x)));
  }
  return [];
}

/** A rough token count (words and punctuation marks) for the `usage` fields. */
function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

function createQueue<B>(initialDefault: B): { queue: BehaviourQueue<B>; next(): B } {
  const pending: B[] = [];
  let fallback = initialDefault;
  return {
    queue: {
      enqueue: (...behaviours) => void pending.push(...behaviours),
      setDefault: (behaviour) => void (fallback = behaviour),
      get pending() {
        return pending.length;
      },
    },
    next: () => pending.shift() ?? fallback,
  };
}

function errorBody(message: string, type: string, code: string | null): { error: Record<string, unknown> } {
  return { error: { message, type, param: null, code } };
}

/** Error bodies shaped like the real API's. None says "try again in N" (see the header comment). */
function defaultErrorBody(status: number): { error: Record<string, unknown> } {
  switch (status) {
    case 400:
      return errorBody("Invalid request (scripted by the stand-in).", "invalid_request_error", null);
    case 401:
      return errorBody("Incorrect API key provided (scripted by the stand-in).", "invalid_request_error", "invalid_api_key");
    case 429:
      return errorBody("Rate limit reached for requests (scripted by the stand-in).", "requests", "rate_limit_exceeded");
    case 503:
      return errorBody("The engine is currently overloaded (scripted by the stand-in).", "server_error", "service_unavailable");
    default:
      return errorBody(
        `The server had an error while processing your request (scripted status ${status}).`,
        status >= 500 ? "server_error" : "invalid_request_error",
        null,
      );
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Writes and waits until the bytes are handed to the socket. Destroying a response right after a
 * plain res.write() would lose the bytes (Node corks the socket until the next tick), so the
 * drop behaviours await this before res.destroy(). Resolves false if the response is already
 * gone (client disconnected or close() ran) or the write fails.
 */
function write(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => res.write(text, (error) => resolve(!error)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
