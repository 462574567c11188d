import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../config.js";
import { endpointOf } from "../endpoint.js";
import type { Logger } from "../logger.js";
import type { AnswererDeps } from "./createAnswerer.js";

/**
 * Who waits for the model. `answer`: a user, within LLM_FIRST_TOKEN_MS / LLM_ANSWER_MS, after which the
 * papers are quoted instead: no retries, whose backoff (1–2 s, then 2–4 s, …) would spend that budget.
 * `background`: the digest's TL;DRs, retried with backoff (OPENAI_MAX_RETRIES, OPENAI_TIMEOUT_MS).
 */
export type ChatModelUse = "answer" | "background";

/**
 * The chat model when answers should be written by one: ANSWER_MODE=llm, or
 * auto with a key. `@langchain/openai` is imported only then (it costs ~0.7 s of start-up).
 * With a logger, every call of the model is logged at debug level with its tokens and latency.
 */
export async function createChatModel(
  config: Pick<Config, "chat" | "openai" | "deadlines">,
  use: ChatModelUse,
  logger?: Logger,
): Promise<BaseChatModel | undefined> {
  const wanted = config.chat.mode === "llm" || (config.chat.mode === "auto" && config.openai.apiKey !== undefined);
  if (!wanted) return undefined;
  const [{ ChatOpenAI }, { ModelCallLogger }] = await Promise.all([import("@langchain/openai"), import("../llm/modelCallLogger.js")]);
  const waiting = use === "answer";
  return new ChatOpenAI({
    model: config.chat.model,
    temperature: config.chat.temperature,
    apiKey: config.openai.apiKey,
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : {},
    // The SDK's timeout covers only the wait for the response's headers; the answerer's deadlines cover the stream.
    timeout: waiting ? Math.min(config.openai.timeoutMs, config.deadlines.firstTokenMs) : config.openai.timeoutMs,
    maxRetries: waiting ? 0 : config.openai.maxRetries,
    ...(logger ? { callbacks: [new ModelCallLogger(logger, use)] } : {}),
  });
}

/** What an answerer needs to write answers for a waiting user: the model (if any), its endpoint, the deadlines. */
export async function modelForAnswers(
  config: Pick<Config, "chat" | "openai" | "deadlines">,
  logger?: Logger,
): Promise<Pick<AnswererDeps, "llm" | "endpoint" | "deadlines">> {
  const llm = await createChatModel(config, "answer", logger);
  return { llm, endpoint: llm ? endpointOf(config.openai) : undefined, deadlines: config.deadlines };
}
