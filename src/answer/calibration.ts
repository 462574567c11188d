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
    bias: -6.4051,
    weights: {
      similarity: 3.9913,
      coverage: 1.538,
      titleMatch: -0.4502,
      namesInTop: 2.1308,
      rareCoverage: 1.5798,
      rarestInTop: 0.6108,
      unknownMissing: -0.6687,
      margin: 8.5992,
      wordsMatched: 0.1345,
      libraryCoverage: 3.4323,
      absentWords: -1.9617,
      rarestMissing: -1.4679,
    },
    answerAt: 0.138,
    askModelAt: 0.051,
  },
  {
    embedder: "words",
    bias: -4.7616,
    weights: {
      similarity: 0,
      coverage: 2.1752,
      titleMatch: -0.2307,
      namesInTop: 2.0606,
      rareCoverage: 1.4986,
      rarestInTop: 0.5357,
      unknownMissing: -0.7056,
      margin: 9.1595,
      wordsMatched: 0.246,
      libraryCoverage: 3.4518,
      absentWords: -2.7296,
      rarestMissing: -1.2447,
    },
    answerAt: 0.113,
    askModelAt: 0.038,
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
