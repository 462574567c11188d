import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Config } from "../config.js";

/**
 * The chat model when answers should be written by one: ANSWER_MODE=llm, or
 * auto with a key. `@langchain/openai` is imported only then (it costs ~0.7 s of start-up).
 */
export async function createChatModel(config: Pick<Config, "chat" | "openai">): Promise<BaseChatModel | undefined> {
  const wanted = config.chat.mode === "llm" || (config.chat.mode === "auto" && config.openai.apiKey !== undefined);
  if (!wanted) return undefined;
  const { ChatOpenAI } = await import("@langchain/openai");
  return new ChatOpenAI({
    model: config.chat.model,
    temperature: config.chat.temperature,
    apiKey: config.openai.apiKey ?? "no-key",
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : {},
    timeout: config.openai.timeoutMs,
    maxRetries: config.openai.maxRetries,
  });
}
