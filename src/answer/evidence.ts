import type { PaperHit } from "../retrieve/searchPapers.js";
import type { WordCounts } from "../store/wordCounts.js";
import { mentions, rareWords, type QuestionShape } from "./questionTerms.js";
import { INDEX_STOP_WORDS, prefixStem, stemCoverage, words as wordsOf } from "../text/words.js";
import { wordVector } from "../embeddings/localEmbeddings.js";
import { dot } from "../text/vectors.js";

/**
 * Word vectors at least this close are words of like meaning ("football" and "soccer"
 * 0.87, "picture" and "image" 0.73, "automobile" and "car" 0.68; "dark" and "night"
 * 0.53 are not). Chosen on the tune half, out of fold (docs/evaluation.md).
 */
const LIKE_MEANING = 0.6;

/**
 * Share of `words` that `text` has, as a word or as a word of like meaning. A paper that
 * answers a paraphrase says most of it in other words; an off-topic question shares a
 * word or two with some paper and nothing else.
 */
function softCoverage(words: readonly string[], text: string): number {
  if (words.length === 0) return 0;
  // The text's content words: function words ("we", "from") are close to every other function word.
  const textWords = [...new Set(wordsOf(text))].filter((word) => !INDEX_STOP_WORDS.has(word));
  const textVectors = textWords.map(wordVector).filter((vector) => vector !== undefined);
  const covered = words.filter((word) => {
    const stem = prefixStem(word);
    if (textWords.some((other) => other.startsWith(stem))) return true;
    const vector = INDEX_STOP_WORDS.has(word) ? undefined : wordVector(word);
    return vector !== undefined && textVectors.some((other) => dot(vector, other) >= LIKE_MEANING);
  });
  return covered.length / words.length;
}

/** How much a paper's share of the question's words in like meaning adds to its search score when the answer picks its paper. */
const MEANING_WEIGHT = 0.4;
/** Papers of the search's top ones that may be put first: below these, search's own order holds. */
const MEANING_DEPTH = 5;

/**
 * The papers in the order the answer weighs them: search's top few re-ranked by their score plus
 * the share of the question's words each has in like meaning (softCoverage). A paraphrase ("a
 * reward model trained on people's choices between two TL;DRs") is answered by the paper that
 * says most of it, even when another paper shares its rarest word. Chosen on the tune half.
 */
export function byMeaning(words: readonly string[], hits: readonly PaperHit[]): PaperHit[] {
  const head = hits.slice(0, MEANING_DEPTH).map((hit) => ({ hit, key: hit.score + MEANING_WEIGHT * softCoverage(words, textOf(hit)) }));
  head.sort((a, b) => b.key - a.key);
  return [...head.map(({ hit }) => hit), ...hits.slice(MEANING_DEPTH)];
}

/**
 * Whether the retrieved papers answer a question: the names the question uses that
 * no retrieved passage contains, and the signals the answer-or-refuse model reads
 * (see calibration.ts). Every signal is a property of the top papers alone, so it is
 * computed the same way for the extractive answer and before asking a model.
 */

export interface Evidence {
  /** Names in the question that no retrieved paper mentions: the library lacks them. */
  missing: string[];
  features: Features;
}

/** The inputs of the answer-or-refuse model, each roughly within 0–1. */
export interface Features {
  /** Best cosine similarity of the question to a passage of the top paper (embedder-specific). */
  similarity: number;
  /** Share of the question's content words in the top paper's title and passages. */
  coverage: number;
  /** How closely the question matches the top paper's title. */
  titleMatch: number;
  /** The question names something, and the top two papers mention every name. */
  namesInTop: number;
  /** Share of the question's rare words (names, terms of art) in the top paper's text; 0 when it has none, as a question of everyday words is seldom about a paper. */
  rareCoverage: number;
  /** The question's rarest word is in the top paper's text; 0 when it has no rare word. */
  rarestInTop: number;
  /** Share of the question's unknown lower-case words (questionTerms' unknownWords) that no top-three paper has. */
  unknownMissing: number;
  /** How far the top paper's fused score is ahead of the next one's. */
  margin: number;
  /** Full-text search matched a word of the question in the top paper. */
  wordsMatched: number;
  /** Share of the question's words in the top paper, each weighted by how rare it is in this library (its IDF). */
  libraryCoverage: number;
  /** Share of the question's words that no passage of the library uses. */
  absentWords: number;
  /** The rarest word in this library (by IDF, 0–1) of those the question uses and the top paper lacks. */
  rarestMissing: number;
  /** Share of the question's content words the top paper has, or has a word of like meaning for (word vectors). */
  softCoverage: number;
  /**
   * How long the question is: the log of its content words, 1 at LONG_QUESTION or more. A paper that has
   * all three words of "how is a credit score calculated?" says less than one that has most of twenty.
   */
  length: number;
}

