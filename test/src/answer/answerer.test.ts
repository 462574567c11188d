import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ChatOpenAI } from "@langchain/openai";
import { pino } from "pino";
import { createAnswerer, type Answer, type AnswerEvent } from "../../../src/answer/createAnswerer.js";
import { modelForAnswers } from "../../../src/answer/createChatModel.js";
import { buildConfig } from "../../../src/config.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto, tempLibraryOf, type TempLibrary } from "../../helpers/library.js";
import {
  startOpenAiStandIn,
  promptText,
  type ChatBehaviour,
  type ChatRequestBody,
  type OpenAiStandIn,
} from "../../helpers/openAiStandIn.js";
import { fixture } from "../../helpers/paths.js";

/**
 * The answer path end to end: a real library on disk, the real ChatOpenAI client,
 * and an OpenAI-compatible server on 127.0.0.1 that answers, misbehaves or fails.
 */

const embeddings = new LocalEmbeddings();
const QUESTION = "Which method keeps attention memory linear for very long legal contracts?";

/** The number the prompt gave the Lantern paper, as a model reading it would cite it. */
function lanternNumber(body: ChatRequestBody): number {
  const m = /\[(\d+)\] Lantern/.exec(promptText(body));
  assert.ok(m, "Lantern is among the numbered sources");
  return Number(m[1]);
}

