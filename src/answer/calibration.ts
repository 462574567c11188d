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
    bias: -8.7834,
    weights: {
      similarity: 6.7589,
      coverage: 0.5359,
      titleMatch: 1.6681,
      namesInTop: 2.4223,
      rareCoverage: 1.751,
      rarestInTop: 0.0832,
      unknownMissing: -0.8134,
      margin: 5.7965,
      wordsMatched: 0.0048,
      libraryCoverage: 3.3051,
      absentWords: -3.8739,
      rarestMissing: -0.7479,
      softCoverage: 1.9607,
    },
    answerAt: 0.266,
    askModelAt: 0.172,
  },
  {
    embedder: "words",
    bias: -5.8843,
    weights: {
      similarity: 0,
      coverage: 1.2942,
      titleMatch: 2.3439,
      namesInTop: 2.2471,
      rareCoverage: 1.7897,
      rarestInTop: -0.0196,
      unknownMissing: -0.8192,
      margin: 6.651,
      wordsMatched: 0.0612,
      libraryCoverage: 3.3426,
      absentWords: -5.0316,
      rarestMissing: -0.4645,
      softCoverage: 1.9907,
    },
    answerAt: 0.164,
    askModelAt: 0.106,
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
