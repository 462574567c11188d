import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { APIEmbed } from "discord.js";
import { startBotHarness, type BotHarness } from "../../helpers/botHarness.js";
import { startDiscordStandIn } from "../../helpers/discordStandIn.js";
import type { InteractionHandle } from "../../helpers/discordStandIn.js";
import { ingestInto } from "../../helpers/library.js";
import { SEEDS, fixture } from "../../helpers/paths.js";
import { runCli, spawnCli } from "../../helpers/runCli.js";

/**
 * Every slash command through the real discord.js client and a Discord stand-in
 * on 127.0.0.1, registered first by `paperbot deploy-commands` (a child process),
 * so option types are exactly what Discord would send.
 */

const ELECTRA = "ELECTRA: Pre-training Text Encoders as Discriminators Rather Than Generators";
let dir = "";
let library = "";
let h: BotHarness;

const embedsOf = (handle: InteractionHandle): APIEmbed[] => handle.original?.embeds ?? [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-slash-"));
  library = join(dir, "db");
  await ingestInto(library, [SEEDS, fixture("bot/hostile.jsonl")], { now: new Date() });
  h = await startBotHarness({ libraryUri: library });
  const deployed = await runCli(["deploy-commands", "--guild", h.discord.guildId], {
    cwd: dir,
    env: { DISCORD_TOKEN: h.discord.token, DISCORD_API_URL: h.discord.apiUrl, LANCEDB_URI: library },
  });
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stdout, /Registered 8 slash commands in server/);
});
after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe("slash commands", { concurrency: false }, () => {
  test("deploy-commands registers one command per file in commands/, with its options", () => {
    const names = h.discord
      .commands(h.discord.guildId)
      .map((c) => c.name)
      .sort();
    assert.deepEqual(names, ["ask", "digest", "help", "paper", "recent", "search", "similar", "stats"]);
  });

  test("/ask defers within 3 s and answers with the cited paper and vote buttons", async () => {
    const ask = await h.discord.interact({
      kind: "command",
      name: "ask",
      options: { question: "which pre-training method trains a discriminator to spot replaced tokens?" },
    });
    await ask.waitForFinal(undefined, 10_000);
    assert.equal(ask.callbacks[0]!.type, 5, "deferred first");
    assert.ok(ask.ackLatencyMs! < 3000);
    await h.discord.waitFor(() => (ask.original?.components?.length ?? 0) > 0 && ask.original, 10_000, "the final answer");
    assert.match(ask.original!.content, new RegExp(`\\*\\*Sources\\*\\*\\n1\\. ${ELECTRA}`));
    assert.deepEqual(h.discord.violations, []);
  });

  test("/ask private answers only to the asker", async () => {
    const ask = await h.discord.interact({
      kind: "command",
      name: "ask",
      options: { question: "how much did member churn drop when moderators muted mass mentions?", private: true },
    });
    await ask.waitForFinal(undefined, 10_000);
    assert.equal(ask.callbacks[0]!.data?.flags, 64);
  });

  test("/paper autocomplete offers matching titles, and picking one shows its embed", async () => {
    const typing = await h.discord.interact({
      kind: "autocomplete",
      name: "paper",
      options: { query: "electra pre-tra" },
      focused: "query",
    });
    await typing.waitForFinal();
    const choice = typing.choices?.find((c) => c.name === ELECTRA);
    assert.ok(choice, `choices: ${typing.choices?.map((c) => c.name).join(" | ")}`);
    assert.ok(typing.choices!.length <= 25);

    const paper = await h.discord.interact({ kind: "command", name: "paper", options: { query: String(choice.value) } });
    await paper.waitForFinal(undefined, 10_000);
    const [embed] = embedsOf(paper);
    assert.equal(embed?.title, ELECTRA);
    assert.match(embed?.description ?? "", /replaced token detection/);
    assert.deepEqual(
      embed?.fields?.map((f) => f.name),
      ["Authors", "Published", "Section"],
    );
  });

  test("/paper with a typo'd title still finds it; with nonsense it says so with did-you-mean", async () => {
    const typo = await h.discord.interact({
      kind: "command",
      name: "paper",
      options: { query: "Pingstorm: @everyone shuold read this now" },
    });
    await typo.waitForFinal(undefined, 10_000);
    assert.match(embedsOf(typo)[0]?.title ?? "", /^Pingstorm/);
    assert.deepEqual(h.discord.violations, []);
    assert.equal(h.discord.pings(typo.original!), false);

    const none = await h.discord.interact({ kind: "command", name: "paper", options: { query: "zzzz qqqq" } });
    await none.waitForFinal(undefined, 10_000);
    assert.match(none.original?.content ?? "", /No paper in the library matches/);
  });

  test("/search lists papers best first, each once", async () => {
    const search = await h.discord.interact({
      kind: "command",
      name: "search",
      options: { query: "discriminator replaced token detection pre-training", k: 3 },
    });
    await search.waitForFinal(undefined, 10_000);
    const description = embedsOf(search)[0]?.description ?? "";
    assert.match(description, /^\*\*1\.\*\* ELECTRA/);
    assert.equal((description.match(/^\*\*\d+\.\*\*/gm) ?? []).length, 3);
  });

  test("/similar lists other papers, never the paper itself", async () => {
    const similar = await h.discord.interact({ kind: "command", name: "similar", options: { paper: "ELECTRA" } });
    await similar.waitForFinal(undefined, 10_000);
    const description = embedsOf(similar)[0]?.description ?? "";
    assert.equal((description.match(/^\*\*\d+\.\*\*/gm) ?? []).length, 5);
    assert.doesNotMatch(description, /ELECTRA: Pre-training/);
  });

  test("/recent shows the newest papers first", async () => {
    const recent = await h.discord.interact({ kind: "command", name: "recent", options: { days: 3650 } });
    await recent.waitForFinal(undefined, 10_000);
    const dates = [...(embedsOf(recent)[0]?.description ?? "").matchAll(/ — (\d{4}-\d{2}-\d{2})/g)].map((m) => m[1]!);
    assert.ok(dates.length >= 10);
    assert.deepEqual(dates, [...dates].sort().reverse());
  });

  test("/help and /stats answer", async () => {
    const help = await h.discord.interact({ kind: "command", name: "help" });
    await help.waitForFinal();
    assert.match(help.callbacks[0]!.data?.content ?? "", /\/ask question/);
    const stats = await h.discord.interact({ kind: "command", name: "stats" });
    await stats.waitForFinal(undefined, 10_000);
    const fields = Object.fromEntries((embedsOf(stats)[0]?.fields ?? []).map((f) => [f.name, f.value]));
    assert.match(fields.Papers ?? "", /^1087 \(419 with a summary\)$/);
    assert.match(fields["Last ingest"] ?? "", /^<t:\d+:R>$/);
  });

  test("given an empty library, then every command says how to fill it and the bot keeps working", async () => {
    const broken = await startBotHarness({ libraryUri: join(dir, "empty-db") });
    try {
      const search = await broken.discord.interact({ kind: "command", name: "search", options: { query: "anything" } });
      await search.waitForFinal(undefined, 10_000);
      assert.match(search.original?.content ?? "", /library .* is empty: run `npx paperbot ingest/);
      const help = await broken.discord.interact({ kind: "command", name: "help" });
      await help.waitForFinal();
      assert.match(help.callbacks[0]!.data?.content ?? "", /paperbot/);
    } finally {
      await broken.close();
    }
  });
});

describe("running the bot as a process", () => {
  test("given no token, then `bot` exits 1 saying `ask` works without Discord", async () => {
    const result = await runCli(["bot"], { cwd: dir, env: { LANCEDB_URI: library } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /DISCORD_TOKEN is not set/);
    assert.match(result.stderr, /npx paperbot ask/);
  });

  // A timeout, not a hang, if SIGTERM ever stops ending the manager and its shards again.
  test(
    "given BOT_SHARDS=2, then both shards log in, a mention and a DM are each answered once, and SIGTERM stops them all",
    { timeout: 90_000 },
    async () => {
      const discord = await startDiscordStandIn();
      let spawned: ReturnType<typeof spawnCli> | undefined;
      try {
        const child = spawnCli(["bot"], {
          cwd: dir,
          env: {
            DISCORD_TOKEN: discord.token,
            DISCORD_API_URL: discord.apiUrl,
            LANCEDB_URI: library,
            LOG_LEVEL: "info",
            BOT_SHARDS: "2",
            ASK_COOLDOWN_SECONDS: "0",
          },
        });
        spawned = child;
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.stdout?.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
        // discord.js's ShardingManager waits ~5.5 s between shards, as Discord's identify limit asks.
        await discord.waitFor(() => (stderr.match(/"bot ready"/g) ?? []).length === 2, 45_000, "both shards to be ready");
        assert.deepEqual(discord.sessions.map((s) => s.shard).sort(), [
          [0, 2],
          [1, 2],
        ]);

        const question = await discord.sendMessage({
          channelId: discord.channelIds.general,
          content: "which pre-training method trains a discriminator to spot replaced tokens?",
          mentionBot: true,
        });
        const thread = await discord.waitFor(
          () => discord.threads.find((t) => t.starterMessageId === question.id),
          15_000,
          "the answer thread",
        );
        await discord.waitFor(
          () => /\*\*Sources\*\*\n1\. ELECTRA/.test(discord.channelMessages(thread.id).at(-1)?.content ?? ""),
          15_000,
          "the cited answer",
        );
        const dm = await discord.sendDm({
          userId: discord.users.carol,
          content: "which pre-training method trains a discriminator to spot replaced tokens?",
        });
        await discord.waitFor(
          () => discord.channelMessages(dm.channel_id).some((m) => m.author.id === discord.botUser.id && /ELECTRA/.test(m.content)),
          15_000,
          "the DM answer",
        );

        // Only the shard that owns the guild was given the question, and its answer is done (the 👀 comes first):
        // nothing else can still answer it.
        assert.equal(discord.deliveredTo(question.id), 1, "the question went to one shard");
        assert.equal(discord.deliveredTo(dm.id), 1, "the DM went to one shard");
        await discord.waitFor(() => discord.reactions.some((r) => r.messageId === question.id), 5_000, "the 👀 on the question");
        assert.equal(discord.threads.filter((t) => t.starterMessageId === question.id).length, 1, "one thread, not one per shard");
        assert.equal(discord.reactions.filter((r) => r.messageId === question.id).length, 1, "one 👀");
        assert.deepEqual(discord.violations, []);
        child.kill("SIGTERM");
        assert.equal(await exited, 0);
        assert.match(stderr, /all shards stopped/);
        assert.doesNotMatch(stderr, new RegExp(discord.token.replace(/\./g, "\\.")));
      } finally {
        if (spawned?.exitCode === null) spawned.kill("SIGKILL");
        await discord.close();
      }
    },
  );

  test("given SIGTERM while answering, then the answer in flight is finished and the process exits 0", async () => {
    const discord = await startDiscordStandIn();
    try {
      const child = spawnCli(["bot"], {
        cwd: dir,
        env: {
          DISCORD_TOKEN: discord.token,
          DISCORD_API_URL: discord.apiUrl,
          LANCEDB_URI: library,
          LOG_LEVEL: "info",
        },
      });
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      await discord.waitFor(() => /"bot ready"/.test(stderr), 20_000, "the bot to be ready");
      const question = await discord.sendMessage({
        channelId: discord.channelIds.general,
        content: "which pre-training method trains a discriminator to spot replaced tokens?",
        mentionBot: true,
      });
      await discord.waitFor(() => discord.reactions.some((r) => r.messageId === question.id), 10_000, "the acknowledgement");
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
      const thread = discord.threads.find((t) => t.starterMessageId === question.id);
      assert.ok(thread, "the thread was opened");
      assert.match(discord.channelMessages(thread.id).at(-1)?.content ?? "", /\*\*Sources\*\*\n1\. ELECTRA/);
      assert.match(stderr, /bot stopped/);
      assert.doesNotMatch(stderr, new RegExp(discord.token.replace(/\./g, "\\.")));
    } finally {
      await discord.close();
    }
  });
});