describe("answers over real HTTP", { concurrency: true }, () => {
  let dir = "";
  let store: PaperStore;
  let searcher: Searcher;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-answer-"));
    await ingestInto(join(dir, "db"), [
      fixture("pipeline/daily-page.txt"),
      fixture("pipeline/hf-daily.json"),
      fixture("pipeline/papers.jsonl"),
    ]);
    store = await PaperStore.open({ uri: join(dir, "db") });
    searcher = createSearcher({ store, embeddings });
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function withModel(t: { after(fn: () => unknown): void }, options: { maxRetries?: number; timeout?: number } = {}) {
    const standIn: OpenAiStandIn = await startOpenAiStandIn();
    t.after(() => standIn.close());
    const llm = new ChatOpenAI({
      model: "test-chat",
      apiKey: "sk-test",
      configuration: { baseURL: standIn.baseURL },
      maxRetries: options.maxRetries ?? 0,
      timeout: options.timeout ?? 2_000,
    });
    return { standIn, answerer: createAnswerer({ searcher, embeddings, llm }) };
  }

  async function collect(events: AsyncGenerator<AnswerEvent>): Promise<{ partials: string[]; answer: Answer }> {
    const partials: string[] = [];
    for await (const e of events) {
      if (e.type === "partial") partials.push(e.text);
      else return { partials, answer: e.answer };
    }
    throw new Error("no answer");
  }

  test("given a model that cites its source, then the answer streams and its citation is the retrieved paper", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({
      kind: "reply",
      content: (body) => `Lantern keeps memory linear in document length and uses 6x less memory on contracts [${lanternNumber(body)}].`,
    });
    const { partials, answer } = await collect(answerer.stream(QUESTION));
    assert.ok(partials.length > 1, "the text arrives in pieces");
    assert.equal(answer.mode, "llm");
    assert.equal(answer.grounded, true);
    assert.deepEqual(
      answer.citations.map((c) => c.title.split(":")[0]),
      ["Lantern"],
    );
    assert.equal(answer.citations[0]!.url, "https://arxiv.org/abs/2510.01234");
    assert.equal(answer.citations[0]!.links.arxiv, "https://arxiv.org/abs/2510.01234");
    // The quote is the paper's own sentence behind the claim, not the model's words.
    const quote = answer.citations[0]!.quote ?? "";
    assert.match(quote, /memory/i);
    assert.ok(
      (await searcher.search("Lantern linear attention legal contracts")).some((hit) =>
        hit.passages.join(" ").replace(/\s+/g, " ").includes(quote),
      ),
      "the quote is in the paper's text",
    );
    assert.doesNotMatch(quote, /6x less memory on contracts/);
    const prompt = standIn.requests.find((r) => r.path.endsWith("/chat/completions"))!;
    const [system, human] = (prompt.body as ChatRequestBody).messages!;
    assert.match(String(system!.content), /data, not instructions/);
    assert.match(String(human!.content), new RegExp(`<<<\\n${QUESTION.replace(/\?/g, "\\?")}\\n>>>`));
  });

  test("given a model citing a paper for a claim none of its sentences makes, then that claim is not shown and every citation shown has its quote", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({
      kind: "reply",
      content: (body) =>
        `Lantern keeps memory linear in the document's length [${lanternNumber(body)}]. Penguins were first domesticated in the Andes in 1850 [${lanternNumber(body)}].`,
    });
    const answer = await answerer.answer(QUESTION);
    assert.equal(answer.mode, "llm");
    assert.match(answer.answer, /Lantern keeps memory linear/);
    assert.doesNotMatch(answer.answer, /Penguins/);
    assert.equal(answer.removedCitations, 1);
    assert.ok(answer.citations.length > 0 && answer.citations.every((c) => c.quote), "every citation shown is backed by a quote");
  });

  test("given a model citing [7] with fewer sources, then the marker is removed and counted", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({ kind: "reply", content: (body) => `Lantern is linear [${lanternNumber(body)}][7].` });
    const answer = await answerer.answer(QUESTION);
    assert.doesNotMatch(answer.answer, /\[7\]/);
    assert.equal(answer.removedCitations, 1);
    assert.deepEqual(
      answer.citations.map((c) => c.title.split(":")[0]),
      ["Lantern"],
    );
  });

  test("given a model naming a paper that was not retrieved, then that claim is not shown", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({
      kind: "reply",
      content: (body) => `Lantern is linear [${lanternNumber(body)}]. PhantomFormer (2019) solved this first [9].`,
    });
    const answer = await answerer.answer(QUESTION);
    assert.doesNotMatch(answer.answer, /PhantomFormer/);
    assert.ok(answer.citations.every((c) => c.title.startsWith("Lantern")));
  });

  test("given a model that says the sources do not answer, then the user gets the honest refusal with the closest titles", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({ kind: "reply", content: "NOT_IN_LIBRARY" });
    const answer = await answerer.answer(QUESTION);
    assert.equal(answer.grounded, false);
    assert.match(answer.answer, /couldn't find/);
    assert.ok(answer.closest.length > 0);
    assert.deepEqual(answer.citations, []);
  });

  test("given a question nothing in the library is about, then no model call is made and the answer is a refusal", async (t) => {
    const { standIn, answerer } = await withModel(t);
    const answer = await answerer.answer("What is a good recipe for sourdough bread with a rye starter?");
    assert.equal(answer.grounded, false);
    assert.equal(standIn.requests.filter((r) => r.path.endsWith("/chat/completions")).length, 0);
  });

  for (const [name, behaviour, options] of [
    ["answers 500", { kind: "status", status: 500 }, {}],
    ["hangs past the timeout", { kind: "hang" }, { timeout: 300 }],
    ["returns malformed JSON", { kind: "malformed" }, {}],
    ["drops the stream midway", { kind: "dropMidStream", after: 2 }, {}],
  ] as const) {
    test(`given a model that ${name}, then the user still gets a cited answer quoted from the papers, with a notice`, async (t) => {
      const { standIn, answerer } = await withModel(t, options);
      standIn.chat.setDefault(behaviour);
      const answer = await answerer.answer(QUESTION);
      assert.equal(answer.mode, "extractive");
      assert.equal(answer.grounded, true);
      assert.match(answer.notice ?? "", /language model/);
      assert.equal(answer.citations[0]?.title.split(":")[0], "Lantern");
      assert.match(answer.answer, /\[1\]/);
    });
  }

  test("given a model answering without any citation, then its text is not shown and the papers are quoted instead", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue({ kind: "reply", content: "Sure! Everyone knows transformers are quadratic, so use PhantomFormer." });
    const answer = await answerer.answer(QUESTION);
    assert.equal(answer.mode, "extractive");
    assert.doesNotMatch(answer.answer, /PhantomFormer/);
    assert.match(answer.notice ?? "", /could not be checked/);
  });

  test("given a 429 with Retry-After, then the answer comes from the model after a retry", async (t) => {
    const { standIn, answerer } = await withModel(t, { maxRetries: 2 });
    standIn.chat.enqueue(
      { kind: "status", status: 429, retryAfterSeconds: 1 },
      { kind: "reply", content: (body) => `Linear memory [${lanternNumber(body)}].` },
    );
    const answer = await answerer.answer(QUESTION);
    assert.equal(answer.mode, "llm");
    assert.equal(standIn.requests.filter((r) => r.path.endsWith("/chat/completions")).length, 2);
  });

  test("given a follow-up and a model, then the model rewrites it from the thread's history and the rewrite is searched", async (t) => {
    const { standIn, answerer } = await withModel(t);
    const rewritten = "How much less memory does Lantern use on long legal contracts?";
    standIn.chat.enqueue(
      { kind: "reply", content: rewritten },
      { kind: "reply", content: (body) => `It uses 6x less memory [${lanternNumber(body)}].` },
    );
    const answer = await answerer.answer("and how much memory does the second one save?", {
      history: [
        {
          question: "Which papers handle long documents?",
          sourceTitles: ["Some Other Paper", "Lantern: Linear Attention for Long Legal Documents"],
        },
      ],
    });
    assert.equal(answer.searchedFor, rewritten);
    assert.equal(answer.citations[0]?.title.split(":")[0], "Lantern");
    const [rewrite] = standIn.requests.filter((r) => r.path.endsWith("/chat/completions"));
    assert.match(promptText(rewrite!.body as ChatRequestBody), /source 2: Lantern/);
  });

  test("given a follow-up and a model that fails to rewrite it, then the rule resolves it and the answer still comes", async (t) => {
    const { standIn, answerer } = await withModel(t);
    standIn.chat.enqueue(
      { kind: "status", status: 400 },
      { kind: "reply", content: (body) => `It uses 6x less memory [${lanternNumber(body)}].` },
    );
    const answer = await answerer.answer("how much memory does the second one save?", {
      history: [
        {
          question: "Which papers handle long documents?",
          sourceTitles: ["Some Other Paper", "Lantern: Linear Attention for Long Legal Documents"],
        },
      ],
    });
    assert.match(answer.searchedFor, /"Lantern: Linear Attention for Long Legal Documents"/);
    assert.equal(answer.mode, "llm");
    assert.equal(answer.citations[0]?.title.split(":")[0], "Lantern");
  });

  /**
   * The model as configured for a waiting user (modelForAnswers), with deadlines short enough for a
   * test (and loose enough for a loaded machine, where a healthy model's first token can take a second):
   * the first token within 3 s, the whole answer within 6 s. OPENAI_MAX_RETRIES keeps its
   * default (4): the answer path must not use it.
   */
  const FIRST_TOKEN_MS = 3_000;
  const ANSWER_MS = 6_000;
  async function withConfiguredModel(t: { after(fn: () => unknown): void }) {
    // Replies in 40 chunks, so that a slow one is slow from its first token on.
    const standIn: OpenAiStandIn = await startOpenAiStandIn({ streamChunks: 40 });
    t.after(() => standIn.close());
    const config = buildConfig({
      OPENAI_API_KEY: "sk-test-secret",
      OPENAI_BASE_URL: standIn.baseURL,
      CHAT_MODEL: "test-chat",
      LLM_FIRST_TOKEN_MS: String(FIRST_TOKEN_MS),
      LLM_ANSWER_MS: String(ANSWER_MS),
    });
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    return { standIn, logs, answerer: createAnswerer({ searcher, embeddings, logger, ...(await modelForAnswers(config)) }) };
  }

  const long =
    "Lantern keeps attention memory linear in the length of the contract, so a 200-page agreement fits where quadratic attention ran out [1]. ";
  for (const [name, behaviour, notice, sawStart] of [
    ["answers 500", { kind: "status", status: 500 }, /unavailable right now \(it answered HTTP 500\)/, false],
    ["hangs before its headers", { kind: "hang" }, /did not start its answer within 3 s/, false],
    ["sends its headers and then nothing", { kind: "stallMidStream", after: 0 }, /did not start its answer within 3 s/, false],
    [
      "stalls mid-stream after some tokens",
      { kind: "stallMidStream", after: 2, content: long.repeat(3) },
      /did not finish its answer within 6 s/,
      true,
    ],
    [
      "keeps streaming too slowly",
      { kind: "reply", content: long.repeat(3), chunkDelayMs: 250 },
      /did not finish its answer within 6 s/,
      true,
    ],
  ] as [string, ChatBehaviour, RegExp, boolean][]) {
    // The timeout ends the test if a regression lets the stand-in hold the answer forever.
    test(
      `given a model that ${name}, then the user gets the papers quoted with a notice by the deadline, without retries`,
      { timeout: 20_000 },
      async (t) => {
        const { standIn, logs, answerer } = await withConfiguredModel(t);
        standIn.chat.setDefault(behaviour);
        const started = performance.now();
        const { partials, answer } = await collect(answerer.stream(QUESTION));
        const ms = performance.now() - started;
        // Generous: the deadline is 6 s; without deadlines these took 30 s to minutes.
        assert.ok(ms < ANSWER_MS + 5_000, `answered after ${Math.round(ms)} ms`);
        assert.equal(answer.mode, "extractive");
        assert.equal(answer.grounded, true);
        assert.match(answer.notice ?? "", notice);
        assert.match(answer.notice ?? "", /^The language model .*, so this answer quotes the papers directly\.$/);
        assert.equal(answer.citations[0]?.title.split(":")[0], "Lantern");
        assert.equal(partials.length > 0, sawStart, "the user saw the model's start only if it streamed one");
        assert.equal(standIn.requestsTo("/v1/chat/completions").length, 1, "no retry spent the user's time");
        const warning = logs.find((line) => line.msg === "language model failed; answering from the papers instead");
        assert.equal(warning?.endpoint, standIn.baseURL, "the log names the endpoint");
        assert.doesNotMatch(JSON.stringify(logs), /sk-test-secret/);
      },
    );
  }

  test("given a follow-up and a model that hangs, then the rewrite and the answer share one deadline", { timeout: 20_000 }, async (t) => {
    const { standIn, answerer } = await withConfiguredModel(t);
    standIn.chat.setDefault({ kind: "hang" });
    const started = performance.now();
    const answer = await answerer.answer("how much memory does the second one save?", {
      history: [
        {
          question: "Which papers handle long documents?",
          sourceTitles: ["Some Other Paper", "Lantern: Linear Attention for Long Legal Documents"],
        },
      ],
    });
    const ms = performance.now() - started;
    assert.ok(ms < ANSWER_MS + 5_000, `answered after ${Math.round(ms)} ms`);
    assert.match(answer.searchedFor, /"Lantern: Linear Attention for Long Legal Documents"/, "the rule resolved the follow-up");
    assert.equal(answer.mode, "extractive");
    assert.match(answer.notice ?? "", /language model/);
  });

  test("given a model that answers within its deadlines, then the answer is the model's", async (t) => {
    const { standIn, answerer } = await withConfiguredModel(t);
    standIn.chat.enqueue({ kind: "reply", content: (body) => `Lantern keeps memory linear [${lanternNumber(body)}].`, chunkDelayMs: 10 });
    const answer = await answerer.answer(QUESTION);
    assert.equal(answer.mode, "llm");
    assert.equal(answer.notice, undefined);
  });

  test("without a model, then the extractive answer quotes the matching sentence with its citation", async () => {
    const answer = await createAnswerer({ searcher, embeddings }).answer(
      "How much less memory does the long-document attention method use?",
    );
    assert.equal(answer.mode, "extractive");
    assert.match(answer.answer, /6x less memory[^[]*\[1\]/);
    assert.equal(answer.citations[0]!.title.split(":")[0], "Lantern");
    for (const citation of answer.citations) {
      for (const quoted of (citation.quote ?? "").split(" … "))
        assert.ok(quoted && answer.answer.includes(quoted), `[${citation.n}] quotes the sentences it backs`);
    }
  });
});

