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
    "embedder": "local:glove100-hash156-v2",
    "bias": -7.9136,
    "weights": {
      "similarity": 4.2121,
      "coverage": 2.2327,
      "titleMatch": 0.1094,
      "namesInTop": 1.548,
      "rareCoverage": 3.3911,
      "margin": 11.0665,
      "wordsMatched": 0.8928
    },
    "answerAt": 0.055,
    "askModelAt": 0.013
  },
  {
    "embedder": "words",
    "bias": -6.6919,
    "weights": {
      "similarity": 0,
      "coverage": 2.4518,
      "titleMatch": 0.6916,
      "namesInTop": 1.4923,
      "rareCoverage": 3.34,
      "margin": 11.2724,
      "wordsMatched": 1.8235
    },
    "answerAt": 0.046,
    "askModelAt": 0.018
  }
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
