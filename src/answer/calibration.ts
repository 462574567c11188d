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
    bias: -6.312,
    weights: {
      similarity: 5.3203,
      coverage: 0.9805,
      titleMatch: -0.0886,
      namesInTop: 2.6094,
      rareCoverage: 1.3753,
      rarestInTop: 0.3776,
      unknownMissing: 0.275,
      margin: 8.4861,
      wordsMatched: 0.032,
      libraryCoverage: 4.0208,
      absentWords: -3.2543,
      rarestMissing: -1.5112,
    },
    answerAt: 0.218,
    askModelAt: 0.124,
  },
  {
    embedder: "words",
    bias: -4.0009,
    weights: {
      similarity: 0,
      coverage: 1.5722,
      titleMatch: 0.2783,
      namesInTop: 2.426,
      rareCoverage: 1.4154,
      rarestInTop: 0.3177,
      unknownMissing: 0.2689,
      margin: 9.1263,
      wordsMatched: 0.0732,
      libraryCoverage: 4.1024,
      absentWords: -4.0803,
      rarestMissing: -1.2558,
    },
    answerAt: 0.103,
    askModelAt: 0.076,
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
