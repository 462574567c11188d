import assert from "node:assert/strict";
import test, { after, before, describe } from "node:test";
import { comparedPapers, sidesOf } from "../../../src/answer/comparedPapers.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { tempLibraryOf, type TempLibrary } from "../../helpers/library.js";

test("given the ways people ask for a comparison, then both sides are found", () => {
  assert.deepEqual(sidesOf("compare FaceNet and ArcFace"), ["FaceNet", "ArcFace"]);
  assert.deepEqual(sidesOf("what's the difference between LoRA and QLoRA?"), ["LoRA", "QLoRA"]);
  assert.deepEqual(sidesOf("How does DDIM differ from DDPM? same training but faster sampling?"), ["DDIM", "DDPM"]);
  assert.deepEqual(sidesOf("Swin Transformer vs CvT — how do they each add convolutions?"), ["Swin Transformer", "CvT"]);
  assert.deepEqual(sidesOf("how does Depth Pro compare to Distill Any Depth?"), ["Depth Pro", "Distill Any Depth"]);
  assert.deepEqual(sidesOf("Longformer or BigBird: how do their attention patterns differ"), ["Longformer", "BigBird"]);
  assert.deepEqual(sidesOf("how is Lantern different to Quill for long inputs?"), ["Lantern", "Quill for long inputs"]);
  assert.deepEqual(sidesOf("Lantern compared with Quill: what does each test?"), ["Lantern", "Quill"]);
  assert.deepEqual(sidesOf("contrast Lantern with Quill as benchmarks"), ["Lantern", "Quill as benchmarks"]);
  assert.deepEqual(sidesOf("what sets Lantern apart from Quill?"), ["Lantern", "Quill"]);
  assert.deepEqual(sidesOf("Lantern and Quill: how do they differ in memory use?"), ["Lantern", "Quill"]);
  assert.deepEqual(sidesOf("Lantern or Quill, which one needs less memory?"), ["Lantern", "Quill"]);
  assert.deepEqual(sidesOf("Lantern or Quill - which should I pick for contracts?"), ["Lantern", "Quill"]);
  assert.deepEqual(sidesOf("which is better for long contracts, Lantern or Quill?"), ["Lantern", "Quill"]);
});

test("given a question that only mentions a difference, or a side that is no paper, then it is not a comparison", () => {
  assert.deepEqual(sidesOf("steering a frozen LM by adding the logit difference between a big and a small model"), []);
  assert.deepEqual(sidesOf("what FLOPs savings does MoMa get vs a compute-equivalent dense baseline?"), []);
  assert.deepEqual(sidesOf("which paper trains a discriminator on replaced tokens?"), []);
  assert.deepEqual(sidesOf("is there a paper on speech or music generation?"), []);
  assert.deepEqual(sidesOf("which method is better at long contexts?"), []);
});

