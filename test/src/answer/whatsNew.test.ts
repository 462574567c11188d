import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createAnswerer, type Answerer } from "../../../src/answer/createAnswerer.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { tempLibraryOf, type TempLibrary } from "../../helpers/library.js";

/** "What's new this week?": the publication date decides, on a real library, with today fixed. */

const TODAY = new Date("2026-11-23T09:00:00Z");
const PAPERS = [
  {
    title: "Tidewater: Diffusion Models for Coastal Flood Maps",
    summary:
      "Tidewater trains a diffusion model that turns tide gauges into street-level flood maps. It beats a U-Net baseline by 12% IoU.",
    publishedAt: "2026-11-21",
  },
  {
    title: "Kestrel: Robot Grasping from Five Demonstrations",
    summary: "Kestrel teaches a robot arm to grasp unseen kitchen objects from five human demonstrations.",
    publishedAt: "2026-11-20",
  },
  {
    title: "Marlin: Speech Recognition for Low-Resource Languages",
    summary: "Marlin adapts a speech recognizer to forty low-resource languages with one hour of audio each.",
    publishedAt: "2026-11-18",
  },
  {
    title: "Denoising Revisited: Diffusion Models for Flood Forecasting",
    summary: "An earlier diffusion model that forecasts river floods from rainfall radar.",
    publishedAt: "2026-09-01",
  },
  {
    title: "Lantern: Linear Attention for Contracts",
    summary: "Lantern keeps attention memory linear for very long legal contracts.",
    year: 2022,
  },
];

describe("what's new, by publication date", () => {
  let answerer: Answerer;
  let library: TempLibrary | undefined;
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-whats-new-");
    const embeddings = new LocalEmbeddings();
    answerer = createAnswerer({ searcher: createSearcher({ store: library.store, embeddings }), embeddings, now: () => TODAY });
  });
  after(() => library?.remove());

  test("given 'what's new this week?', then this week's papers are listed newest first, each cited, and nothing older", async () => {
    const answer = await answerer.answer("What's new this week?");
    assert.equal(answer.grounded, true);
    assert.deepEqual(
      answer.citations.map((c) => c.title.split(":")[0]),
      ["Tidewater", "Kestrel", "Marlin"],
    );
    assert.match(answer.answer, /published this week \(since 16 Nov 2026\)/);
    assert.match(answer.answer, /Tidewater: Diffusion Models for Coastal Flood Maps \(2026-11-21\): Tidewater trains a diffusion model/);
  });

  test("given 'what's new this week on' a topic, then this week's paper on it is cited, not an older one on the same topic", async () => {
    const answer = await answerer.answer("What's new this week on diffusion models for floods?");
    assert.equal(answer.grounded, true);
    assert.ok(
      answer.citations.some((c) => c.title.startsWith("Tidewater")),
      answer.answer,
    );
    assert.ok(!answer.citations.some((c) => c.title.startsWith("Denoising Revisited")), answer.answer);
  });

  test("given a window with no paper in it, then the answer says so", async () => {
    const answer = await answerer.answer("Anything new yesterday?");
    assert.equal(answer.grounded, false);
    assert.equal(answer.answer, "Nothing in the library was published yesterday (22 Nov 2026).");
  });

  test("given a question with no time phrase, then papers of any date still answer it", async () => {
    const answer = await answerer.answer("Which method keeps attention memory linear for very long legal contracts?");
    assert.ok(
      answer.citations.some((c) => c.title.startsWith("Lantern")),
      answer.answer,
    );
  });
});
