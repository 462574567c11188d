import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { subscribeGeneral, startDigestBot, type DigestBot } from "../../helpers/digestBot.js";
import { type BotHarness } from "../../helpers/botHarness.js";
import { dailyPapersList } from "../../helpers/paperSourcesStandIn.js";

/**
 * 👍/👎 on digest papers end to end: the real bot posts a digest with a vote row under each paper,
 * members vote (one changes their mind), and the channel's next digest ranks with what they taught
 * it, saying why; the votes are in the library's database and outlive the bot's memory.
 */

let rig: DigestBot;
let h: BotHarness;
let now = new Date("2026-11-23T07:00:00Z");

interface Row {
  type: number;
  components: { custom_id: string; label: string; emoji?: { name: string } }[];
}

// The next day's list: a robot-cooking paper most upvoted (the kind voted 👎), a byte-level model least (the kind voted 👍).
const NEXT_DAY = [
  {
    id: "2611.20001",
    upvotes: 60,
    title: "Robot Chefs: Diffusion Policies for Kitchen Manipulation",
    summary: "Diffusion policies learn robot cooking from kitchen demonstrations: stirring, flipping and pouring in unseen kitchens.",
  },
  {
    id: "2611.20002",
    upvotes: 40,
    title: "Graph Neural Networks for Crystal Chemistry",
    summary: "Graph networks predict crystal properties for materials chemistry.",
  },
  {
    id: "2611.20003",
    upvotes: 25,
    title: "Weather Forecasting with Global Grids",
    summary: "Forecasting global weather on spherical grids at high resolution.",
  },
  {
    id: "2611.20004",
    upvotes: 2,
    title: "Tokenizer-Free Byte-Level Language Models for Code",
    summary: "Byte-level language models without a tokenizer, trained at scale on code, match subword models.",
  },
];

before(async () => {
  rig = await startDigestBot("paperbot-digest-votes-", () => now, { "2026-11-24": dailyPapersList("2026-11-24", NEXT_DAY) });
  h = rig.h;
});
after(() => rig.close());

const posts = (date: string) =>
  h.discord
    .channelMessages(h.discord.channelIds.general)
    .filter((m) => m.author.id === h.discord.botUser.id && m.content.includes(`📰 Daily papers — ${date}`));
const rowsOf = (message: { components?: unknown[] }) => (message.components ?? []) as Row[];

async function press(customId: string, messageId: string, userId: string): Promise<string> {
  const pressed = await h.discord.interact({
    kind: "button",
    customId,
    message: messageId,
    channelId: h.discord.channelIds.general,
    userId,
  });
  await pressed.waitForFinal(undefined, 10_000);
  return pressed.callbacks.map((c) => c.data?.content ?? "").join("\n");
}