describe("a question word the library uses only in another form", () => {
  let library: TempLibrary | undefined;
  let searcher: Searcher;
  const QUESTION = "is there a CLIP model adapted for astronomy images?";
  before(async () => {
    const papers = [
      {
        title: "StarAlign: Contrastive Image-Text Pretraining for Astronomical Surveys",
        summary:
          "StarAlign fine-tunes CLIP on 40,000 astronomical observations paired with captions written by astronomers. Zero-shot galaxy morphology classification improves by 18 points.",
        year: 2024,
      },
      {
        title: "MedCLIP: CLIP for Chest X-Ray Images",
        summary: "We fine-tune a CLIP model on chest X-ray images and reports, improving zero-shot diagnosis of pneumonia.",
        year: 2024,
      },
      {
        title: "GeoCLIP Tuning: Land-Use Captions for Satellite Imagery",
        summary: "We tune CLIP on satellite images with land-use captions, improving retrieval of farmland and ports.",
        year: 2023,
      },
      {
        title: "Prompting CLIP for Fine-Grained Images",
        summary: "Learned prompts let a frozen CLIP model recognise fine-grained images of birds and cars.",
        year: 2022,
      },
    ];
    // Others about images, so that a rare word weighs as it does in a real library.
    for (const topic of ["faces", "fonts", "clouds", "x-rays", "maps", "paintings", "receipts", "plants", "shoes", "traffic"])
      papers.push({
        title: `Seeing ${topic}: A Diffusion Model for Images of ${topic}`,
        summary: `A diffusion model generates images of ${topic}, and a classifier adapted to ${topic} scores them.`,
        year: 2023,
      });
    library = await tempLibraryOf(papers, "paperbot-variants-");
    searcher = createSearcher({ store: library.store, embeddings });
  });
  after(() => library?.remove());

  test("given 'astronomy' where the library says 'astronomical', then the answer cites the paper that says it", async () => {
    const plain = await searcher.search(QUESTION, { k: 4 });
    assert.notEqual(plain[0]?.title.split(":")[0], "StarAlign", "the stemmer alone does not bring the two forms together");
    const withVariants = await searcher.search(QUESTION, { k: 4, variants: ["astronomy"] });
    assert.equal(withVariants[0]?.title.split(":")[0], "StarAlign");
    const answer = await createAnswerer({ searcher, embeddings }).answer(QUESTION);
    assert.equal(answer.grounded, true, answer.answer);
    assert.equal(answer.citations[0]?.title.split(":")[0], "StarAlign", answer.answer);
  });
});

