import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { PaperHit } from "../retrieve/searchPapers.js";
import { contentWordStems, squash, stemCoverage } from "../text/words.js";
import { dot } from "../text/vectors.js";
import { splitSentences } from "./citations.js";
import { mentions, type QuestionShape } from "./questionTerms.js";

/**
 * The answer without a language model: sentences quoted from the retrieved
 * papers, each followed by its source number. The papers are chosen first (the
 * top one, the papers a comparison names, a close runner-up), then each paper's
 * sentences are scored by meaning (cosine to the question), by the question's words
 * they contain, and by what the question asks for: its own statement of what it
 * proposes for "what is X", a sentence with a number for "how many".
 */

/** Sentences quoted from the top paper, and from each other paper quoted. */
const FROM_TOP = 2;
const FROM_OTHERS = 1;
/** A second paper is quoted when its search score is at least this share of the top one's. */
const RUNNER_UP_RATIO = 0.9;
/** The top paper's second sentence must score at least this share of its first. */
const KEEP_RATIO = 0.85;
const MIN_SENTENCE_CHARS = 30;
const PROPOSES =
  /\b(?:we|this\s+(?:paper|work|study)|here\s+we|our\s+(?:method|approach|model))\s+(?:\w+\s+)?(?:propose|introduce|present|develop|describe|design|release|build|show|demonstrate|find)s?\b|\b(?:is|are)\s+(?:an?|the)\s+(?:new|novel|simple|general|large|family|framework|method|approach|model|dataset|benchmark)\b/i;
const NUMBER = /\d/;

interface Candidate {
  /** 1-based source number. */
  n: number;
  sentence: string;
  order: number;
  score: number;
}

/** Which sources to quote, by index, the first being the one the answer leads with. */
function papersToQuote(shape: QuestionShape, sources: readonly PaperHit[]): number[] {
  if (sources.length === 0) return [];
  // A comparison's sources lead with one paper per side (comparedPapers): quote the first two.
  if (shape.comparison) return sources.length > 1 ? [0, 1] : [0];
  const best = sources[0]!.score;
  const runnerUp = sources.findIndex((s, i) => i > 0 && s.score >= best * RUNNER_UP_RATIO);
  return runnerUp > 0 ? [0, runnerUp] : [0];
}

export async function extractiveAnswer(
  question: string,
  shape: QuestionShape,
  sources: readonly PaperHit[],
  embeddings: EmbeddingsInterface,
): Promise<string> {
  const quoted = papersToQuote(shape, sources);
  const candidates: Omit<Candidate, "score">[] = [];
  for (const i of quoted) {
    const hit = sources[i]!;
    const seen = new Set<string>();
    let order = 0;
    for (const passage of hit.passages.length > 0 ? hit.passages : [hit.paper.summary]) {
      for (const raw of splitSentences(passage)) {
        const sentence = raw.replace(/\s+/g, " ").trim();
        // The same sentence may come from two passages (chunks overlap), typed slightly apart.
        const key = squash(sentence);
        if (sentence.length < MIN_SENTENCE_CHARS || seen.has(key)) continue;
        seen.add(key);
        candidates.push({ n: i + 1, sentence, order: order++ });
      }
    }
  }
  // A paper known by its title alone is still an answer to "what is <its title>".
  for (const i of quoted)
    if (!candidates.some((c) => c.n === i + 1))
      candidates.push({ n: i + 1, sentence: `“${sources[i]!.title}” is in the library, known by its title only`, order: 0 });

  const asked = contentWordStems(question);
  const [questionVector, ...vectors] = await embeddings.embedDocuments([question, ...candidates.map((c) => c.sentence)]);
  const scored: Candidate[] = candidates.map((c, i) => {
    const overlap = stemCoverage(asked, c.sentence);
    let bonus = 0;
    if (shape.definition && PROPOSES.test(c.sentence)) bonus += 0.3;
    // A number, more so beside the words asked about ("60 million parameters").
    if (shape.quantity && NUMBER.test(c.sentence)) bonus += 0.3 + 0.3 * overlap;
    if (shape.names.some((name) => mentions(c.sentence, name))) bonus += 0.2;
    // A paper's opening sentences say what it is about; later ones its details.
    if (shape.definition) bonus += 0.1 / (1 + c.order);
    return { ...c, score: dot(questionVector!, vectors[i]!) + 0.5 * overlap + bonus };
  });

  const chosen: Candidate[] = [];
  for (const [rank, i] of quoted.entries()) {
    const own = scored.filter((c) => c.n === i + 1).sort((a, b) => b.score - a.score);
    const best = own[0];
    if (!best) continue;
    const limit = rank === 0 && !shape.comparison ? FROM_TOP : FROM_OTHERS;
    chosen.push(...own.slice(0, limit).filter((c) => c.score >= best.score * KEEP_RATIO));
  }
  // The papers in the order chosen, each paper's sentences in its own reading order.
  const paperRank = new Map(quoted.map((i, rank) => [i + 1, rank]));
  chosen.sort((a, b) => paperRank.get(a.n)! - paperRank.get(b.n)! || a.order - b.order);
  return chosen.map((c) => `${asSentence(c.sentence)} [${c.n}]`).join(" ");
}

/** Bullet points often end without a full stop; a quoted one reads better with it. */
function asSentence(text: string): string {
  return /[.!?…"”')]$/.test(text) ? text : `${text}.`;
}
