import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { archiveQuestion } from "../../../src/answer/archiveAnswer.js";
import { createAnswerer } from "../../../src/answer/createAnswerer.js";
import { digestArchive, libraryPapers } from "../../../src/digest/digestArchive.js";
import { DigestLedger, type DigestResult } from "../../../src/digest/digestLedger.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { paperIdFor } from "../../../src/paper.js";
import { createSearcher, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture } from "../../helpers/paths.js";

/**
 * Questions about a channel's past digests, answered from the archive (the ledger's records in a real
 * folder) and a real library: only the papers those digests posted are cited, each with its digest's date
 * and post link. Other questions, and the same questions asked outside a channel, are answered as before.
 */

const TODAY = new Date("2026-11-25T10:00:00Z");
const CHANNEL = "100000000000000001";
const post = (date: string) => `https://discord.com/channels/900000000000000001/${CHANNEL}/${date.replaceAll("-", "")}`;

const LANTERN = { id: "arxiv:2510.01234", title: "Lantern: Lightweight Attention for Long Documents", url: "https://hf.test/2510.01234" };
const TIDAL = { id: "arxiv:2510.05678", title: "Tidal: Retrieval for Streaming Speech", url: "https://hf.test/2510.05678" };
const QUIET = {
  id: paperIdFor("Quiet Gradients: Stabilising Low-Precision Training"),
  title: "Quiet Gradients: Stabilising Low-Precision Training",
};
/** Posted, then removed from the library: still in the archive under its posted title. */
const VANISHED = { id: "arxiv:2611.99999", title: "Attention Sinks in Streaming Transformers", url: "https://hf.test/2611.99999" };

