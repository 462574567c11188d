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
    bias: -6.2791,
    weights: {
      similarity: 4.0783,
      coverage: 0.4954,
      titleMatch: 0.1489,
      namesInTop: 2.2584,
      rareCoverage: 1.4291,
      rarestInTop: 0.4327,
      unknownMissing: -0.8831,
      margin: 8.7884,
      wordsMatched: 0.1641,
      libraryCoverage: 4.3018,
      absentWords: -2.1093,
      rarestMissing: -1.3258,
    },
    answerAt: 0.15,
    askModelAt: 0.055,
  },
  {
    embedder: "words",
    bias: -4.6168,
    weights: {
      similarity: 0,
      coverage: 1.0693,
      titleMatch: 0.3819,
      namesInTop: 2.207,
      rareCoverage: 1.3371,
      rarestInTop: 0.365,
      unknownMissing: -0.918,
      margin: 9.3599,
      wordsMatched: 0.2919,
      libraryCoverage: 4.366,
      absentWords: -2.9537,
      rarestMissing: -1.0827,
    },
    answerAt: 0.123,
    askModelAt: 0.037,
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