/** Content words of a question long enough that its length says no more (the `length` feature is 1). */
const LONG_QUESTION = 30;

/** Every feature, in a fixed order (the fit's and the calibration file's). */
export const FEATURE_NAMES = [
  "similarity",
  "coverage",
  "titleMatch",
  "namesInTop",
  "rareCoverage",
  "rarestInTop",
  "unknownMissing",
  "margin",
  "wordsMatched",
  "libraryCoverage",
  "absentWords",
  "rarestMissing",
  "softCoverage",
  "length",
] as const satisfies readonly (keyof Features)[];

/** What a hit says of itself: its title, authors and retrieved passages. */
export const textOf = (hit: PaperHit) => `${hit.title}\n${hit.paper.authors.join(", ")}\n${hit.passages.join("\n")}`;

/** The question's words as this library knows them: how often each is used, and whether the top paper has it. */
function libraryFeatures(
  words: readonly string[],
  topText: string,
  library: WordCounts,
): Pick<Features, "libraryCoverage" | "absentWords" | "rarestMissing"> {
  // A word the index finds nowhere is one of its stop words, which says nothing, or one the library never uses, which does.
  const counted = words.filter((word) => (library.counts.get(word) ?? 0) > 0 || !INDEX_STOP_WORDS.has(word));
  if (counted.length === 0) return { libraryCoverage: 0, absentWords: 0, rarestMissing: 0 };
  const idf = (word: string) => Math.log((library.passages + 1) / ((library.counts.get(word) ?? 0) + 1));
  const lower = topText.toLowerCase();
  const total = counted.reduce((sum, word) => sum + idf(word), 0);
  const has = (word: string) => lower.includes(prefixStem(word));
  const inTop = counted.reduce((sum, word) => sum + (has(word) ? idf(word) : 0), 0);
  const most = Math.log(library.passages + 1);
  return {
    rarestMissing: Math.max(0, ...counted.filter((word) => !has(word)).map((word) => idf(word) / most)),
    libraryCoverage: total > 0 ? inTop / total : 0,
    absentWords: counted.filter((word) => (library.counts.get(word) ?? 0) === 0).length / counted.length,
  };
}

/** The words a question's evidence is weighed on, whose library counts `evidenceOf` needs. */
export const evidenceWords = (shape: QuestionShape): string[] => [...new Set(shape.words)];

/**
 * `compared`: a comparison's paper per side. The question's words are then looked for in
 * them together, as no one paper is about both sides.
 */
export function evidenceOf(
  shape: QuestionShape,
  hits: readonly PaperHit[],
  library: WordCounts,
  compared: readonly PaperHit[] = [],
): Evidence {
  const texts = hits.map(textOf);
  const missing = shape.names.filter((name) => !texts.some((text) => mentions(text, name)));
  const top = hits[0];
  const topText = texts[0] ?? "";
  const topTwo = texts.slice(0, 2).join("\n");
  const topThree = texts.slice(0, 3).join("\n");
  const rare = rareWords(shape.words);
  const lowerTop = topText.toLowerCase();
  // What the question's words are looked for in: the top paper, or a comparison's papers together.
  const answerText = compared.length >= 2 ? compared.map(textOf).join("\n") : topText;
  return {
    missing,
    features: {
      similarity: top?.similarity ?? 0,
      coverage: top?.coverage ?? 0,
      titleMatch: top?.titleMatch ?? 0,
      namesInTop: shape.names.length > 0 && shape.names.every((name) => mentions(topTwo, name)) ? 1 : 0,
      rareCoverage: stemCoverage(rare.map(prefixStem), topText),
      rarestInTop: rare[0] !== undefined && lowerTop.includes(prefixStem(rare[0])) ? 1 : 0,
      unknownMissing:
        shape.unknown.length === 0 ? 0 : shape.unknown.filter((word) => !mentions(topThree, word)).length / shape.unknown.length,
      // Below 0 when byMeaning put a paper of lower score first (tried: the lead on its own key, no better).
      margin: top ? top.score - (hits[1]?.score ?? 0) : 0,
      wordsMatched: top && top.textScore > 0 ? 1 : 0,
      softCoverage: softCoverage(shape.words, answerText),
      length: Math.min(1, Math.log1p(shape.words.length) / Math.log1p(LONG_QUESTION)),
      ...libraryFeatures(evidenceWords(shape), answerText, library),
    },
  };
}
