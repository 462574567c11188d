import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { answerProbability, calibrationFor } from "../../../src/answer/calibration.js";
import { byMeaning, evidenceOf } from "../../../src/answer/evidence.js";
import { LOCAL_EMBEDDER_ID } from "../../../src/embeddings/localEmbeddings.js";
import { shapeOf } from "../../../src/answer/questionTerms.js";
import type { WordCounts } from "../../../src/store/wordCounts.js";
import { paperHit } from "../../helpers/paperHits.js";

/** The answer-or-refuse model weighs a question's words by how rare they are in this library, not in English. */

const hit = paperHit;

const TRAFFIC = hit("Video Graphs for Pedestrians", "A graph neural network forecasts pedestrian flow from video.");

/** A library of 1,000 passages where "neural", "network" and "graph" are everywhere and "traffic" is in three. */
const library = (counts: Record<string, number>): WordCounts => ({ passages: 1000, counts: new Map(Object.entries(counts)) });

describe("evidence read against the library", () => {
  test("given a question whose rarest word the top paper lacks, then its library coverage is low though three of its five words match", () => {
    const counts = library({ graph: 400, neural: 900, network: 900, traffic: 3, forecasting: 40 });
    const { features } = evidenceOf(shapeOf("graph neural network for traffic forecasting"), [TRAFFIC], counts);
    assert.ok(features.libraryCoverage < 0.5, `library coverage ${features.libraryCoverage}`);
    assert.ok(features.rarestMissing > 0.7, `rarest missing ${features.rarestMissing}`);
    assert.equal(features.absentWords, 0);
  });

  test("given a question of words no passage uses, then they are counted absent, everyday words too, but not the stop words the index drops", () => {
    const counts = library({ sourdough: 0, hydration: 0, between: 0, loaf: 0, kitchen: 0, bakes: 2 });
    const { features } = evidenceOf(shapeOf("kitchen sourdough loaf hydration between bakes"), [TRAFFIC], counts);
    // "between" is a stop word the index drops; "kitchen" is common English, but this library never uses it.
    assert.equal(features.absentWords, 4 / 5);
    assert.equal(features.libraryCoverage, 0);
  });

  test("given a question the top paper covers word for word, then its library coverage is 1", () => {
    const counts = library({ pedestrian: 5, flow: 60, video: 300 });
    const { features } = evidenceOf(shapeOf("pedestrian flow from video"), [TRAFFIC], counts);
    assert.equal(features.libraryCoverage, 1);
    assert.equal(features.rarestMissing, 0);
    assert.equal(features.absentWords, 0);
  });
});

describe("words of like meaning", () => {
  const SOCCER = hit("Pitch Graphs", "We forecast soccer matches from the players' passing graphs and the film of each match.");
  const counts = library({ soccer: 3, film: 20, graph: 400, match: 50 });

  test("given a question the top paper answers in other words, then its soft coverage counts them as covered", () => {
    const { features } = evidenceOf(shapeOf("predicting football games from movie footage"), [SOCCER], counts);
    assert.ok(features.softCoverage > features.coverage, `soft ${features.softCoverage}, plain ${features.coverage}`);
    assert.ok(features.softCoverage >= 0.5, `soft coverage ${features.softCoverage}`);
  });

  test("given an everyday question with no word or meaning of the top paper's, then its soft coverage is 0", () => {
    const { features } = evidenceOf(shapeOf("what temperature should I bake sourdough bread at"), [SOCCER], counts);
    assert.equal(features.softCoverage, 0);
  });

  test("given a question word inside a longer word of the paper's, then it is not covered by that", () => {
    const { features } = evidenceOf(shapeOf("plaster cast"), [hit("Weather", "We forecast rain.")], counts);
    assert.equal(features.softCoverage, 0);
  });
});

describe("the paper the answer leads with", () => {
  const QUESTION = shapeOf("predicting football games from movie footage of the players passing").words;
  const SOCCER = hit("Pitch Graphs", "We forecast soccer matches from the players' passing graphs and the film of each match.", 0.8);
  const FOOTAGE = hit("Footage Codecs", "A codec that compresses movie footage for streaming.", 0.85);

  test("given a close runner-up that says the question in other words, then it leads over the paper sharing two of its words", () => {
    const ranked = byMeaning(QUESTION, [FOOTAGE, SOCCER]);
    assert.deepEqual(
      ranked.map((h) => h.title),
      ["Pitch Graphs", "Footage Codecs"],
    );
  });

  test("given a paper far behind on the search's score, then saying the question in other words does not put it first", () => {
    const ranked = byMeaning(QUESTION, [
      { ...FOOTAGE, score: 1 },
      { ...SOCCER, score: 0.4 },
    ]);
    assert.equal(ranked[0]?.title, "Footage Codecs");
  });

  test("given a paper below the search's top five, then it stays where search put it", () => {
    const others = ["A", "B", "C", "D"].map((t) => hit(t, "Unrelated text about compilers.", 0.84));
    const ranked = byMeaning(QUESTION, [FOOTAGE, ...others, SOCCER]);
    assert.equal(ranked[0]?.title, "Footage Codecs");
    assert.equal(ranked.at(-1)?.title, "Pitch Graphs");
  });
});

describe("the answer-or-refuse model", () => {
  const calibration = calibrationFor(LOCAL_EMBEDDER_ID)!;
  const PAPER = hit("Tide Tables", "Harmonic models predict harbour tides from the moon's phase and past water levels at each port.");
  const counts = library({ harmonic: 4, tides: 2, harbour: 3, moon: 1, phase: 30, water: 20, levels: 40, port: 2, predict: 200 });

  test("given a short question every word of which a paper uses, then it is answered less surely than a long one the paper covers as well", () => {
    const short = evidenceOf(shapeOf("how do tides work"), [PAPER], counts).features;
    const long = evidenceOf(
      shapeOf("harmonic models that predict harbour tides at each port from the moon's phase and the past water levels recorded there"),
      [PAPER],
      counts,
    ).features;
    // The same evidence but for the question's length: the model reads a three-word match as weaker.
    const sameButLength = { ...long, length: short.length };
    assert.ok(short.length < long.length, `length ${short.length} vs ${long.length}`);
    assert.ok(
      answerProbability(calibration, sameButLength) < answerProbability(calibration, long),
      `${answerProbability(calibration, sameButLength)} vs ${answerProbability(calibration, long)}`,
    );
  });
});
