import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDigestPoster } from "../../../src/discord/digestPoster.js";
import { subscribeGeneral, askInThread, startDigestBot, type DigestBot } from "../../helpers/digestBot.js";
import { type BotHarness } from "../../helpers/botHarness.js";

/**
 * The digest end to end: a channel subscribes with /digest, the clock reaches
 * its time, the real bot posts the day's papers (fetched from loopback stand-ins
 * of Hugging Face and arXiv) with a thread, a question in that thread is answered
 * from those papers, and restarting the digest posts nothing twice.
 */

let rig: DigestBot;
let h: BotHarness;
let now = new Date("2026-11-23T07:00:00Z");

before(async () => {
  rig = await startDigestBot("paperbot-digest-bot-", () => now);
  h = rig.h;
});
after(() => rig.close());

const digestPosts = () =>
  h.discord
    .channelMessages(h.discord.channelIds.general)
    .filter((m) => m.author.id === h.discord.botUser.id && /📰 Daily papers — 2026-11-23/.test(m.content));

test("given a member without Manage Server, then /digest subscribe is refused", async () => {
  const refused = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "subscribe",
    options: {},
    userId: h.discord.users.alice,
  });
  await refused.waitForFinal();
  assert.match(refused.callbacks[0]!.data?.content ?? "", /Manage Server/);
  assert.equal(await h.services.digest!.subscriptions.get(h.discord.channelIds.general), undefined);
});

test(
  "given a subscribed channel and the clock reaching its time, then one digest is posted with a " +
    "thread, and a question there cites that day's paper",
  async () => {
    const subscribe = await subscribeGeneral(h);
    assert.match(subscribe.original?.content ?? "", /at 09:00 \(Europe\/Berlin\)/);

    assert.deepEqual(
      (await h.services.digest!.scheduler.runDue(now)).filter((o) => o.status === "posted"),
      [],
      "not yet at 07:00 UTC",
    );
    now = new Date("2026-11-23T08:00:30Z"); // 09:00 in Berlin
    const outcomes = await h.services.digest!.scheduler.runDue(now);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["posted"],
    );

    const posts = digestPosts();
    assert.ok(posts.length >= 1);
    assert.match(posts.map((p) => p.content).join("\n"), /Byte-Level Language Models Without a Tokenizer, at Scale/);
    assert.doesNotMatch(posts.map((p) => p.content).join("\n"), /(?<!\\)@everyone|@here/);
    const thread = h.discord.threads.find((t) => t.starterMessageId === posts[0]!.id);
    assert.equal(thread?.name, "Ask about today's papers");
    assert.deepEqual(h.discord.violations, []);

    const answer = await askInThread(h, thread.id, "how much more compute does training without a tokenizer cost?");
    assert.match(answer.content, /20% more compute/);
    assert.match(answer.content, /\*\*Sources\*\*\n1\. \[Byte-Level Language Models Without a Tokenizer, at Scale\]/);
  },
);

test("given the digest restarted (twice) on the same day, then nothing is posted twice", async () => {
  const before = digestPosts().length;
  await h.services.digest!.close();
  const { openDigestService } = await import("../../../src/digest/digestService.js");
  const app = { config: h.services.config, logger: h.services.logger };
  for (let i = 0; i < 2; i++) {
    const restarted = await openDigestService(
      app.config,
      app.logger,
      createDigestPoster(
        {
          ...app,
          embedder: async () => {
            throw new Error("must not build again");
          },
          openStore: async () => h.services.store,
        },
        h.services,
        h.bot.client,
      ),
      { now: () => now, timers: false },
    );
    const outcomes = await restarted.scheduler.runDue(new Date(now.getTime() + 3_600_000));
    assert.ok(
      outcomes.every((o) => o.status === "already" || o.status === "reconciled"),
      JSON.stringify(outcomes.map((o) => o.status)),
    );
    await restarted.close();
  }
  assert.equal(digestPosts().length, before);
});

test("given /digest unsubscribe, then the next day brings no post", async () => {
  const restarted = await (
    await import("../../../src/digest/digestService.js")
  ).openDigestService(
    h.services.config,
    h.services.logger,
    createDigestPoster(
      {
        config: h.services.config,
        logger: h.services.logger,
        embedder: async () => {
          throw new Error("no post expected");
        },
        openStore: async () => h.services.store,
      },
      h.services,
      h.bot.client,
    ),
    { now: () => now, timers: false },
  );
  h.services.digest = restarted;
  const unsubscribe = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "unsubscribe",
    options: {},
    userId: h.discord.users.carol,
  });
  await unsubscribe.waitForFinal(undefined, 10_000);
  assert.match(unsubscribe.original?.content ?? "", /no longer/);
  const outcomes = await restarted.scheduler.runDue(new Date("2026-11-24T08:00:30Z"));
  assert.deepEqual(
    outcomes.filter((o) => o.status === "posted"),
    [],
  );
});
