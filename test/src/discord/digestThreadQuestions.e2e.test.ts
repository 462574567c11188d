import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { subscribeGeneral, askInThread, startDigestBot, type DigestBot } from "../../helpers/digestBot.js";
import { type BotHarness } from "../../helpers/botHarness.js";
import { eventually } from "../../helpers/eventually.js";
import { dailyPapersList } from "../../helpers/paperSourcesStandIn.js";

/**
 * Questions in a digest's thread teach the channel's digest, end to end: the real bot posts a digest with
 * its thread, a member asks there about one of its papers, and the channel's next digest ranks papers like
 * it higher, saying it was asked about; `/digest profile` shows it. No one pressed a vote button.
 */

let rig: DigestBot;
let h: BotHarness;
let now = new Date("2026-11-23T07:00:00Z");

const BYTE_LEVEL = "Byte-Level Language Models Without a Tokenizer, at Scale";

// The next day's list, by upvotes: three papers of other kinds, then a byte-level model, least upvoted.
const NEXT_DAY = [
  {
    id: "2611.30001",
    upvotes: 60,
    title: "Graph Neural Networks for Crystal Chemistry",
    summary: "Graph networks predict crystal properties for materials chemistry.",
  },
  {
    id: "2611.30002",
    upvotes: 45,
    title: "Weather Forecasting with Global Grids",
    summary: "Forecasting global weather on spherical grids at high resolution.",
  },
  {
    id: "2611.30003",
    upvotes: 30,
    title: "Protein Folding with Sparse Attention",
    summary: "Sparse attention predicts protein structures from sequences.",
  },
  {
    id: "2611.30004",
    upvotes: 20,
    title: "Ocean Current Models from Satellite Images",
    summary: "Satellite images give ocean current estimates for coastal planning.",
  },
  {
    id: "2611.30005",
    upvotes: 2,
    title: "Tokenizer-Free Byte-Level Language Models for Code",
    summary: "Byte-level language models without a tokenizer, trained at scale on code, match subword models.",
  },
];

before(async () => {
  rig = await startDigestBot("paperbot-digest-asked-", () => now, { "2026-11-24": dailyPapersList("2026-11-24", NEXT_DAY) });
  h = rig.h;
});
after(() => rig.close());

const general = () => h.discord.channelIds.general;
/** The entries of the digest posted for the date, each "**n.** [title](…)" with its lines, in order. */
const entries = (date: string) =>
  h.discord
    .channelMessages(general())
    .filter((m) => m.author.id === h.discord.botUser.id && m.content.includes(`📰 Daily papers — ${date}`))
    .flatMap((m) => m.content.split(/\n\n(?=\*\*\d+\.\*\* )/))
    .filter((part) => /^\*\*\d+\.\*\* \[/.test(part));

test("given a question in a digest's thread answered citing one of its papers, then the channel keeps that paper as asked about by the member", async () => {
  await subscribeGeneral(h);
  now = new Date("2026-11-23T08:00:30Z");
  assert.deepEqual(
    (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
    ["posted"],
  );
  const post = h.discord
    .channelMessages(general())
    .find((m) => m.author.id === h.discord.botUser.id && m.content.includes("📰 Daily papers — 2026-11-23"))!;
  const thread = h.discord.threads.find((t) => t.starterMessageId === post.id)!;

  const answer = await askInThread(h, thread.id, "how much more compute does training without a tokenizer cost?");
  assert.match(answer.content, new RegExp(`\\*\\*Sources\\*\\*\\n1\\. \\[${BYTE_LEVEL}\\]`));

  const asked = await eventually(
    async () => {
      const votes = await h.services.digestVotes.votes(general());
      return votes.length > 0 ? votes : undefined;
    },
    10_000,
    "the paper asked about, recorded for the channel",
  );
  assert.deepEqual(
    asked.map((v) => [v.paperId, v.userId, v.vote, v.title]),
    [["arxiv:2611.10003", h.discord.users.bob, "asked", BYTE_LEVEL]],
  );
  assert.deepEqual(h.discord.violations, []);
});

test("given that question, then the next digest ranks the paper like it above its upvotes, saying it was asked about in the thread", async () => {
  now = new Date("2026-11-24T08:00:30Z");
  assert.deepEqual(
    (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
    ["posted"],
  );
  const posted = entries("2026-11-24");
  const titles = posted.map((e) => /\[([^\]]+)\]/.exec(e)![1]);
  assert.equal(titles.length, NEXT_DAY.length, JSON.stringify(titles));
  // By upvotes alone it would come last.
  assert.ok(
    titles.indexOf("Tokenizer-Free Byte-Level Language Models for Code") < titles.indexOf("Ocean Current Models from Satellite Images"),
    JSON.stringify(titles),
  );
  const byteLevel = posted.find((e) => e.includes("Tokenizer-Free Byte-Level"))!;
  assert.match(byteLevel, new RegExp(`\\*like “${BYTE_LEVEL}” asked about in the thread on \\d{1,2} [A-Z][a-z]{2}\\*`));
  assert.doesNotMatch(posted.join("\n"), /you 👍/, "nobody voted");
  assert.deepEqual(h.discord.violations, []);
});

test("given /digest profile, then it shows the paper asked about, marked as such", async () => {
  const profile = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "profile",
    options: {},
    userId: h.discord.users.alice,
  });
  await profile.waitForFinal(undefined, 10_000);
  const shown = profile.original?.content ?? "";
  assert.match(shown, /\(1 paper asked about in its digests' threads\)/);
  assert.match(shown, new RegExp(`👍 1 paper, latest:\\n• ${BYTE_LEVEL} \\(asked about in the thread\\)`));
});
