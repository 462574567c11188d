import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "pino";
import { withoutSecrets } from "../endpoint.js";
import { errorMessage } from "../errors.js";
import { DeadlineError, before } from "./deadline.js";
import { namesIn } from "./questionTerms.js";

/**
 * Turning a follow-up ("what dataset did the second one use?") into a question
 * that stands on its own, without a language model: ordinals point at the
 * previous answer's sources, and a question that points back, is short, or names
 * nothing borrows the words of the questions before it.
 */

export interface Turn {
  question: string;
  /** Titles of the previous answer's sources, in citation order. */
  sourceTitles?: string[];
}

const ORDINALS: Record<string, number> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  fifth: 5,
  "5th": 5,
  last: -1,
};
/** Words that point back: "it", "their", "the paper", "the 32B model", "that one" — but not the "that" of "papers that train". */
const REFERRING =
  /\b(it|its|they|them|their|this|these|those|the (?:(?:\d+(?:\.\d+)?[bm]|proposed|new|base|smaller|larger|biggest|smallest)\s+)?(paper|method|model|approach|one|authors)|that(?=\s+(one|paper|model|method|approach|work|dataset|benchmark|system)\b|\s*[?.!]*\s*$))\b/i;
/**
 * A question that starts a new search rather than asking more about the last answer, after an "and", "also" or
 * "ok so" of chat: "is there…", "anything that…", "one where…", "what about work where…" or "what about getting…"
 * (a thing described, unlike "what about at 4 bits?", which asks the thread's paper more).
 */
const NEW_SEARCH =
  /^\s*(?:(?:and|also|but|so|ok(?:ay)?|oh|then)\b[\s,]*)*(?:(?:is|are|was|were)(?:n't)?\s+there|(?:did|has|have)\s+(?:anyone|anybody|someone)|any(?:one|body)?\b|(?:any|some)thing(?!\s+else)\b|(?:another|one)\s+(?:that|where|which)\b|(?:what|how)\s+about\s+(?:\w+ing\b|(?:an?\s+|the\s+)?\w+(?:[\s-]+\w+){0,3}\s+(?:that|where|which|who|whose)\b)|find|looking\s+for|search|show\s+me|(?:which|what)\s+(?:other\s+)?papers)\b/i;

/**
 * In a new search, a pronoun that points back at the thread: after a preposition or at the end ("are there
 * papers that build on it?", "anything better than them"), or "its"/"their" with the paper's parts ("is there
 * code for their method?"). Elsewhere it is the searched thing's own ("is there a model that fills spans and
 * decodes them in parallel so it can keep the cache?").
 */
const POINTS_BACK_IN_SEARCH =
  /\b(?:on|to|of|for|with|like|than|beyond|about|from|over)\s+(?:it|them|that one|this one)\b|\b(?:it|them|that one|this one)\s*[?.!]*\s*$|\b(?:its|their)\s+(?:method|model|approach|paper|work|idea|results?|data(?:set)?|code|benchmark|technique|framework)\b/i;

/** The question points back with a word ("it", "their", "the model"): its subject is the thread's, whatever else it names. */
export function pointsBack(question: string): boolean {
  return REFERRING.test(question) && (!NEW_SEARCH.test(question) || POINTS_BACK_IN_SEARCH.test(question));
}

function refersBack(question: string): boolean {
  if (REFERRING.test(question)) return pointsBack(question);
  if (NEW_SEARCH.test(question)) return false;
  if (question.trim().split(/\s+/).length <= 4) return true;
  // In a conversation, a question that names nothing ("where do the tasks come from?") is about what came before.
  return namesIn(question).length === 0;
}

/** How many questions back a chain of follow-ups is read: enough for "it" to keep the thread's paper, bounded for long threads. */
const CONTEXT_TURNS = 3;

/**
 * The question as it stands on its own. A follow-up that points back is read with the
 * conversation it continues: the previous question, itself resolved, so that a chain of
 * "and what about…" keeps the paper the thread started from.
 */
export function standaloneQuestion(question: string, history: readonly Turn[], turns = CONTEXT_TURNS): string {
  const previous = history.at(-1);
  if (!previous || turns === 0) return question;
  const titles = previous.sourceTitles ?? [];
  const ordinal = /\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\b(?:\s+(?:one|paper|source))?|\[(\d)\]/i.exec(question);
  if (ordinal && titles.length > 0) {
    const n = ordinal[3] ? Number(ordinal[3]) : (ORDINALS[(ordinal[1] ?? "").toLowerCase()] ?? 0);
    const title = n === -1 ? titles.at(-1) : titles[n - 1];
    if (title) return `${question.replace(ordinal[0], `"${title}"`)}`;
  }
  if (!refersBack(question)) return question;
  return withPrevious(question, history, turns);
}

/**
 * The question read with the conversation it continues, whether or not it points back:
 * for a question that names something yet asks about the thread's paper ("how does that
 * compare with BERT-style masked modeling?"), which alone may find another paper.
 * Not one that starts a new search ("is there a paper that…?"): that one is about
 * something else.
 */
export function inConversation(question: string, history: readonly Turn[]): string {
  return NEW_SEARCH.test(question) ? question : withPrevious(question, history, CONTEXT_TURNS);
}

function withPrevious(question: string, history: readonly Turn[], turns: number): string {
  const previous = history.at(-1);
  if (!previous || turns === 0) return question;
  const earlier = history.slice(0, -1);
  // A question between that named something yet was answered from the thread's paper ("how is FlexAttention
  // used?") kept the thread: the chain reads it with the conversation too, not alone.
  const resolved = keptThread(previous, earlier.at(-1))
    ? withPrevious(previous.question, earlier, turns - 1)
    : standaloneQuestion(previous.question, earlier, turns - 1);
  return `${question} (follow-up to: ${resolved})`;
}

/** The turn, not a new search, was answered leading with the paper the turn before it led with. */
function keptThread(turn: Turn, before: Turn | undefined): boolean {
  const led = turn.sourceTitles?.[0];
  return led !== undefined && led === before?.sourceTitles?.[0] && !NEW_SEARCH.test(turn.question);
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
export async function condenseQuestion(
  question: string,
  history: readonly Turn[],
  llm?: BaseChatModel,
  logger?: Logger,
  by = Infinity,
): Promise<string> {
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