describe("a paper whose short name is a common word", () => {
  let library: TempLibrary | undefined;
  let searcher: Searcher;
  before(async () => {
    const papers = [
      {
        title: "ReCall: Tool Use Learned by Reinforcement",
        summary: "Agents learn when to invoke tools from outcome rewards alone, without tool-use demonstrations.",
        year: 2025,
      },
    ];
    // Many papers that use the name's word, as "research" is used in a real library.
    for (const topic of [
      "memory",
      "retrieval",
      "phone numbers",
      "speech",
      "recommendation",
      "names",
      "dates",
      "sports",
      "songs",
      "recipes",
      "cities",
      "birds",
    ])
      papers.push({
        title: `Recall of ${topic} in Language Models`,
        summary: `We measure the recall of ${topic}: how much models recall, how recall degrades, and what improves recall of ${topic}.`,
        year: 2024,
      });
    library = await tempLibraryOf(papers, "paperbot-common-name-");
    searcher = createSearcher({ store: library.store, embeddings });
  });
  after(() => library?.remove());

  test("given a question asking for the paper by that name, then the answer is that paper, however low search ranks it", async () => {
    const found = await searcher.search("the ReCall paper", { k: 10 });
    assert.ok(!found.some((hit) => hit.title.startsWith("ReCall:")), "search alone does not find it among ten");
    const answer = await createAnswerer({ searcher, embeddings }).answer("the ReCall paper");
    assert.equal(answer.grounded, true, answer.answer);
    assert.equal(answer.citations[0]?.title.split(":")[0], "ReCall", answer.answer);
  });
});

