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
    bias: -6.3387,
    weights: {
      similarity: 4.1046,
      coverage: 0.5065,
      titleMatch: 0.0561,
      namesInTop: 2.1933,
      rareCoverage: 1.4844,
      rarestInTop: 0.4556,
      unknownMissing: -0.8289,
      margin: 8.7594,
      wordsMatched: 0.1602,
      libraryCoverage: 4.409,
      absentWords: -1.9541,
      rarestMissing: -1.387,
    },
    answerAt: 0.144,
    askModelAt: 0.05,
  },
  {
    embedder: "words",
    bias: -4.659,
    weights: {
      similarity: 0,
      coverage: 1.0847,
      titleMatch: 0.2901,
      namesInTop: 2.1425,
      rareCoverage: 1.385,
      rarestInTop: 0.3886,
      unknownMissing: -0.8662,
      margin: 9.3183,
      wordsMatched: 0.2865,
      libraryCoverage: 4.4812,
      absentWords: -2.8035,
      rarestMissing: -1.1481,
    },
    answerAt: 0.118,
    askModelAt: 0.037,
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
