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
    bias: -8.4689,
    weights: {
      similarity: 5.0394,
      coverage: 1.0058,
      titleMatch: 0.0597,
      namesInTop: 2.286,
      rareCoverage: 1.6329,
      rarestInTop: 0.2382,
      unknownMissing: -0.8109,
      margin: 7.0808,
      wordsMatched: 0.0014,
      libraryCoverage: 3.8974,
      absentWords: -4.411,
      rarestMissing: -1.2036,
      softCoverage: 2.9673,
    },
    answerAt: 0.247,
    askModelAt: 0.111,
  },
  {
    embedder: "words",
    bias: -6.4984,
    weights: {
      similarity: 0,
      coverage: 1.7219,
      titleMatch: 0.2905,
      namesInTop: 2.1765,
      rareCoverage: 1.7007,
      rarestInTop: 0.1534,
      unknownMissing: -0.8658,
      margin: 7.6356,
      wordsMatched: 0.0019,
      libraryCoverage: 4.0949,
      absentWords: -5.14,
      rarestMissing: -1.0942,
      softCoverage: 3.2997,
    },
    answerAt: 0.183,
    askModelAt: 0.082,
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
