import type { Features } from "./evidence.js";

/**
 * The answer-or-refuse model: a logistic regression over the evidence features,
 * fit on the tune half of the eval only (`npm run eval:fit`, which writes the
 * numbers below) and judged on the held-out half (`npm run eval`). Cosine
 * similarities mean different things for different embedders, so each embedder
 * gets its own fit; an embedder without one uses the `words` fit, which reads no
 * similarity at all.
 */

export interface Calibration {
  /** Which embedder's similarities the weights were fit on; `words` for none. */
  embedder: string;
  bias: number;
  weights: Record<keyof Features, number>;
  /** The extractive answer quotes the papers at or above this probability. */
  answerAt: number;
  /** A model is asked at or above this (lower) probability: it can still say the sources do not answer. */
  askModelAt: number;
}

export const WORDS_ONLY = "words";

// BEGIN FITTED (written by test/eval/fitCalibration.ts)
export const CALIBRATIONS: readonly Calibration[] = [
  {
    embedder: "local:glove100-hash156-v2",
    bias: -8.782,
    weights: {
      similarity: 6.7512,
      coverage: 0.5359,
      titleMatch: 1.6691,
      namesInTop: 2.4208,
      rareCoverage: 1.7505,
      rarestInTop: 0.0834,
      unknownMissing: -0.8129,
      margin: 5.796,
      wordsMatched: 0.0048,
      libraryCoverage: 3.3049,
      absentWords: -3.8737,
      rarestMissing: -0.7475,
      softCoverage: 1.9613,
    },
    answerAt: 0.266,
    askModelAt: 0.172,
  },
  {
    embedder: "words",
    bias: -5.8874,
    weights: {
      similarity: 0,
      coverage: 1.295,
      titleMatch: 2.3445,
      namesInTop: 2.248,
      rareCoverage: 1.7898,
      rarestInTop: -0.0193,
      unknownMissing: -0.8194,
      margin: 6.6495,
      wordsMatched: 0.0612,
      libraryCoverage: 3.3425,
      absentWords: -5.0301,
      rarestMissing: -0.4647,
      softCoverage: 1.9913,
    },
    answerAt: 0.163,
    askModelAt: 0.105,
  },
];
// END FITTED

export function calibrationFor(embedder: string | undefined): Calibration | undefined {
  return CALIBRATIONS.find((c) => c.embedder === embedder) ?? CALIBRATIONS.find((c) => c.embedder === WORDS_ONLY);
}

/** The probability that the top papers answer the question. */
export function answerProbability(calibration: Pick<Calibration, "bias" | "weights">, features: Features): number {
  let z = calibration.bias;
  for (const [name, weight] of Object.entries(calibration.weights) as [keyof Features, number][]) z += weight * features[name];
  return 1 / (1 + Math.exp(-z));
}
