import type { PaperHit } from "../retrieve/searchPapers.js";
import { mentions, rareWords, type QuestionShape } from "./questionTerms.js";
import { prefixStem, stemCoverage } from "../text/words.js";

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
}

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
] as const satisfies readonly (keyof Features)[];

/** What a hit says of itself: its title, authors and retrieved passages. */
export const textOf = (hit: PaperHit) => `${hit.title}\n${hit.paper.authors.join(", ")}\n${hit.passages.join("\n")}`;

export function evidenceOf(shape: QuestionShape, hits: readonly PaperHit[]): Evidence {
  const texts = hits.map(textOf);
  const missing = shape.names.filter((name) => !texts.some((text) => mentions(text, name)));
  const top = hits[0];
  const topText = texts[0] ?? "";
  const topTwo = texts.slice(0, 2).join("\n");
  const topThree = texts.slice(0, 3).join("\n");
  const rare = rareWords(shape.words);
  const lowerTop = topText.toLowerCase();
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
      margin: top ? top.score - (hits[1]?.score ?? 0) : 0,
      wordsMatched: top && top.textScore > 0 ? 1 : 0,
    },
  };
}
