import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "pino";
import { withoutSecrets } from "../endpoint.js";
import { errorMessage } from "../errors.js";
import { DeadlineError, before } from "./deadline.js";

/**
 * Turning a follow-up ("what dataset did the second one use?") into a question
 * that stands on its own, without a language model: ordinals point at the
 * previous answer's sources, and a short or referring question borrows the
 * previous question's words.
 */

export interface Turn {
  question: string;
  /** Titles of the previous answer's sources, in citation order. */
  sourceTitles?: string[];
}

const ORDINALS: Record<string, number> = { first: 1, "1st": 1, second: 2, "2nd": 2, third: 3, "3rd": 3, fourth: 4, "4th": 4, fifth: 5, "5th": 5, last: -1 };
const REFERRING = /\b(it|its|they|them|their|this|that|these|those|the (paper|method|model|approach|one))\b/i;

export function standaloneQuestion(question: string, history: readonly Turn[]): string {
  const previous = history.at(-1);
  if (!previous) return question;
  const titles = previous.sourceTitles ?? [];
  const ordinal = /\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\b(?:\s+(?:one|paper|source))?|\[(\d)\]/i.exec(question);
  if (ordinal && titles.length > 0) {
    const n = ordinal[3] ? Number(ordinal[3]) : (ORDINALS[(ordinal[1] ?? "").toLowerCase()] ?? 0);
    const title = n === -1 ? titles.at(-1) : titles[n - 1];
    if (title) return `${question.replace(ordinal[0], `"${title}"`)}`;
  }
  const words = question.trim().split(/\s+/).length;
  if (REFERRING.test(question) || words <= 4) return `${question} (follow-up to: ${previous.question})`;
  return question;
}

const MAX_REWRITE_CHARS = 400;

export function formatHistory(history: readonly Turn[]): string {
  return history
    .slice(-4)
    .map((turn) => {
      const sources = (turn.sourceTitles ?? []).map((t, i) => `  source ${i + 1}: ${t}`).join("\n");
      return `Question: ${turn.question}${sources ? `\nAnswer cited:\n${sources}` : ""}`;
    })
    .join("\n");
}

/**
 * The standalone question for a follow-up: by the model when one is given
 * (falling back to the rule if it fails, replies with something unusable, or
 * has not replied by the moment `by`, a `performance.now()` time), by the rule otherwise.
 */
export async function condenseQuestion(question: string, history: readonly Turn[], llm?: BaseChatModel, logger?: Logger, by = Infinity): Promise<string> {
  if (history.length === 0) return question;
  if (!llm) return standaloneQuestion(question, history);
  const controller = new AbortController();
  try {
    const { rewritePrompt } = await import("./llmPrompt.js"); // LangChain's prompts load only when a model is configured
    const chain = rewritePrompt.pipe(llm);
    const reply = await before(chain.invoke({ history: formatHistory(history), question }, { signal: controller.signal }), by, () => {
      controller.abort();
      return new DeadlineError("did not rewrite the follow-up in time");
    });
    const text = reply.text.replace(/^["'“]|["'”]$/g, "").trim();
    if (text && text.length <= MAX_REWRITE_CHARS && !text.includes("\n")) return text;
    logger?.warn({ chars: text.length }, "follow-up rewrite unusable; using the rule");
  } catch (error) {
    logger?.warn({ err: withoutSecrets(errorMessage(error)) }, "follow-up rewrite failed; using the rule");
  }
  return standaloneQuestion(question, history);
}
