import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DigestVoteStore, type ChannelVote } from "../../../src/store/digestVotes.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-digest-votes-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vote = (fields: Partial<ChannelVote>): ChannelVote => ({
  channelId: "c1",
  paperId: "arxiv:2612.00001",
  userId: "u1",
  vote: "up",
  at: "2026-12-03T10:00:00.000Z",
  title: "Latent Diffusion for Video",
  text: "Latent Diffusion for Video\nWe generate videos.",
  keywords: ["diffusion", "video"],
  ...fields,
});

test("given votes changed and taken by several members, then each member keeps one vote per paper, and they survive reopening the library", async () => {
  const uri = join(dir, "db");
  const store = await DigestVoteStore.open({ uri });
  assert.deepEqual(await store.votes("c1"), [], "no table yet: no votes, no error");
  assert.deepEqual(await store.vote(vote({})), {});
  assert.deepEqual(await store.vote(vote({ vote: "down", at: "2026-12-03T11:00:00.000Z" })), { previous: "up" });
  await store.vote(vote({ userId: "u2", at: "2026-12-03T12:00:00.000Z" }));
  await store.vote(vote({ channelId: "c2", at: "2026-12-03T12:00:00.000Z" }));
  store.close();

  const reopened = await DigestVoteStore.open({ uri });
  const votes = await reopened.votes("c1");
  assert.deepEqual(
    votes.map((v) => [v.userId, v.vote]),
    [
      ["u1", "down"],
      ["u2", "up"],
    ],
  );
  assert.deepEqual(votes[0]!.keywords, ["diffusion", "video"]);
  assert.equal(votes[0]!.title, "Latent Diffusion for Video");
  assert.equal((await reopened.votes("c2")).length, 1);

  assert.equal(await reopened.reset("c1"), 2);
  assert.deepEqual(await reopened.votes("c1"), []);
  assert.equal((await reopened.votes("c2")).length, 1, "another channel's votes stay");
  reopened.close();
});
