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
    "bias": -8.2576,
    "weights": {
      "similarity": 3.9133,
      "coverage": 3.7281,
      "titleMatch": -0.3359,
      "namesInTop": 1.9971,
      "rareCoverage": 2.6522,
      "rarestInTop": 1.1345,
      "unknownMissing": -2.1875,
      "margin": 7.6604,
      "wordsMatched": 1.0343
    },
    "answerAt": 0.086,
    "askModelAt": 0.035
  },
  {
    "embedder": "words",
    "bias": -7.2535,
    "weights": {
      "similarity": 0,
      "coverage": 4.2066,
      "titleMatch": 0.0141,
      "namesInTop": 2.0166,
      "rareCoverage": 2.5949,
      "rarestInTop": 1.1581,
      "unknownMissing": -2.2414,
      "margin": 7.894,
      "wordsMatched": 1.8925
    },
    "answerAt": 0.077,
    "askModelAt": 0.021
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
