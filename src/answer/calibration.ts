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
    bias: -10.1443,
    weights: {
      similarity: 2.5762,
      coverage: 1.1267,
      titleMatch: 2.9458,
      namesInTop: 2.4678,
      rareCoverage: 1.6099,
      rarestInTop: 0.015,
      unknownMissing: -0.4722,
      margin: 6.8758,
      wordsMatched: 0.0051,
      libraryCoverage: 3.1065,
      absentWords: -3.014,
      rarestMissing: -1.2451,
      softCoverage: 2.8194,
      length: 4.7968,
    },
    answerAt: 0.322,
    askModelAt: 0.218,
  },
  {
    embedder: "words",
    bias: -9.6055,
    weights: {
      similarity: 0,
      coverage: 1.2958,
      titleMatch: 3.2023,
      namesInTop: 2.4289,
      rareCoverage: 1.5583,
      rarestInTop: -0.0229,
      unknownMissing: -0.5078,
      margin: 7.2825,
      wordsMatched: 0.0104,
      libraryCoverage: 3.0923,
      absentWords: -3.2265,
      rarestMissing: -1.2776,
      softCoverage: 2.8718,
      length: 6.0124,
    },
    answerAt: 0.31,
    askModelAt: 0.243,
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
