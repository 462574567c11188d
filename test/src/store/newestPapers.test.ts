import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { recentPapers } from "../../../src/retrieve/recentPapers.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { createTitleSuggester } from "../../../src/retrieve/titleSuggestions.js";
import type { PaperStore } from "../../../src/store/paperStore.js";
import { tempLibraryOf, type TempLibrary } from "../../helpers/library.js";

/** "Recent papers" is one query: /recent, "what's new" and the autocomplete's empty box list the same papers in the same order. */

const TODAY = new Date("2026-11-23T09:00:00Z");
const PAPERS = [
  {
    title: "Marlin: Speech Recognition for Low-Resource Languages",
    summary: "Marlin adapts a speech recognizer to forty languages.",
    publishedAt: "2026-11-18",
  },
  {
    title: "Kestrel: Robot Grasping from Five Demonstrations",
    summary: "Kestrel teaches a robot arm to grasp from five demonstrations.",
    publishedAt: "2026-11-21",
    upvotes: 3,
  },
  {
    title: "Tidewater: Diffusion Models for Coastal Flood Maps",
    summary: "Tidewater turns tide gauges into flood maps.",
    publishedAt: "2026-11-21",
    upvotes: 40,
  },
  {
    title: "Anchovy: Same Day, Same Votes, First by Title",
    summary: "Anchovy is listed before Kestrel's namesakes by title.",
    publishedAt: "2026-11-21",
    upvotes: 3,
  },
  {
    title: "Denoising Revisited: Diffusion Models for Flood Forecasting",
    summary: "An earlier diffusion model.",
    publishedAt: "2026-09-01",
  },
  { title: "Lantern: Linear Attention for Contracts", summary: "Lantern keeps attention memory linear.", year: 2022 },
];
const lead = (title: string) => title.split(":")[0];

describe("the newest papers", () => {
  let library: TempLibrary | undefined;
  let store: PaperStore | undefined;
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-newest-");
    store = library.store;
  });
  after(() => library?.remove());

  test("given papers of several days and votes, then the newest come first, then the most upvoted, then by title, with the limit kept", async () => {
    const papers = await store!.newestPapers({ datedOnly: true }, 4);
    assert.deepEqual(
      papers.map((p) => lead(p.title)),
      ["Tidewater", "Anchovy", "Kestrel", "Marlin"],
    );
    assert.equal(papers[0]!.summary, "Tidewater turns tide gauges into flood maps.", "whole records come back");
  });

  test("given the same week, then /recent, what's new and the empty autocomplete list the same papers in the same order", async () => {
    const week = ["Tidewater", "Anchovy", "Kestrel", "Marlin"];
    const recent = await recentPapers(store!, 7, 10, TODAY);
    assert.deepEqual(
      recent.map((p) => lead(p.title)),
      week,
    );

    const searcher = createSearcher({ store: store!, embeddings: new LocalEmbeddings() });
    const hits = await searcher.newest({ publishedAfter: "2026-11-16" }, 10);
    assert.deepEqual(
      hits.map((h) => lead(h.title)),
      week,
    );
    assert.deepEqual(hits[0]!.passages, ["Tidewater turns tide gauges into flood maps."], "each with its opening passage");

    const suggestions = await createTitleSuggester(store!)("");
    assert.deepEqual(
      suggestions.map((s) => lead(s.title)),
      [...week, "Denoising Revisited"],
      "every dated paper, newest first",
    );
  });
});