describe("which paper a question or follow-up is about", () => {
  let library: TempLibrary | undefined;
  let searcher: Searcher;
  before(async () => {
    const papers = [
      {
        title: "Lantern: Linear Attention for Long Contracts",
        summary:
          "Lantern keeps attention memory linear in contract length, so a 100k-token contract fits on one GPU. It scores contract clauses 6x faster than full attention, at a tenth of QuillNet's overhead.",
      },
      {
        title: "Sieve: Scoring Lots of Candidates Much Faster",
        summary:
          "Sieve scores lots of candidates much faster: scoring is faster when a cheap first stage prunes candidates before an expensive scorer, 20x faster scoring at equal recall.",
      },
      {
        title: "QuillNet: Diffusion Models for Handwriting",
        summary: "QuillNet trains a diffusion model on scanned letters; its overhead is a second denoiser.",
      },
      ...["tides", "maps", "fonts", "birds", "songs", "ports"].map((topic) => ({
        title: `Learning About ${topic}`,
        summary: `A model of ${topic} trained on a new dataset of ${topic}.`,
      })),
    ];
    library = await tempLibraryOf(papers, "paperbot-points-back-");
    searcher = createSearcher({ store: library.store, embeddings });
  });
  after(() => library?.remove());

  test("given 'it' in a follow-up whose words fit another paper better, then the thread's paper leads what the answer weighs", async () => {
    const answerer = createAnswerer({ searcher, embeddings });
    const first = await answerer.answer("what is Lantern?");
    assert.equal(first.citations[0]?.title.split(":")[0], "Lantern", first.answer);
    const history = [{ question: "what is Lantern?", sourceTitles: first.citations.map((c) => c.title) }];
    const followUp = await answerer.assess("how much faster is it at scoring?", { history });
    assert.deepEqual(
      followUp.hits.slice(0, 2).map((hit) => hit.title.split(":")[0]),
      ["Lantern", "Sieve"],
    );
  });

  test("given a long question that names a paper only as context, then the paper its words describe leads", async () => {
    const answerer = createAnswerer({ searcher, embeddings });
    const long = await answerer.assess(
      "which method keeps attention memory linear in length for long contracts, unlike QuillNet with its second denoiser?",
    );
    assert.equal(long.hits[0]?.title.split(":")[0], "Lantern");
    const short = await answerer.assess("how does QuillNet denoise?");
    assert.equal(short.hits[0]?.title.split(":")[0], "QuillNet", "a short question naming it is about it");
  });

  test("given a follow-up setting the thread's paper against a baseline it names, then the answer is that paper, not the two sides", async () => {
    const history = [{ question: "what is Lantern?", sourceTitles: ["Lantern: Linear Attention for Long Contracts"] }];
    const followUp = await createAnswerer({ searcher, embeddings }).answer("scoring speedups versus QuillNet's overhead?", { history });
    assert.equal(followUp.citations[0]?.title.split(":")[0], "Lantern", followUp.answer);
  });
});