describe("the paper each side of a comparison means", () => {
  const PAPERS = [
    { title: "Lantern: Linear Attention for Long Contracts", summary: "Lantern keeps attention memory linear in contract length." },
    { title: "Quill: Diffusion Models for Handwriting", summary: "Quill trains a diffusion model on scanned letters." },
    { title: "Harbor: Latent Diffusion Models for Tide Maps", summary: "Harbor denoises tide maps in a learned latent space." },
    { title: "Sextant: Star Tracking with Transformers", summary: "Sextant tracks stars with a small transformer." },
    {
      title: "Parameter Sharing Across Tiny Adapters",
      summary: "Small adapter layers are shared across the layers of a frozen network.",
      authors: ["Wilhelmina Quarrington", "Tobias Feld"],
    },
    { title: "Adapters Everywhere: A Survey", summary: "A survey of adapter layers in vision and language." },
    {
      title: "Chart of Currents Prompting: Reading Ocean Data with Language Models",
      summary: "A prompt that has the model write a program which reads the ocean charts.",
    },
    { title: "Ocean Charts with Graph Networks", summary: "Graph networks read currents from ocean charts and sea maps." },
    {
      title: "Recurrent Sea Charts",
      summary: "This paper by Marchetti et al. reads sea charts with a recurrent network, one line at a time.",
    },
    { title: "Sea Charts Read by Recurrent Networks, Revisited", summary: "Recurrent networks reading sea charts, with a larger model." },
    { title: "Beacon: Lighthouse Detection with Visual Experts", summary: "Beacon adds visual expert layers to find lighthouses." },
    { title: "Beacon: Early-Fusion Models of Ship Signals", summary: "Beacon fuses radio and radar signals from ships early." },
    { title: "Scaling Tide Forecasts with Looped Tide Forecasters", summary: "A forecaster applied in a loop to its own tide output." },
    {
      title: "Deep Harbour Soundings",
      summary: "We introduce Sonar Echo Depth Embeddings (SEDE), which map harbour soundings to depth charts.",
    },
    {
      title: "Reading Depth Charts with Transformers",
      summary: "Transformers read depth charts; we compare with SEDE, a strong baseline.",
    },
  ];
  let library: TempLibrary | undefined;
  let searcher: Searcher | undefined;
  before(async () => {
    library = await tempLibraryOf(PAPERS, "paperbot-compared-");
    searcher = createSearcher({ store: library.store, embeddings: new LocalEmbeddings() });
  });
  after(() => library?.remove());

  // `k`: how many papers the whole question found.
  const compare = async (question: string, k = 10) => {
    const found = await searcher!.search(question, { k });
    return (await comparedPapers(question, searcher!, {}, found)).map((side) => [side.hit.title.split(":")[0], side.matched]);
  };

  test("given two papers compared by their short names, then each side is its paper, matched", async () => {
    assert.deepEqual(await compare("Lantern vs Quill: which needs less memory?"), [
      ["Lantern", true],
      ["Quill", true],
    ]);
  });

  test("given a side whose paper's title lacks its name but whose text introduces it, then that paper is the side's, matched", async () => {
    const sides = await compare("SEDE vs Lantern: which is more accurate?");
    assert.deepEqual(sides, [
      ["Deep Harbour Soundings", true],
      ["Lantern", true],
    ]);
  });

  test("given a side that points back at the conversation, then it is the conversation's paper, or no comparison without one", async () => {
    const found = await searcher!.search("Lantern linear attention contracts", { k: 10 });
    const lantern = found.find((hit) => hit.title.startsWith("Lantern"));
    for (const question of ["how does it compare with Quill?", "what memory does it need and how fast is it compared with Quill?"]) {
      const sides = await comparedPapers(question, searcher!, {}, found, lantern);
      assert.deepEqual(
        sides.map((side) => side.hit.title.split(":")[0]),
        ["Lantern", "Quill"],
        question,
      );
      assert.deepEqual(await comparedPapers(question, searcher!, {}, found), [], question);
    }
  });

  test("given a side named by words a title holds, then that paper is matched", async () => {
    assert.deepEqual(await compare("compare Lantern and latent diffusion: which handles long inputs?"), [
      ["Lantern", true],
      ["Harbor", true],
    ]);
  });

  test("given a side named by its authors, then their paper is that side's, matched", async () => {
    assert.deepEqual(await compare("adapters (Quarrington et al.) vs Lantern: which trains fewer weights?"), [
      ["Parameter Sharing Across Tiny Adapters", true],
      ["Lantern", true],
    ]);
  });

  test("given a side written as the start of a title, then that paper is the side's, even if the whole question did not find it", async () => {
    assert.deepEqual(await compare("Chart of Currents vs Quill: how do they use code?", 0), [
      ["Chart of Currents Prompting", true],
      ["Quill", true],
    ]);
  });

  test("given a side named by an author its summary credits (“This paper by … et al.”), then that paper is the side's", async () => {
    const sides = await compare("Marchetti's recurrent sea chart paper vs Harbor: which reads faster?");
    assert.deepEqual(sides[0], ["Recurrent Sea Charts", true]);
  });

  test("given two papers of the same short name, then the side is the one the whole question ranks higher", async () => {
    assert.equal(
      (
        await comparedPapers(
          "Sextant vs Beacon: which fuses ship signals early?",
          searcher!,
          {},
          await searcher!.search("ship signals fused early", { k: 10 }),
        )
      )[1]?.hit.title,
      "Beacon: Early-Fusion Models of Ship Signals",
    );
    assert.equal(
      (
        await comparedPapers(
          "Sextant vs Beacon: visual experts for lighthouses?",
          searcher!,
          {},
          await searcher!.search("visual experts for lighthouses", { k: 10 }),
        )
      )[1]?.hit.title,
      "Beacon: Lighthouse Detection with Visual Experts",
    );
  });

  test("given a side of three words or more that a title holds, then that paper is the side's, even if the whole question did not find it", async () => {
    assert.deepEqual(await compare("looped tide forecasters vs Quill: which is faster?", 0), [
      ["Scaling Tide Forecasts with Looped Tide Forecasters", true],
      ["Quill", true],
    ]);
  });

  test("given a side whose words no title holds, then it is not matched, and the answer is left to the evidence", async () => {
    const sides = await compare("Lantern vs sparse expert routing for contracts");
    assert.deepEqual(sides[0], ["Lantern", true]);
    assert.ok(
      sides.slice(1).every(([, matched]) => matched === false),
      JSON.stringify(sides),
    );
  });
});