describe("answers from a channel's past digests", () => {
  let dir = "";
  let store: PaperStore;
  let searcher: Searcher;
  let ledger: DigestLedger;
  const embeddings = new LocalEmbeddings();

  async function postDigest(date: string, papers: { id: string; title: string; url?: string }[]): Promise<void> {
    const claimed = await ledger.claim(CHANNEL, date, new Date(`${date}T08:00:00Z`));
    assert.equal(claimed.status, "claimed");
    const result: DigestResult = {
      state: "posted",
      paperIds: papers.map((p) => p.id),
      papers,
      messageIds: [date.replaceAll("-", "")],
      messageUrls: [post(date)],
      guildId: "900000000000000001",
    };
    if (claimed.status === "claimed") await claimed.claim.finish(result);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-archive-answer-"));
    await ingestInto(join(dir, "db"), [
      fixture("pipeline/daily-page.txt"),
      fixture("pipeline/hf-daily.json"),
      fixture("pipeline/papers.jsonl"),
    ]);
    store = await PaperStore.open({ uri: join(dir, "db") });
    searcher = createSearcher({ store, embeddings });
    ledger = await DigestLedger.open(join(dir, "digest"));
    await postDigest("2026-11-20", [LANTERN, TIDAL]);
    await postDigest("2026-11-23", [QUIET, VANISHED]);
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const answerer = () => createAnswerer({ searcher, embeddings, archive: digestArchive(ledger, libraryPapers(store)), now: () => TODAY });

  test("given 'which papers did the digest have on 20 Nov?', then that digest's papers are listed and cited, with the link to its post", async () => {
    const answer = await answerer().answer("which papers did the digest have on 20 Nov?", { channelId: CHANNEL });
    assert.equal(answer.grounded, true);
    assert.equal(
      answer.answer,
      `This channel's digest of 20 Nov 2026 (${post("2026-11-20")}) posted:\n1. ${LANTERN.title} [1]\n2. ${TIDAL.title} [2]`,
    );
    assert.deepEqual(
      answer.citations.map((c) => [c.n, c.paperId, c.url, c.postedIn]),
      [
        [1, LANTERN.id, LANTERN.url, { date: "2026-11-20", url: post("2026-11-20") }],
        [2, TIDAL.id, TIDAL.url, { date: "2026-11-20", url: post("2026-11-20") }],
      ],
    );
    assert.equal(answer.citations[0]?.links.arxiv, "https://arxiv.org/abs/2510.01234", "the library's links for a paper it has");
  });

  test("given 'what did we post about attention last month?', then the posted papers on attention are cited, each with the digest it was in, one the library has lost included", async () => {
    const answer = await answerer().answer("what did we post about attention last month?", { channelId: CHANNEL });
    assert.equal(answer.grounded, true);
    assert.match(answer.answer, /^Papers about “attention” posted in this channel's digests last month \(since 26 Oct 2026\):\n/);
    assert.deepEqual(
      answer.citations.map((c) => [c.title, c.postedIn?.date]),
      [
        [VANISHED.title, "2026-11-23"],
        [LANTERN.title, "2026-11-20"],
      ],
      "newest digest first; Tidal and Quiet Gradients are not about attention",
    );
    const lines = answer.answer.split("\n");
    assert.equal(lines[1], `1. ${VANISHED.title}, in the digest of 23 Nov 2026 (${post("2026-11-23")}). [1]`);
    assert.match(
      lines[2]!,
      new RegExp(
        `^2\\. Lantern: Lightweight Attention for Long Documents, in the digest of 20 Nov 2026 \\(${post("2026-11-20")}\\): We present Lantern`,
      ),
    );
    assert.match(answer.citations[1]?.quote ?? "", /^We present Lantern, an attention mechanism/, "the quote is the paper's own sentence");
  });

  test("given a topic no posted paper is about, or a day with no digest, then it says so and cites nothing", async () => {
    const topic = await answerer().answer("what did we post about protein folding?", { channelId: CHANNEL });
    assert.equal(topic.grounded, false);
    assert.equal(topic.refusal, "None of the 4 papers posted in this channel's digests is about “protein folding”.");
    assert.deepEqual(topic.citations, []);
    const day = await answerer().answer("which papers did the digest have on 1 Nov?", { channelId: CHANNEL });
    assert.equal(day.grounded, false);
    assert.equal(day.refusal, "No digest was posted in this channel on 1 Nov 2026.");
    const other = await answerer().answer("what was in the last digest?", { channelId: "100000000000000009" });
    assert.equal(other.refusal, "No digest has been posted in this channel yet.");
  });

  test("given 'the last digest', then only the newest digest counts", async () => {
    const answer = await answerer().answer("what was in the last digest?", { channelId: CHANNEL });
    assert.deepEqual(
      answer.citations.map((c) => c.paperId),
      [QUIET.id, VANISHED.id],
    );
  });

  test("given a question not about the digests, or one asked outside a channel, then the answer is exactly the library's, as without an archive", async () => {
    const plain = createAnswerer({ searcher, embeddings, now: () => TODAY });
    for (const [question, options] of [
      ["Which method keeps attention memory linear for very long legal contracts?", { channelId: CHANNEL }],
      ["what did we post about attention last month?", {}],
    ] as const) {
      assert.deepEqual(await answerer().answer(question, options), await plain.answer(question, options), question);
    }
  });
});

test("given questions, then those that speak of the channel's digests are told apart, with their day or window and topic", () => {
  const asked = (q: string) => archiveQuestion(q, TODAY);
  assert.deepEqual(asked("what did we post about diffusion last month?"), {
    range: { from: "2026-10-26", to: "2026-11-25" },
    label: "last month (since 26 Oct 2026)",
    topic: "diffusion",
    latestOnly: false,
  });
  assert.deepEqual(asked("which papers did the digest have on 3 Dec?"), {
    range: { from: "2025-12-03", to: "2025-12-03" },
    label: "on 3 Dec 2025",
    topic: "",
    latestOnly: false,
  });
  assert.deepEqual(asked("anything on RLHF in yesterday's digest?")?.range, { from: "2026-11-24", to: "2026-11-24" });
  assert.equal(asked("anything on RLHF in yesterday's digest?")?.topic, "RLHF");
  assert.equal(asked("was there Video Generation in the digest this week?")?.topic, "Video Generation");
  assert.equal(asked("what was in the last digest?")?.latestOnly, true);
  for (const q of [
    "what is a diffusion model?",
    "what's new this week on diffusion?",
    "which hash does the SHA-256 digest use?",
    "how did they post-process the outputs last year?",
  ])
    assert.equal(asked(q), undefined, q);
});
