import type { PaperHit } from "../retrieve/searchPapers.js";
import { splitSentences } from "./citations.js";
import { truncate } from "../text/truncate.js";

/** How many papers "what's new this week?" lists when the question does not say. */
export const WHATS_NEW_SIZE = 10;
const SENTENCE_CHARS = 220;

/**
 * "What's new this week?" with no topic: the newest papers of the window, one
 * line each (date, title, the opening sentence of its summary) and its `[n]`.
 */
export function whatsNewText(papers: readonly PaperHit[], windowLabel: string): string {
  const lines = papers.map((hit, i) => {
    const date = hit.paper.publishedAt ? ` (${hit.paper.publishedAt})` : "";
    const opening = firstSentence(hit.passages[0] ?? "");
    return `${i + 1}. ${hit.title}${date}${opening ? `: ${opening}` : ""} [${i + 1}]`;
  });
  return `The newest papers in the library published ${windowLabel}:\n${lines.join("\n")}`;
}

export function firstSentence(passage: string): string {
  return truncate((splitSentences(passage)[0] ?? "").trim(), SENTENCE_CHARS);
}
