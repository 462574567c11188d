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
    bias: -6.0582,
    weights: {
      similarity: 4.4251,
      coverage: 0.8302,
      titleMatch: 0.2712,
      namesInTop: 2.252,
      rareCoverage: 1.5514,
      rarestInTop: 0.4261,
      unknownMissing: -0.3958,
      margin: 8.9688,
      wordsMatched: 0.0349,
      libraryCoverage: 4.0041,
      absentWords: -2.9933,
      rarestMissing: -1.5196,
    },
    answerAt: 0.187,
    askModelAt: 0.114,
  },
  {
    embedder: "words",
    bias: -4.1223,
    weights: {
      similarity: 0,
      coverage: 1.3244,
      titleMatch: 0.5931,
      namesInTop: 2.2083,
      rareCoverage: 1.5388,
      rarestInTop: 0.3654,
      unknownMissing: -0.4204,
      margin: 9.5723,
      wordsMatched: 0.0706,
      libraryCoverage: 4.0442,
      absentWords: -3.7469,
      rarestMissing: -1.3071,
    },
    answerAt: 0.147,
    askModelAt: 0.057,
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
