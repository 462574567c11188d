import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createAnswerer, type Answerer } from "../../../src/answer/createAnswerer.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { CORPUS, corpusDays } from "../../helpers/realCorpus.js";

/** A library of the real daily papers listed from `from` to `to`, built by the real ingest in a temp dir. */
function windowOfPapers(from: string, to: string): { answerer: () => Answerer } {
  let dir = "";
  let store: PaperStore | undefined;
  let answerer: Answerer | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-conversation-"));
    const days = join(dir, "days");
    mkdirSync(days);
    for (const day of corpusDays().filter((d) => d.date >= from && d.date <= to))
      writeFileSync(join(days, `${day.date}.json`), JSON.stringify(day.items));
    await ingestInto(join(dir, "db"), [days]);
    store = await PaperStore.open({ uri: join(dir, "db") });
    const embeddings = new LocalEmbeddings();
    answerer = createAnswerer({ searcher: createSearcher({ store, embeddings }), embeddings });
  });
  after(async () => {
    store?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { answerer: () => answerer! };
}

/** Real-corpus scale: a conversation over ten weeks of real daily papers (~700). */
describe("given ten weeks of the real daily papers", { skip: !existsSync(CORPUS) && "no corpus here" }, () => {
  const library = windowOfPapers("2025-01-15", "2025-03-31");

  test("when a follow-up names something else but asks about the thread's paper, then the answer cites the thread's paper", async () => {
    const question = "is there an instruction-tuning dataset covering both audio understanding and audio generation?";
    const first = await library.answerer().answer(question);
    assert.match(first.citations[0]?.title ?? "", /^Audio-FLAN/);
    const followUp = "is the data available on HuggingFace?";
    const alone = await library.answerer().answer(followUp);
    assert.doesNotMatch(alone.citations[0]?.title ?? "", /^Audio-FLAN/, "alone, the question is about any dataset");
    const inThread = await library
      .answerer()
      .answer(followUp, { history: [{ question, sourceTitles: first.citations.map((c) => c.title) }] });
    assert.equal(inThread.grounded, true, inThread.answer);
    assert.match(inThread.citations[0]?.title ?? "", /^Audio-FLAN/, inThread.answer);
  });

  test("when a follow-up points back and names the model it was compared with, then the answer cites the thread's paper", async () => {
    const question = "what is SIFT, the sticker method for grounding reasoning in the context?";
    const first = await library.answerer().answer(question);
    assert.match(first.citations[0]?.title ?? "", /^SIFT/);
    const followUp = await library.answerer().answer("how much did it improve DeepSeek-R1 on AIME2024?", {
      history: [{ question, sourceTitles: first.citations.map((c) => c.title) }],
    });
    assert.equal(followUp.grounded, true, followUp.answer);
    assert.match(followUp.citations[0]?.title ?? "", /^SIFT/, followUp.answer);
  });
});

describe("given two months of the real daily papers", { skip: !existsSync(CORPUS) && "no corpus here" }, () => {
  const library = windowOfPapers("2025-09-01", "2025-10-31");

  test("when a follow-up names a method many papers use and the thread's paper uses it too, then the answer cites the thread's paper", async () => {
    const question = "what does AVoCaDO do?";
    const first = await library.answerer().answer(question);
    assert.match(first.citations[0]?.title ?? "", /^AVoCaDO/);
    const followUp = "what do the GRPO rewards target?";
    const alone = await library.answerer().answer(followUp);
    assert.doesNotMatch(alone.citations[0]?.title ?? "", /^AVoCaDO/, "alone, the question is about any paper's GRPO");
    const inThread = await library
      .answerer()
      .answer(followUp, { history: [{ question, sourceTitles: first.citations.map((c) => c.title) }] });
    assert.equal(inThread.grounded, true, inThread.answer);
    assert.match(inThread.citations[0]?.title ?? "", /^AVoCaDO/, inThread.answer);
  });
});
