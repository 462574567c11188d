import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { startBotHarness } from "../../helpers/botHarness.js";
import { ingestInto } from "../../helpers/library.js";
import { promptText } from "../../helpers/openAiStandIn.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { STAND_IN_DATE, startPaperSourcesStandIn } from "../../helpers/paperSourcesStandIn.js";
import { runCli } from "../../helpers/runCli.js";

/*
 * One digest, three places: what the bot posts, what `/digest preview` shows the channel, and what the
 * `digest` command prints, for the same day's papers and the same topics and size, with a model
 * configured (TL;DRs) and topics (ranking by meaning as well as words).
 */

const TOPICS = "tokenizer-free language models, speech";
const MAX = 4;

/** The stand-in model's TL;DR of each paper it is given, naming the paper so a mix-up shows. */
function tldrReply(body: Parameters<typeof promptText>[0]): string {
  const titles = [...promptText(body).matchAll(/\[(\d+)\] Title: (.+)/g)];
  return JSON.stringify({
    tldrs: titles.map((m) => ({ paper: Number(m[1]), tldr: `The stand-in model's summary of "${m[2]}", in one sentence.` })),
  });
}

test("given the same day's papers and the same settings, then the post, /digest preview and the digest command show the same digest", async (t) => {
  const dir = await tempDir(t, "paperbot-compose-");
  const libraryUri = join(dir, "db");
  await ingestInto(libraryUri, [fixture("pipeline/papers.jsonl")]);
  const sources = await startPaperSourcesStandIn();
  t.after(() => sources.close());
  let now = new Date(`${STAND_IN_DATE}T08:00:00Z`);
  const settings = { HF_API_URL: sources.hfApiUrl, ARXIV_API_URL: sources.arxivApiUrl, DIGEST_ARXIV_CATEGORIES: "cs.CL" };
  const h = await startBotHarness({ libraryUri, withModel: true, digestClock: () => now, settings });
  t.after(() => h.close());
  h.openAi!.chat.setDefault({ kind: "reply", content: tldrReply });
  const channelId = h.discord.channelIds.general;
  const carol = h.discord.users.carol;

  const subscribe = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "subscribe",
    options: { time: "09:00", timezone: "UTC", topics: TOPICS, max: MAX },
    userId: carol,
  });
  await subscribe.waitForFinal(undefined, 10_000);
  now = new Date(`${STAND_IN_DATE}T09:00:30Z`);
  assert.deepEqual(
    (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
    ["posted"],
  );
  const posted = h.discord
    .channelMessages(channelId)
    .filter((m) => m.author.id === h.discord.botUser.id && m.content.includes("📰 Daily papers"))
    .map((m) => m.content);

  const preview = await h.discord.interact({ kind: "command", name: "digest", subcommand: "preview", options: {}, userId: carol });
  await preview.waitForFinal(undefined, 10_000);
  const previewed = [preview.original?.content ?? "", ...preview.followUps.map((m) => m.content ?? "")];

  const cli = await runCli(["digest", "--date", STAND_IN_DATE, "--dry-run", "--json", "--topics", TOPICS, "--max", String(MAX)], {
    cwd: dir,
    env: { ...settings, LANCEDB_URI: libraryUri, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: h.openAi!.baseURL, OPENAI_MAX_RETRIES: "0" },
  });
  assert.equal(cli.code, 0, cli.stderr);
  const printed = (JSON.parse(cli.stdout) as { messages: { content: string }[] }).messages.map((m) => m.content);

  // The digest is worth comparing: ranked by the topics, cut to the size, with the model's TL;DRs.
  const text = posted.join("\n");
  assert.match(text, new RegExp(`top ${MAX} of \\d+ new papers`));
  assert.match(text, /matches: /);
  assert.match(text, /The stand-in model's summary of/);
  assert.deepEqual(previewed, posted, "the preview shows what was posted");
  assert.deepEqual(printed, posted, "the command prints what was posted");

  // A 👍 on the post's last paper: the channel's profile ranks the preview and the command alike.
  const voted = h.discord.channelMessages(channelId).filter((m) => m.author.id === h.discord.botUser.id && (m.components?.length ?? 0) > 0);
  const rows = (voted.at(-1)?.components ?? []) as { components: { custom_id: string }[] }[];
  const up = rows.at(-1)?.components[0]?.custom_id;
  assert.ok(up, "each digest paper has its 👍");
  const vote = await h.discord.interact({ kind: "button", customId: up, message: voted.at(-1)!.id, channelId, userId: carol });
  await vote.waitForFinal(undefined, 10_000);
  now = new Date(`${STAND_IN_DATE}T10:00:00Z`);

  const previewAfter = await h.discord.interact({ kind: "command", name: "digest", subcommand: "preview", options: {}, userId: carol });
  await previewAfter.waitForFinal(undefined, 10_000);
  const previewedAfter = [previewAfter.original?.content ?? "", ...previewAfter.followUps.map((m) => m.content ?? "")];
  const cliAfter = await runCli(
    ["digest", "--date", STAND_IN_DATE, "--dry-run", "--json", "--topics", TOPICS, "--max", String(MAX), "--channel", channelId],
    {
      cwd: dir,
      env: { ...settings, LANCEDB_URI: libraryUri, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: h.openAi!.baseURL, OPENAI_MAX_RETRIES: "0" },
    },
  );
  assert.equal(cliAfter.code, 0, cliAfter.stderr);
  const printedAfter = (JSON.parse(cliAfter.stdout) as { messages: { content: string }[] }).messages.map((m) => m.content);
  assert.match(previewedAfter.join("\n"), /like “/, "the preview shows why the liked kind ranks higher");
  assert.deepEqual(printedAfter, previewedAfter, "the command ranks with the channel's votes as the preview does");
});
