import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RunnableLambda } from "@langchain/core/runnables";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { PaperRetriever } from "../../../src/retrieve/paperRetriever.js";
import { createSearcher, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { tempLibraryOf, type TempLibrary } from "../../helpers/library.js";

const PAPERS = [
  {
    title: "Tidewater: Diffusion Models for Coastal Flood Maps",
    summary: "Tidewater trains a diffusion model that turns tide gauges into street-level flood maps.",
    publishedAt: "2026-11-21",
    authors: ["Ada Reef"],
    section: "Vision",
  },
  {
    title: "Kestrel: Robot Grasping from Five Demonstrations",
    summary: "Kestrel teaches a robot arm to grasp unseen kitchen objects from five human demonstrations.",
    publishedAt: "2026-11-20",
    section: "Robotics",
  },
  {
    title: "Denoising Revisited: Diffusion Models for Flood Forecasting",
    summary: "An earlier diffusion model that forecasts river floods from rainfall radar.",
    publishedAt: "2026-09-01",
    section: "Weather",
  },
  { title: "Lantern: Linear Attention for Contracts", year: 2022 },
];

describe("the searcher as a LangChain retriever", () => {
  let library: TempLibrary | undefined;
  let searcher: Searcher;
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-retriever-");
    searcher = createSearcher({ store: library.store, embeddings: new LocalEmbeddings() });
  });
  after(() => library?.remove());

  test("given a query, then the Documents are the searcher's hits in its order, each with its passages and the paper's metadata", async () => {
    const query = "coastal flood maps from tide gauges";
    const hits = await searcher.search(query, { k: 3 });
    const docs = await new PaperRetriever({ searcher, k: 3 }).invoke(query);
    assert.deepEqual(
      docs.map((d) => d.metadata.paperId),
      hits.map((h) => h.paperId),
    );
    assert.deepEqual(
      docs.map((d) => d.metadata.score),
      hits.map((h) => h.score),
      "the searcher's scores, unchanged",
    );
    const top = docs[0]!;
    assert.match(top.metadata.title, /^Tidewater/);
    assert.equal(top.pageContent, hits[0]!.passages.join("\n\n"));
    assert.deepEqual(top.metadata.authors, ["Ada Reef"]);
    assert.equal(top.metadata.publishedAt, "2026-11-21");
    assert.equal(top.metadata.rank, 1);
    assert.equal(top.id, top.metadata.paperId);
  });

  test("given filters, then only the papers they allow come back", async () => {
    const docs = await new PaperRetriever({ searcher, filters: { section: "Weather" } }).invoke("diffusion models for floods");
    assert.deepEqual(
      docs.map((d) => d.metadata.title.split(":")[0]),
      ["Denoising Revisited"],
    );
  });

  test("given a paper known by its title only, then its Document's text is the title", async () => {
    const docs = await new PaperRetriever({ searcher, k: 1 }).invoke("Lantern: Linear Attention for Contracts");
    assert.equal(docs[0]!.pageContent, "Lantern: Linear Attention for Contracts");
  });

  test("given a chain and a callback, then the retriever runs as a Runnable and reports its run", async () => {
    const seen: string[] = [];
    const chain = new PaperRetriever({ searcher, k: 2 }).pipe(
      RunnableLambda.from((docs: { metadata: { title: string } }[]) => docs.map((d) => d.metadata.title).join(" | ")),
    );
    const titles = await chain.invoke("robot grasping", {
      callbacks: [{ handleRetrieverEnd: (documents) => void seen.push(`found ${documents.length}`) }],
    });
    assert.match(titles, /^Kestrel/);
    assert.deepEqual(seen, ["found 2"]);
  });
});
