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

/** Real-corpus scale: a conversation over ten weeks of real daily papers (~700). */
describe("given ten weeks of the real daily papers", { skip: !existsSync(CORPUS) && "no corpus here" }, () => {
  let dir = "";
  let store: PaperStore;
  let answerer: Answerer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-conversation-"));
    const days = join(dir, "days");
    mkdirSync(days);
    for (const day of corpusDays().filter((d) => d.date >= "2025-01-15" && d.date <= "2025-03-31"))
      writeFileSync(join(days, `${day.date}.json`), JSON.stringify(day.items));
    await ingestInto(join(dir, "db"), [days]);
    store = await PaperStore.open({ uri: join(dir, "db") });
    const embeddings = new LocalEmbeddings();
    answerer = createAnswerer({ searcher: createSearcher({ store, embeddings }), embeddings });
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("when a follow-up names something else but asks about the thread's paper, then the answer cites the thread's paper", async () => {
    const question = "is there an instruction-tuning dataset covering both audio understanding and audio generation?";
    const first = await answerer.answer(question);
    assert.match(first.citations[0]?.title ?? "", /^Audio-FLAN/);
    const followUp = "is the data available on HuggingFace?";
    const alone = await answerer.answer(followUp);
    assert.doesNotMatch(alone.citations[0]?.title ?? "", /^Audio-FLAN/, "alone, the question is about any dataset");
    const inThread = await answerer.answer(followUp, { history: [{ question, sourceTitles: first.citations.map((c) => c.title) }] });
    assert.equal(inThread.grounded, true, inThread.answer);
    assert.match(inThread.citations[0]?.title ?? "", /^Audio-FLAN/, inThread.answer);
  });

  test("when a follow-up points back and names the model it was compared with, then the answer cites the thread's paper", async () => {
    const question = "what is SIFT, the sticker method for grounding reasoning in the context?";
    const first = await answerer.answer(question);
    assert.match(first.citations[0]?.title ?? "", /^SIFT/);
    const followUp = await answerer.answer("how much did it improve DeepSeek-R1 on AIME2024?", {
      history: [{ question, sourceTitles: first.citations.map((c) => c.title) }],
    });
    assert.equal(followUp.grounded, true, followUp.answer);
    assert.match(followUp.citations[0]?.title ?? "", /^SIFT/, followUp.answer);
  });
});