test(
  "given a posted digest, then each paper has a 👍/👎 row (at most 5 per message), and votes are taken, " +
    "changed and acknowledged only to the voter",
  async () => {
    await subscribeGeneral(h);
    now = new Date("2026-11-23T08:00:30Z");
    assert.deepEqual(
      (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
      ["posted"],
    );

    const day1 = posts("2026-11-23");
    const rows = day1.flatMap(rowsOf);
    assert.ok(day1.every((m) => rowsOf(m).length <= 5));
    const titles = day1.map((m) => m.content).join("\n");
    assert.equal(rows.length, (titles.match(/^\*\*\d+\.\*\*/gm) ?? []).length, "one row per paper");
    assert.deepEqual(
      rows[0]!.components.map((c) => c.emoji?.name),
      ["👍", "👎"],
    );
    assert.deepEqual(h.discord.violations, []);

    const byteLevel = rows.find((r) => /Byte-Level Language Models/.test(r.components[0]!.label))!;
    const robots = rows.find((r) => /Stirring Policies/.test(r.components[0]!.label))!;
    const messageOf = (row: Row) => day1.find((m) => rowsOf(m).includes(row))!.id;

    assert.match(
      await press(byteLevel.components[0]!.custom_id, messageOf(byteLevel), h.discord.users.carol),
      /👍 on “Byte-Level Language Models Without a Tokenizer, at Scale”/,
    );
    assert.match(await press(robots.components[1]!.custom_id, messageOf(robots), h.discord.users.bob), /👎 on “Stirring Policies/);
    await press(robots.components[0]!.custom_id, messageOf(robots), h.discord.users.alice);
    assert.match(await press(robots.components[1]!.custom_id, messageOf(robots), h.discord.users.alice), /\(was 👍\)/);

    const votes = await h.services.digestVotes.votes(h.discord.channelIds.general);
    assert.deepEqual(votes.map((v) => [v.paperId, v.vote]).sort(), [
      ["arxiv:2611.10001", "down"],
      ["arxiv:2611.10001", "down"],
      ["arxiv:2611.10003", "up"],
    ]);
    assert.ok(h.discord.channelMessages(h.discord.channelIds.general).every((m) => (m.mentions?.length ?? 0) === 0));
  },
);

test("given those votes, then the next digest puts the liked kind first with the reason line and sinks the disliked kind", async () => {
  now = new Date("2026-11-24T08:00:30Z");
  assert.deepEqual(
    (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
    ["posted"],
  );
  const text = posts("2026-11-24")
    .map((m) => m.content)
    .join("\n");
  const order = [...text.matchAll(/^\*\*\d+\.\*\* \[([^\]]+)\]/gm)].map((m) => m[1]);
  // By upvotes alone the order would be 20001, 20002, 20003, 20004.
  assert.equal(order[0], "Tokenizer-Free Byte-Level Language Models for Code", text);
  assert.ok(
    order.indexOf("Robot Chefs: Diffusion Policies for Kitchen Manipulation") >
      order.indexOf("Graph Neural Networks for Crystal Chemistry"),
    text,
  );
  assert.ok(order.includes("Robot Chefs: Diffusion Policies for Kitchen Manipulation"), "the day's most upvoted paper stays in the digest");
  assert.match(text, /\*like “Byte-Level Language Models Without a Tokenizer, at Scale” you 👍 on \d{1,2} [A-Z][a-z]{2}\*/);
  assert.deepEqual(h.discord.violations, []);
});

test("given /digest profile, then it shows what the votes taught, and only Manage Server can reset it", async () => {
  const profile = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "profile",
    options: {},
    userId: h.discord.users.bob,
  });
  await profile.waitForFinal(undefined, 10_000);
  const shown = profile.original?.content ?? "";
  assert.match(shown, /\(3 votes\)/);
  assert.match(shown, /👍 1 paper, latest:\n• Byte-Level Language Models Without a Tokenizer, at Scale/);
  assert.match(shown, /👎 1 paper, latest:\n• Stirring Policies/);

  const refused = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "reset",
    options: {},
    userId: h.discord.users.alice,
  });
  await refused.waitForFinal(undefined, 10_000);
  assert.match(refused.callbacks[0]!.data?.content ?? refused.original?.content ?? "", /Manage Server/);
  assert.equal((await h.services.digestVotes.votes(h.discord.channelIds.general)).length, 3);

  const reset = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "reset",
    options: {},
    userId: h.discord.users.carol,
  });
  await reset.waitForFinal(undefined, 10_000);
  assert.match(reset.original?.content ?? "", /Forgot this channel's 3 votes/);
  const after = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "profile",
    options: {},
    userId: h.discord.users.bob,
  });
  await after.waitForFinal(undefined, 10_000);
  assert.match(after.original?.content ?? "", /has not voted on digest papers yet/);
});

test("given a vote on a digest paper since removed from the library, then it is kept, under the title its button showed", async () => {
  await h.services.store.deletePapers(["arxiv:2611.20003"]);
  assert.equal(await h.services.store.paperById("arxiv:2611.20003"), undefined);
  const day2 = posts("2026-11-24");
  const message = day2.find((m) => rowsOf(m).some((r) => r.components[0]!.custom_id === "dvote:up:arxiv:2611.20003"))!;
  assert.match(await press("dvote:up:arxiv:2611.20003", message.id, h.discord.users.bob), /👍 on “Weather Forecasting with Global Grids”/);
  const votes = await h.services.digestVotes.votes(h.discord.channelIds.general);
  assert.deepEqual(
    votes.map((v) => [v.paperId, v.vote, v.title]),
    [["arxiv:2611.20003", "up", "Weather Forecasting with Global Grids"]],
  );
});
