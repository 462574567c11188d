import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startDiscordStandIn, type MessageObject, type DiscordStandIn } from "../../helpers/discordStandIn.js";
import { startBotHarness, type BotHarness } from "../../helpers/botHarness.js";
import { ingestInto } from "../../helpers/library.js";
import { SEEDS, fixture } from "../../helpers/paths.js";

/**
 * The bot end to end, at seed scale: the real discord.js client logged into a
 * Discord stand-in on 127.0.0.1, answering from the seeds in a LanceDB library
 * on disk. What is asserted is what a user in the channel would see.
 */

const ELECTRA = "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators";
const ELECTRA_QUESTION = "which pre-training method trains a discriminator to spot tokens swapped in by a small generator?";

let library = "";

/** The bot's final answer in a channel: the last message carrying vote buttons. */
function finalAnswer(discord: DiscordStandIn, channelId: string): MessageObject | undefined {
  return discord
    .channelMessages(channelId)
    .filter((m) => m.author.id === discord.botUser.id && (m.components?.length ?? 0) > 0)
    .at(-1);
}

/** All of the bot's messages in a channel joined, as the user reads them. */
function botText(discord: DiscordStandIn, channelId: string): string {
  return discord
    .channelMessages(channelId)
    .filter((m) => m.author.id === discord.botUser.id)
    .map((m) => m.content)
    .join("\n");
}

function assertCleanRun(discord: DiscordStandIn): void {
  assert.deepEqual(discord.violations, [], "Discord refused nothing");
  assert.deepEqual(
    discord.unknownRoutes.map((r) => `${r.method} ${r.path}`),
    [],
    "no unknown routes",
  );
  for (const sent of discord.messagesSent) assert.equal(discord.pings(sent), false, `message ${sent.messageId} pinged someone`);
}

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-bot-"));
  library = join(dir, "db");
  await ingestInto(library, [SEEDS, fixture("bot/hostile.jsonl")]);
});
after(() => rm(dir, { recursive: true, force: true }));

