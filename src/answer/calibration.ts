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
    bias: -6.486,
    weights: {
      similarity: 3.8687,
      coverage: 1.7294,
      titleMatch: -0.002,
      namesInTop: 2.354,
      rareCoverage: 1.6172,
      rarestInTop: 0.5592,
      unknownMissing: -0.9363,
      margin: 7.9227,
      wordsMatched: 0.1232,
      libraryCoverage: 3.0734,
      absentWords: -2.5123,
      rarestMissing: -1.1314,
    },
    answerAt: 0.136,
    askModelAt: 0.057,
  },
  {
    embedder: "words",
    bias: -4.9197,
    weights: {
      similarity: 0,
      coverage: 2.3074,
      titleMatch: 0.2456,
      namesInTop: 2.3038,
      rareCoverage: 1.5387,
      rarestInTop: 0.4981,
      unknownMissing: -0.9823,
      margin: 8.549,
      wordsMatched: 0.2328,
      libraryCoverage: 3.0765,
      absentWords: -3.2406,
      rarestMissing: -0.8718,
    },
    answerAt: 0.116,
    askModelAt: 0.034,
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
