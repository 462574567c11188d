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
    bias: -6.332,
    weights: {
      similarity: 4.0435,
      coverage: 0.2111,
      titleMatch: 0.0558,
      namesInTop: 2.243,
      rareCoverage: 1.4125,
      rarestInTop: 0.4791,
      unknownMissing: -0.9801,
      margin: 8.7339,
      wordsMatched: 0.2103,
      libraryCoverage: 4.4888,
      absentWords: -1.8832,
      rarestMissing: -1.351,
    },
    answerAt: 0.137,
    askModelAt: 0.048,
  },
  {
    embedder: "words",
    bias: -4.7144,
    weights: {
      similarity: 0,
      coverage: 0.7961,
      titleMatch: 0.2756,
      namesInTop: 2.189,
      rareCoverage: 1.3336,
      rarestInTop: 0.4147,
      unknownMissing: -1.0107,
      margin: 9.29,
      wordsMatched: 0.3629,
      libraryCoverage: 4.522,
      absentWords: -2.7242,
      rarestMissing: -1.0976,
    },
    answerAt: 0.112,
    askModelAt: 0.033,
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
