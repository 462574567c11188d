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
    bias: -6.1204,
    weights: {
      similarity: 5.2102,
      coverage: 0.5493,
      titleMatch: 0.2139,
      namesInTop: 2.5379,
      rareCoverage: 1.2675,
      rarestInTop: 0.4237,
      unknownMissing: 0.1584,
      margin: 8.0975,
      wordsMatched: 0.0303,
      libraryCoverage: 4.4046,
      absentWords: -3.3587,
      rarestMissing: -1.6607,
    },
    answerAt: 0.206,
    askModelAt: 0.075,
  },
  {
    embedder: "words",
    bias: -3.8925,
    weights: {
      similarity: 0,
      coverage: 1.1349,
      titleMatch: 0.7334,
      namesInTop: 2.3399,
      rareCoverage: 1.2537,
      rarestInTop: 0.3862,
      unknownMissing: 0.1581,
      margin: 8.4857,
      wordsMatched: 0.0687,
      libraryCoverage: 4.5994,
      absentWords: -4.0685,
      rarestMissing: -1.4403,
    },
    answerAt: 0.1,
    askModelAt: 0.05,
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
