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
    bias: -6.3328,
    weights: {
      similarity: 5.0264,
      coverage: 0.8529,
      titleMatch: 0.2857,
      namesInTop: 2.4165,
      rareCoverage: 1.3177,
      rarestInTop: 0.4736,
      unknownMissing: 0.0002,
      margin: 7.9091,
      wordsMatched: 0.0205,
      libraryCoverage: 4.5315,
      absentWords: -3.6047,
      rarestMissing: -1.5784,
    },
    answerAt: 0.216,
    askModelAt: 0.082,
  },
  {
    embedder: "words",
    bias: -4.1304,
    weights: {
      similarity: 0,
      coverage: 1.536,
      titleMatch: 0.7179,
      namesInTop: 2.2216,
      rareCoverage: 1.3142,
      rarestInTop: 0.3997,
      unknownMissing: -0.0285,
      margin: 8.2017,
      wordsMatched: 0.0436,
      libraryCoverage: 4.723,
      absentWords: -4.2766,
      rarestMissing: -1.4488,
    },
    answerAt: 0.155,
    askModelAt: 0.079,
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
