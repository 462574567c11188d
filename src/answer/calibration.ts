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
    bias: -8.481,
    weights: {
      similarity: 5.2069,
      coverage: 0.2086,
      titleMatch: 0.1466,
      namesInTop: 2.1267,
      rareCoverage: 1.2191,
      rarestInTop: 0.4413,
      unknownMissing: 0.4088,
      margin: 7.3787,
      wordsMatched: 0.0017,
      libraryCoverage: 3.5147,
      absentWords: -3.6492,
      rarestMissing: -1.5605,
      softCoverage: 4.2793,
    },
    answerAt: 0.239,
    askModelAt: 0.098,
  },
  {
    embedder: "words",
    bias: -6.1745,
    weights: {
      similarity: 0,
      coverage: 0.8955,
      titleMatch: 0.5164,
      namesInTop: 1.987,
      rareCoverage: 1.2694,
      rarestInTop: 0.3344,
      unknownMissing: 0.3742,
      margin: 7.7807,
      wordsMatched: 0.0028,
      libraryCoverage: 3.6784,
      absentWords: -4.4533,
      rarestMissing: -1.4822,
      softCoverage: 4.4231,
    },
    answerAt: 0.181,
    askModelAt: 0.06,
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