describe("chat questions", { concurrency: false }, () => {
  let h: BotHarness;
  before(async () => {
    // Two answers at a time, so that twenty questions at once really queue.
    h = await startBotHarness({ libraryUri: library, settings: { MAX_CONCURRENT_ANSWERS: "2" } });
  });
  after(() => h.close());

  test("given a mention, then the bot reacts at once, opens a thread named from the question and answers there citing the right paper", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({ channelId: discord.channelIds.general, content: ELECTRA_QUESTION, mentionBot: true });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    assert.equal(thread.name, ELECTRA_QUESTION);
    const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");

    assert.ok(
      discord.reactions.some((r) => r.messageId === question.id && r.emoji === "👀"),
      "acknowledged with 👀",
    );
    assert.match(answer.content, /\[1\]/);
    // The seeds give ELECTRA no arXiv id, so its title is listed without a link.
    assert.match(answer.content, /\*\*Sources\*\*\n1\. ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators$/);
    assert.equal(
      discord.channelMessages(discord.channelIds.general).filter((m) => m.author.id === discord.botUser.id).length,
      0,
      "nothing posted in the channel itself",
    );
    assertCleanRun(discord);
  });

  test("given a follow-up in the bot's thread, then it is answered in the same thread using the earlier answer's sources", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: ELECTRA_QUESTION,
      mentionBot: true,
      authorId: discord.users.bob,
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the first answer");
    const threadsBefore = discord.threads.length;

    await discord.sendMessage({
      channelId: thread.id,
      content: "how long did they train the small model in the first one?",
      authorId: discord.users.bob,
    });
    const followUp = await discord.waitFor(
      () => discord.channelMessages(thread.id).filter((m) => m.author.id === discord.botUser.id && (m.components?.length ?? 0) > 0)[1],
      10_000,
      "the follow-up answer",
    );
    assert.match(followUp.content, new RegExp(`\\*\\*Sources\\*\\*\\n1\\. ${ELECTRA}$`));
    assert.equal(discord.threads.length, threadsBefore, "no new thread for a follow-up");
    assertCleanRun(discord);
  });

  test("given an answer channel, then a question there is answered without a mention", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({
      channelId: discord.channelIds.answers,
      content: "how much did member churn drop when moderators muted mass mentions?",
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");
    assert.match(answer.content, /41% fewer members/);
  });

  test("given a paper whose text says @everyone, @here and a role mention, then the answer quoting it pings nobody and shows no live mention", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: "moderators muting mass mentions: how many fewer members left each month?",
      mentionBot: true,
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");
    assert.match(answer.content, /41% fewer members/);
    assert.doesNotMatch(answer.content, /@everyone|@here|<@&\d/);
    assert.doesNotMatch(answer.content, /BANANA\W*$/, "the paper's 'instructions' are quoted at most, never obeyed");
    for (const sent of discord.messagesSent.filter((s) => s.channelId === thread.id)) {
      assert.deepEqual(sent.body.allowed_mentions?.parse, []);
      assert.equal(discord.pings(sent), false);
    }
    assertCleanRun(discord);
  });

  test("given a question the library does not cover, then the answer says so and offers the closest titles", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: "what is a good recipe for rye sourdough bread?",
      mentionBot: true,
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");
    assert.match(answer.content, /^I couldn't find an answer to that in the library\./);
    assert.doesNotMatch(answer.content, /\*\*Sources\*\*/);
  });

  test("given messages from bots, or without a mention outside answer channels, then the bot stays silent", async () => {
    const { discord } = h;
    const before = discord.requests.length;
    await discord.sendMessage({ channelId: discord.channelIds.general, content: ELECTRA_QUESTION, mentionBot: true, bot: true });
    await discord.sendMessage({ channelId: discord.channelIds.other, content: ELECTRA_QUESTION });
    // The gateway delivers in order, and the bot decides on each message as it arrives: once it has answered
    // a question sent after these two, it has seen them both.
    const later = await discord.sendMessage({ channelId: discord.channelIds.answers, content: ELECTRA_QUESTION });
    const thread = await discord.waitFor(
      () => discord.threads.find((t) => t.starterMessageId === later.id),
      10_000,
      "the thread for the later question",
    );
    await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer to the later question");
    const aboutLater = (path: string) =>
      path.includes(later.id) || path.includes(thread.id) || path.endsWith(`/channels/${discord.channelIds.answers}/typing`);
    assert.deepEqual(
      discord.requests
        .slice(before)
        .map((r) => `${r.method} ${r.path}`)
        .filter((request) => !aboutLater(request)),
      [],
    );
  });

  test("given a DM, then it is answered in the DM", async () => {
    const { discord } = h;
    const dm = await discord.sendDm({ userId: discord.users.carol, content: ELECTRA_QUESTION });
    const answer = await discord.waitFor(() => finalAnswer(discord, dm.channel_id), 10_000, "the DM answer");
    assert.match(answer.content, /ELECTRA/);
  });

  test("given a 429 from Discord on the answer, then discord.js waits and the answer still arrives once", async () => {
    const { discord } = h;
    discord.rateLimitNext({ method: "POST", path: /^\/channels\/\d+\/messages$/ }, 0.3);
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: ELECTRA_QUESTION,
      mentionBot: true,
      authorId: discord.users.carol,
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");
    assert.equal(discord.rateLimited.length, 1);
    assert.equal(
      discord.channelMessages(thread.id).filter((m) => m.author.id === discord.botUser.id).length,
      1,
      "one answer message, edited in place",
    );
  });

  test("given a dropped gateway connection, then the bot resumes and keeps answering", async () => {
    const { discord } = h;
    await discord.dropConnection(4000);
    await discord.waitFor(() => discord.resumeCount >= 1, 10_000, "a resume");
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: ELECTRA_QUESTION,
      mentionBot: true,
      authorId: discord.user(1),
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    assert.match((await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer")).content, /ELECTRA/);
  });

  test(
    "given a 👍 on an answer, then the vote is stored in the library with its question, answer and " +
      "citations, and a 👎 by the same member replaces it",
    async () => {
      const { discord, services } = h;
      const question = await discord.sendMessage({
        channelId: discord.channelIds.general,
        content: ELECTRA_QUESTION,
        mentionBot: true,
        authorId: discord.user(2),
      });
      const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
      const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 10_000, "the answer");
      const [row] = answer.components as { components: { custom_id: string }[] }[];
      const up = row!.components[0]!;
      const vote = await discord.interact({
        kind: "button",
        customId: up.custom_id,
        message: answer.id,
        channelId: thread.id,
        userId: discord.user(2),
      });
      await vote.waitForFinal();
      assert.match(vote.callbacks[0]!.data?.content ?? "", /Thanks/);
      const mine = async () => (await services.votes.store.votes()).filter((v) => v.userId === discord.user(2));
      const [stored] = await mine();
      assert.equal(stored?.vote, "up");
      assert.equal(stored.question, ELECTRA_QUESTION);
      assert.equal(stored.grounded, true);
      assert.equal(stored.mode, "extractive");
      assert.equal(stored.channelId, thread.id);
      assert.equal(stored.guildId, discord.guildId);
      assert.match(stored.answer, /\[1\]/);
      assert.deepEqual(
        stored.citations.map((c) => [c.n, c.title]),
        [[1, ELECTRA]],
      );

      const changed = await discord.interact({
        kind: "button",
        customId: row!.components[1]!.custom_id,
        message: answer.id,
        channelId: thread.id,
        userId: discord.user(2),
      });
      await changed.waitForFinal();
      assert.match(changed.callbacks[0]!.data?.content ?? "", /👎 \(was 👍\)/);
      assert.deepEqual(
        (await mine()).map((v) => [v.vote, v.question]),
        [["down", ELECTRA_QUESTION]],
        "one vote per member and answer",
      );
    },
  );

  test("given twenty people asking at once, then every one gets an answer in their own thread, and waiting ones are told so", async () => {
    const { discord } = h;
    const questions = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        discord.sendMessage({
          channelId: discord.channelIds.general,
          content: i % 2 ? ELECTRA_QUESTION : "how much did member churn drop when moderators muted mass mentions?",
          mentionBot: true,
          authorId: discord.user(100 + i),
        }),
      ),
    );
    const threads = await discord.waitFor(
      () => {
        const found = questions.map((q) => discord.threads.find((t) => t.starterMessageId === q.id));
        return found.every((t) => t && finalAnswer(discord, t.id)) ? (found as { id: string }[]) : undefined;
      },
      60_000,
      "twenty answers",
    );
    for (const [i, t] of threads.entries()) assert.match(finalAnswer(discord, t.id)!.content, i % 2 ? /ELECTRA/ : /41% fewer/);
    assert.ok(
      discord.messagesSent.some((s) => /ahead of yours/.test(s.body.content ?? "")),
      "someone was told they are queued",
    );
    assertCleanRun(discord);
  });

  test("the token never appears in the logs", () => {
    assert.ok(h.logs.length > 0);
    assert.doesNotMatch(JSON.stringify(h.logs), new RegExp(h.discord.token.replace(/[.]/g, "\\.")));
  });
});

