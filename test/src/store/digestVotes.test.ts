import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { VoteKind } from "../../../src/digest/channelProfile.js";
import { DigestVoteStore, type ChannelVote } from "../../../src/store/digestVotes.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-digest-votes-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vote = (fields: Partial<ChannelVote> & { vote?: VoteKind }): ChannelVote & { vote: VoteKind } => ({
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

test(
  "given a member asking about papers in a digest's thread, then each paper is kept once per member " +
    "beside their 👍/👎, and the channels' counts add them up",
  async () => {
    const store = await DigestVoteStore.open({ uri: join(dir, "asked") });
    const { vote: _, ...asked } = vote({ at: "2026-12-03T12:00:00.000Z" });
    const other = { ...asked, paperId: "arxiv:2612.00002", title: "Robots", at: "2026-12-04T12:00:00.000Z" };
    assert.deepEqual(await store.asked([asked, other, { ...other, userId: "u2" }]), [
      "arxiv:2612.00001",
      "arxiv:2612.00002",
      "arxiv:2612.00002",
    ]);
    assert.deepEqual(await store.asked([{ ...asked, at: "2026-12-05T12:00:00.000Z" }]), [], "asked again: nothing new");
    await store.vote(vote({ at: "2026-12-03T13:00:00.000Z" }));
    await store.vote(vote({ vote: "down", channelId: "c2", at: "2026-12-05T13:00:00.000Z" }));

    assert.deepEqual(
      (await store.votes("c1")).map((v) => [v.paperId, v.userId, v.vote, v.at]),
      [
        ["arxiv:2612.00001", "u1", "asked", "2026-12-03T12:00:00.000Z"],
        ["arxiv:2612.00001", "u1", "up", "2026-12-03T13:00:00.000Z"],
        ["arxiv:2612.00002", "u1", "asked", "2026-12-04T12:00:00.000Z"],
        ["arxiv:2612.00002", "u2", "asked", "2026-12-04T12:00:00.000Z"],
      ],
    );
    assert.deepEqual(await store.countsByChannel(), [
      { channelId: "c1", up: 1, down: 0, asked: 3, papers: 2, latestAt: "2026-12-04T12:00:00.000Z" },
      { channelId: "c2", up: 0, down: 1, asked: 0, papers: 1, latestAt: "2026-12-05T13:00:00.000Z" },
    ]);
    assert.deepEqual(
      (await store.countsByChannel({ since: "2026-12-04" })).map((c) => [c.channelId, c.up, c.asked]),
      [
        ["c1", 0, 2],
        ["c2", 0, 0],
      ],
    );
    store.close();
  },
);
