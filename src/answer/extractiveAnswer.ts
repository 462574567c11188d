import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { PaperHit } from "../retrieve/searchPapers.js";
import { splitSentences } from "./citations.js";

/**
 * The answer without a language model: the sentences of the retrieved passages
 * that best match the question, each followed by its source number. Sentences are
 * scored by meaning (cosine to the question) and by the question's words they
 * contain, so a question about a number finds the sentence that states it.
 */

const MAX_SENTENCES = 3;
const MAX_PER_SOURCE = 2;
/** Sentences scoring below this share of the best one are not worth quoting. */
const KEEP_RATIO = 0.8;
const MIN_SENTENCE_CHARS = 30;
const STOP = new Set("a an and are as at be by can did do does for from how in is it of on or that the their this to was were what when where which who why with".split(" "));

const contentWords = (text: string) => new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w) && w.length > 1).map((w) => w.slice(0, 6)));

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

interface Candidate {
  n: number;
  sentence: string;
  score: number;
}

export async function extractiveAnswer(question: string, sources: readonly PaperHit[], embeddings: EmbeddingsInterface): Promise<string> {
  const asked = contentWords(question);
  const candidates: Omit<Candidate, "score">[] = [];
  sources.forEach((hit, i) => {
    const seen = new Set<string>();
    for (const passage of hit.passages.length > 0 ? hit.passages : [hit.paper.summary]) {
      for (const raw of splitSentences(passage)) {
        const sentence = raw.trim();
        if (sentence.length < MIN_SENTENCE_CHARS || seen.has(sentence)) continue;
        seen.add(sentence);
        candidates.push({ n: i + 1, sentence });
      }
    }
  });
  if (candidates.length === 0) return "";

  const [questionVector, ...vectors] = await embeddings.embedDocuments([question, ...candidates.map((c) => c.sentence)]);
  const scored: Candidate[] = candidates.map((c, i) => {
    const words = contentWords(c.sentence);
    const overlap = asked.size === 0 ? 0 : [...asked].filter((w) => words.has(w)).length / asked.size;
    // Earlier sources were ranked higher by the search: a small nudge towards them.
    const rankBonus = 0.05 / c.n;
    return { ...c, score: cosine(questionVector!, vectors[i]!) + 0.5 * overlap + rankBonus };
  });
  scored.sort((a, b) => b.score - a.score);

  const best = scored[0]!.score;
  const chosen: Candidate[] = [];
  const perSource = new Map<number, number>();
  for (const c of scored) {
    if (chosen.length >= MAX_SENTENCES || c.score < best * KEEP_RATIO) break;
    if ((perSource.get(c.n) ?? 0) >= MAX_PER_SOURCE) continue;
    perSource.set(c.n, (perSource.get(c.n) ?? 0) + 1);
    chosen.push(c);
  }
  // Read in source order, and within a source in the order chosen.
  chosen.sort((a, b) => a.n - b.n);
  return chosen.map((c) => `${asSentence(c.sentence)} [${c.n}]`).join(" ");
}

/** Bullet points often end without a full stop; a quoted one reads better with it. */
function asSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return /[.!?…"”')]$/.test(flat) ? flat : `${flat}.`;
}