describe("votes on answers across a restart", { concurrency: false }, () => {
  let discord: DiscordStandIn;
  before(async () => {
    discord = await startDiscordStandIn();
  });
  after(() => discord.close());

  /** Asks in the general channel as the user; the bot's final answer in its thread. */
  async function ask(h: BotHarness, content: string, authorId: string): Promise<{ thread: string; answer: MessageObject }> {
    const question = await h.discord.sendMessage({ channelId: h.discord.channelIds.general, content, mentionBot: true, authorId });
    const thread = await h.discord.waitFor(() => h.discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    return { thread: thread.id, answer: await h.discord.waitFor(() => finalAnswer(h.discord, thread.id), 10_000, "the answer") };
  }

  async function press(asked: { thread: string; answer: MessageObject }, vote: 0 | 1, userId: string): Promise<string> {
    const [row] = asked.answer.components as { components: { custom_id: string }[] }[];
    const pressed = await discord.interact({
      kind: "button",
      customId: row!.components[vote]!.custom_id,
      message: asked.answer.id,
      channelId: asked.thread,
      userId,
    });
    await pressed.waitForFinal(undefined, 10_000);
    return pressed.callbacks[0]?.data?.content ?? "";
  }

  test(
    "given votes after the bot restarted, then none is lost: a changed vote and a new one keep the " +
      "question from the vote before, and an answer nobody voted on is kept as shown",
    async () => {
      const [alice, bob, carol] = [discord.user(301), discord.user(302), discord.user(303)];
      const before = await startBotHarness({ libraryUri: library, discord });
      const electra = await ask(before, ELECTRA_QUESTION, alice);
      const churn = await ask(before, "how much did member churn drop when moderators muted mass mentions?", bob);
      assert.match(await press(electra, 0, alice), /Thanks — glad it helped/);
      await before.close();

      const after = await startBotHarness({ libraryUri: library, discord });
      try {
        assert.equal(after.services.votes.recall("anything"), undefined);
        assert.match(await press(electra, 1, alice), /👎 \(was 👍\)/);
        assert.match(await press(electra, 1, carol), /Thanks — noted/);
        assert.match(await press(churn, 0, bob), /Thanks — glad it helped/);

        const votes = (await after.services.votes.store.votes()).filter((v) => [alice, bob, carol].includes(v.userId));
        const of = (userId: string) => votes.filter((v) => v.userId === userId);
        assert.deepEqual(
          of(alice).map((v) => [v.vote, v.question, v.citations.map((c) => c.title)]),
          [["down", ELECTRA_QUESTION, [ELECTRA]]],
          "the changed vote replaced the one before the restart and kept its question",
        );
        assert.deepEqual(
          of(carol).map((v) => [v.vote, v.question, v.grounded]),
          [["down", ELECTRA_QUESTION, true]],
          "a first vote after the restart takes the question from the earlier vote on that answer",
        );
        const [shown] = of(bob);
        assert.equal(shown?.vote, "up");
        assert.equal(shown.question, undefined, "nobody's vote remembered this question");
        assert.equal(shown.answer, churn.answer.content, "the answer as shown stands in");
        assert.match(shown.answer, /41% fewer/);
        assert.equal(shown.messageId, churn.answer.id);
      } finally {
        await after.close();
      }
    },
  );
});

describe("answers written by a model", { concurrency: false }, () => {
  let h: BotHarness;
  before(async () => {
    h = await startBotHarness({ libraryUri: library, withModel: true });
  });
  after(() => h.close());

  test("given a 5,000-character answer, then it arrives split into messages under 2000 characters with the sources whole at the end", async () => {
    const { discord, openAi } = h;
    const sentence = (i: number) =>
      `Point ${i}: replaced token detection learns from every input position rather than a masked subset [1]. `;
    openAi!.chat.enqueue({ kind: "reply", content: Array.from({ length: 55 }, (_, i) => sentence(i)).join("") });
    const question = await discord.sendMessage({ channelId: discord.channelIds.general, content: ELECTRA_QUESTION, mentionBot: true });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    await discord.waitFor(() => finalAnswer(discord, thread.id), 15_000, "the answer");
    const messages = discord.channelMessages(thread.id).filter((m) => m.author.id === discord.botUser.id);
    assert.ok(messages.length >= 3, `split into ${messages.length} messages`);
    for (const m of messages) assert.ok(m.content.length <= 2000);
    assert.ok(botText(discord, thread.id).length > 5000);
    assert.match(messages.at(-1)!.content, /\*\*Sources\*\*\n1\. ELECTRA/);
    assert.equal(messages.filter((m) => /\*\*Sources\*\*/.test(m.content)).length, 1);
    assertCleanRun(discord);
  });

  test("given the model failing, then the user still gets an answer quoted from the papers with a one-line notice", async () => {
    const { discord, openAi } = h;
    openAi!.chat.enqueue({ kind: "status", status: 500 });
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: ELECTRA_QUESTION,
      mentionBot: true,
      authorId: discord.users.bob,
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 15_000, "the answer");
    assert.match(answer.content, /^-# The language model is unavailable right now/);
    assert.match(answer.content, /1\. ELECTRA/);
  });
});

describe("a model that keeps a user waiting", { concurrency: false }, () => {
  let h: BotHarness;
  // Deadlines short enough for a test; the defaults (8 s / 12 s) are checked in config.test.ts.
  before(async () => {
    h = await startBotHarness({
      libraryUri: library,
      withModel: true,
      settings: { LLM_FIRST_TOKEN_MS: "3000", LLM_ANSWER_MS: "5000", OPENAI_MAX_RETRIES: "4" },
    });
  });
  after(() => h.close());

  for (const [i, [name, behaviour, notice]] of (
    [
      ["answers 500", { kind: "status", status: 500 }, /is unavailable right now \(it answered HTTP 500\)/],
      ["hangs", { kind: "hang" }, /did not start its answer within 3 s/],
      [
        "stalls mid-stream",
        {
          kind: "stallMidStream",
          after: 2,
          content: "Replaced token detection trains a discriminator on every position of the input [1]. ".repeat(4),
        },
        /did not finish its answer within 5 s/,
      ],
    ] as const
  ).entries()) {
    test(
      `given a model that ${name}, then the user gets the papers quoted with a one-line notice within seconds`,
      { timeout: 30_000 },
      async () => {
        const { discord, openAi } = h;
        openAi!.chat.enqueue(behaviour);
        const question = await discord.sendMessage({
          channelId: discord.channelIds.general,
          content: ELECTRA_QUESTION,
          mentionBot: true,
          authorId: discord.user(300 + i),
        });
        const asked = performance.now();
        const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
        const answer = await discord.waitFor(() => finalAnswer(discord, thread.id), 15_000, "the answer");
        const ms = performance.now() - asked;
        // Generous: the deadline is 5 s after the question (Discord's edits add a little).
        assert.ok(ms < 12_000, `answered after ${Math.round(ms)} ms`);
        assert.match(answer.content, /^-# The language model .*, so this answer quotes the papers directly\.\n/);
        assert.match(answer.content, notice);
        assert.match(answer.content, /1\. ELECTRA/);
        assertCleanRun(discord);
      },
    );
  }
});
