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
