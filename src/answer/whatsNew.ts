import type { PaperHit } from "../retrieve/searchPapers.js";
import { splitSentences } from "./citations.js";

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

function firstSentence(passage: string): string {
  const sentence = (splitSentences(passage)[0] ?? "").trim();
  if (sentence.length <= SENTENCE_CHARS) return sentence;
  const cut = sentence.lastIndexOf(" ", SENTENCE_CHARS);
  return `${sentence.slice(0, cut > 0 ? cut : SENTENCE_CHARS)}…`;
}
