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
    bias: -6.1278,
    weights: {
      similarity: 5.2043,
      coverage: 0.5487,
      titleMatch: 0.2129,
      namesInTop: 2.5353,
      rareCoverage: 1.2686,
      rarestInTop: 0.4248,
      unknownMissing: 0.1563,
      margin: 8.0995,
      wordsMatched: 0.03,
      libraryCoverage: 4.4126,
      absentWords: -3.3636,
      rarestMissing: -1.6611,
    },
    answerAt: 0.205,
    askModelAt: 0.074,
  },
  {
    embedder: "words",
    bias: -3.9044,
    weights: {
      similarity: 0,
      coverage: 1.1351,
      titleMatch: 0.7359,
      namesInTop: 2.3402,
      rareCoverage: 1.2569,
      rarestInTop: 0.388,
      unknownMissing: 0.1569,
      margin: 8.4969,
      wordsMatched: 0.0668,
      libraryCoverage: 4.6025,
      absentWords: -4.0916,
      rarestMissing: -1.4388,
    },
    answerAt: 0.099,
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
