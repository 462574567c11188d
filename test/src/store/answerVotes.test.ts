import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AnswerVoteStore, type AnswerVote } from "../../../src/store/answerVotes.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-answer-votes-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vote = (fields: Partial<AnswerVote>): AnswerVote => ({
  answerId: "a1",
  userId: "u1",
  vote: "up",
  at: "2026-12-03T10:00:00.000Z",
  channelId: "c1",
  guildId: "g1",
  messageId: "m1",
  question: "which method detects replaced tokens?",
  answer: "ELECTRA trains a discriminator [1].",
  citations: [{ n: 1, paperId: "arxiv:2003.10555", title: "ELECTRA" }],
  grounded: true,
  mode: "extractive",
  ...fields,
});

test("given votes changed and taken by several members, then each keeps one vote per answer, and they survive reopening the library", async () => {
  const uri = join(dir, "db");
  const store = await AnswerVoteStore.open({ uri });
  assert.deepEqual(await store.votes(), [], "no table yet: no votes, no error");
  assert.equal((await store.vote(vote({}))).previous, undefined);
  assert.equal((await store.vote(vote({ vote: "down", at: "2026-12-03T11:00:00.000Z" }))).previous, "up");
  assert.equal((await store.vote(vote({ vote: "down", at: "2026-12-03T11:30:00.000Z" }))).previous, "down", "the same vote again");
  await store.vote(vote({ userId: "u2", at: "2026-12-04T09:00:00.000Z" }));
  store.close();

  const reopened = await AnswerVoteStore.open({ uri });
  const votes = await reopened.votes();
  assert.deepEqual(
    votes.map((v) => [v.userId, v.vote, v.at]),
    [
      ["u1", "down", "2026-12-03T11:00:00.000Z"],
      ["u2", "up", "2026-12-04T09:00:00.000Z"],
    ],
  );
  assert.deepEqual(votes[0], vote({ vote: "down", at: "2026-12-03T11:00:00.000Z" }), "every field read back as written");
  assert.deepEqual(
    (await reopened.votes({ since: "2026-12-04" })).map((v) => v.userId),
    ["u2"],
  );
  reopened.close();
});

test(
  "given a vote that does not know its question (after a restart), then it takes the question from an " +
    "earlier vote on the answer, or is kept as shown",
  async () => {
    const store = await AnswerVoteStore.open({ uri: join(dir, "db2") });
    await store.vote(vote({}));
    const unknown = { question: undefined, answer: "as shown", citations: [], grounded: undefined, mode: undefined };
    const { stored } = await store.vote({ ...vote({ userId: "u2", at: "2026-12-03T12:00:00.000Z" }), ...unknown });
    assert.equal(stored.question, "which method detects replaced tokens?");
    assert.equal(stored.citations.length, 1);

    // A DM (no guild) on an answer nobody voted on before: every cell of the unknown fields is empty.
    const { guildId: _, ...inDm } = vote({ answerId: "a2", userId: "u3", at: "2026-12-03T13:00:00.000Z" });
    await store.vote({ ...inDm, ...unknown });
    const votes = await store.votes();
    assert.deepEqual(
      votes.map((v) => [v.answerId, v.userId, v.question ?? null, v.answer, v.grounded ?? null, v.guildId ?? null]),
      [
        ["a1", "u1", "which method detects replaced tokens?", "ELECTRA trains a discriminator [1].", true, "g1"],
        ["a1", "u2", "which method detects replaced tokens?", "ELECTRA trains a discriminator [1].", true, "g1"],
        ["a2", "u3", null, "as shown", null, null],
      ],
    );
    store.close();
  },
);
