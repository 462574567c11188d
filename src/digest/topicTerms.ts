import type { Paper } from "../paper.js";
import { STOP_WORDS, escapeRegExp, singular } from "../text/words.js";

/*
 * A channel's topics as terms, and where a paper mentions them: what the digest
 * ranks by when a channel subscribed with topics.
 */

/** A topic sentence's words that name no topic: the stop words, more function words, and the filler of "papers about…". */
const STOP = new Set([
  ...STOP_WORDS,
  ...(
    "above after again all also being below between both further had having if more most my new no not other out over own same she should some such those " +
    "through too under until up very work works study studies research related regarding interested interest anything something things stuff like want " +
    "wants need use uses used based via toward towards approach approaches method methods model models show shows please especially mostly mainly"
  ).split(" "),
]);

/** The words of a topic or title that carry its meaning, case kept (unlike src/text contentWords): no stop words, no one- or two-letter words unless an acronym ("RL"). */
export function topicWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu) ?? []).filter(
    (w) => !STOP.has(w.toLowerCase()) && (w.length > 2 || /^\p{Lu}+$/u.test(w)),
  );
}

/**
 * The terms a channel's topics stand for. A list ("diffusion, RLHF", or phrases
 * separated by ; or |) is taken as given; a sentence becomes its content words;
 * "quoted phrases" stay whole either way.
 */
export function topicTerms(topics: string): string[] {
  const quoted = [...topics.matchAll(/"([^"]+)"|“([^”]+)”/g)].map((m) => (m[1] ?? m[2] ?? "").trim()).filter(Boolean);
  const rest = topics.replace(/"[^"]*"|“[^”]*”/g, " ");
  const listed = /[,;|\n]/.test(rest)
    ? rest
        .split(/[,;|\n]/)
        .map((t) => t.trim().replace(/^(and|or)\s+/i, ""))
        .filter((t) => t && !STOP.has(t.toLowerCase()))
    : topicWords(rest);
  const terms: string[] = [];
  for (const term of [...quoted, ...listed]) if (!terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
  return terms;
}

/** Matches a term as whole words, case-insensitively, allowing plurals and "pre-training" = "pretraining" = "pre training". */
export function termPattern(term: string): RegExp {
  const parts = term.split(/[^\p{L}\p{N}+#]+/u).filter(Boolean);
  const words = parts.map((p) => {
    return `${escapeRegExp(singular(p))}(?:s|es)?`;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join("[\\s\\-_/]*")}(?![\\p{L}\\p{N}])`, "iu");
}

/** Where a match counts most: the title, then the keywords, then the text. */
export function keywordRelevance(paper: Paper, patterns: readonly { term: string; re: RegExp }[]): { score: number; matches: string[] } {
  if (patterns.length === 0) return { score: 0, matches: [] };
  const keywords = [...(paper.keywords ?? []), ...(paper.categories ?? [])].join(" · ");
  const text = `${paper.aiSummary ?? ""}\n${paper.summary}`;
  let total = 0;
  const matches: string[] = [];
  for (const { term, re } of patterns) {
    const weight = re.test(paper.title) ? 1 : re.test(keywords) ? 0.8 : re.test(text) ? 0.6 : 0;
    if (weight > 0) matches.push(term);
    total += weight;
  }
  return { score: total / patterns.length, matches };
}
