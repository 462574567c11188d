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
    bias: -6.1836,
    weights: {
      similarity: 3.0259,
      coverage: 2.0278,
      titleMatch: -0.7648,
      namesInTop: 1.8052,
      rareCoverage: 2.2207,
      rarestInTop: 1.0123,
      unknownMissing: -1.6623,
      margin: 6.6207,
      wordsMatched: 0.0131,
      libraryCoverage: 2.3242,
      absentWords: -6.173,
    },
    answerAt: 0.12,
    askModelAt: 0.075,
  },
  {
    embedder: "words",
    bias: -4.539,
    weights: {
      similarity: 0,
      coverage: 2.4439,
      titleMatch: -0.5417,
      namesInTop: 1.7948,
      rareCoverage: 2.0712,
      rarestInTop: 1.056,
      unknownMissing: -1.5757,
      margin: 7.0299,
      wordsMatched: 0.0307,
      libraryCoverage: 2.0137,
      absentWords: -6.6334,
    },
    answerAt: 0.118,
    askModelAt: 0.054,
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
