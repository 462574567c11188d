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
    "bias": -7.8227,
    "weights": {
      "similarity": 1.4605,
      "coverage": 5.282,
      "titleMatch": -0.4551,
      "namesInTop": 2.0023,
      "rareCoverage": 2.6606,
      "rarestInTop": 1.025,
      "unknownMissing": -2.2823,
      "margin": 4.9882,
      "wordsMatched": 1.245
    },
    "answerAt": 0.097,
    "askModelAt": 0.065
  },
  {
    "embedder": "words",
    "bias": -7.3933,
    "weights": {
      "similarity": 0,
      "coverage": 5.2123,
      "titleMatch": -0.2945,
      "namesInTop": 1.9743,
      "rareCoverage": 2.6075,
      "rarestInTop": 1.0516,
      "unknownMissing": -2.2419,
      "margin": 5.6685,
      "wordsMatched": 1.5941
    },
    "answerAt": 0.096,
    "askModelAt": 0.056
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
