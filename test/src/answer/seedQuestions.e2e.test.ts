import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createAnswerer, type Answerer } from "../../../src/answer/createAnswerer.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { findPaper } from "../../../src/retrieve/findPaper.js";
import { createSearcher, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { similarPapers } from "../../../src/retrieve/similarPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { SEEDS } from "../../helpers/paths.js";

/** Seed-scale: what a new user tries first, on the real seed pages. */
describe("given the seeds", { skip: !existsSync(SEEDS) && "no seed corpus here" }, () => {
  let dir = "";
  let store: PaperStore;
  let searcher: Searcher;
  let answerer: Answerer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-seed-questions-"));
    await ingestInto(join(dir, "db"), [SEEDS]);
    store = await PaperStore.open({ uri: join(dir, "db") });
    const embeddings = new LocalEmbeddings();
    searcher = createSearcher({ store, embeddings });
    answerer = createAnswerer({ searcher, embeddings });
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("when a user asks what a paper is, how many, or to compare two, then the answer cites them", async () => {
    const what = await answerer.answer("what is PTMTorrent?");
    assert.match(what.citations[0]?.title ?? "", /^PTMTorrent/);
    assert.equal(what.citations[0]?.n, 1, "citations are numbered from 1");

    const howMany = await answerer.answer("How many PTM packages are in the PTMTorrent dataset?");
    assert.match(howMany.answer, /15,913/);

    const compare = await answerer.answer("compare FaceNet and ArcFace");
    const titles = compare.citations.map((c) => c.title);
    assert.ok(
      titles.some((title) => title.startsWith("FaceNet")) && titles.some((title) => title.startsWith("ArcFace")),
      titles.join("; "),
    );
  });

  test("when a follow-up names a model the thread's paper used, then the answer cites the thread's paper, not that model's", async () => {
    const question = "why does fine-tuning a big pretrained language model work with only a few hundred labelled examples?";
    const first = await answerer.answer(question);
    assert.match(first.citations[0]?.title ?? "", /^Intrinsic Dimensionality/);
    const history = [{ question, sourceTitles: first.citations.map((c) => c.title) }];
    const followUp = await answerer.answer("how few parameters were enough for RoBERTa on MRPC?", { history });
    assert.match(followUp.citations[0]?.title ?? "", /^Intrinsic Dimensionality/, followUp.answer);
    const what = await answerer.answer("what is RoBERTa?", { history });
    assert.match(what.citations[0]?.title ?? "", /^RoBERTa/, "asking what it is asks for that paper");
  });

  test("when a user asks about a system the library lacks, then the answer says so and cites nothing", async () => {
    const missing = await answerer.answer("what is GLM-5?");
    assert.equal(missing.grounded, false);
    assert.match(missing.answer, /I don't have “GLM-5” in the library/);
    assert.equal(missing.citations.length, 0);
  });

  test("when a user asks for papers similar to a point-cloud paper, then point-cloud papers come first", async () => {
    const found = await findPaper(store, "HyMamba");
    assert.ok("paper" in found);
    const similar = await similarPapers(searcher, found.paper, 5);
    assert.match(similar[0]?.title ?? "", /point cloud/i, similar.map((s) => s.title).join("; "));
  });
});
