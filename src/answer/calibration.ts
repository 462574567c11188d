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
    bias: -8.2566,
    weights: {
      similarity: 3.4135,
      coverage: 3.7891,
      titleMatch: -0.1967,
      namesInTop: 2.1805,
      rareCoverage: 2.5419,
      rarestInTop: 1.1892,
      unknownMissing: -2.2571,
      margin: 7.3959,
      wordsMatched: 1.1993,
    },
    answerAt: 0.108,
    askModelAt: 0.047,
  },
  {
    embedder: "words",
    bias: -7.4221,
    weights: {
      similarity: 0,
      coverage: 4.154,
      titleMatch: 0.1168,
      namesInTop: 2.2193,
      rareCoverage: 2.4623,
      rarestInTop: 1.1944,
      unknownMissing: -2.2896,
      margin: 7.8677,
      wordsMatched: 1.9939,
    },
    answerAt: 0.078,
    askModelAt: 0.052,
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
