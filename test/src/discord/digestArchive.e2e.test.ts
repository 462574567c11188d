import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { subscribeGeneral } from "../../helpers/digestBot.js";
import { startBotHarness, type BotHarness } from "../../helpers/botHarness.js";
import type { MessageObject } from "../../helpers/discordStandIn.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture } from "../../helpers/paths.js";
import { startPaperSourcesStandIn, type PaperSourcesStandIn, dailyPapersList } from "../../helpers/paperSourcesStandIn.js";

/**
 * The digest archive end to end: the real bot posts a channel's digests on two days (papers fetched from
 * loopback stand-ins of Hugging Face and arXiv), `/digest history` lists both with links to the posts and
 * the papers, and questions in the channel about its past digests are answered citing the papers of the
 * right digest with a link to its post; after a restart (a new bot process on the same library and
 * state folder) the archive is still there.
 */

let dir = "";
let sources: PaperSourcesStandIn;
let h: BotHarness;
let now = new Date("2026-11-23T07:00:00Z");

const NEXT_DAY = [
  {
    id: "2611.20001",
    upvotes: 44,
    title: "Video Diffusion Transformers for Long Clips",
    summary: "A diffusion transformer generates minute-long videos by denoising latent clips in a sliding window.",
  },
  {
    id: "2611.20002",
    upvotes: 21,
    title: "Graph Neural Networks for Crystal Chemistry",
    summary: "Graph networks predict crystal properties for materials chemistry.",
  },
];

async function startBot(): Promise<BotHarness> {
  return startBotHarness({
    libraryUri: join(dir, "db"),
    digestClock: () => now,
    settings: { HF_API_URL: sources.hfApiUrl, ARXIV_API_URL: sources.arxivApiUrl, DIGEST_ARXIV_CATEGORIES: "cs.CL" },
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "paperbot-digest-archive-"));
  await ingestInto(join(dir, "db"), [fixture("pipeline/papers.jsonl")]);
  sources = await startPaperSourcesStandIn();
  sources.daily.set("2026-11-24", dailyPapersList("2026-11-24", NEXT_DAY));
  h = await startBot();
});
after(async () => {
  await h.close();
  await sources.close();
  await rm(dir, { recursive: true, force: true });
});

/** The link Discord gives the first message of a day's digest in the general channel. */
let postLinks: Record<string, string> = {};
const linkTo = (message: MessageObject) => `https://discord.com/channels/${h.discord.guildId}/${message.channel_id}/${message.id}`;

async function history(days?: number): Promise<string> {
  const asked = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "history",
    options: days === undefined ? {} : { days },
    userId: h.discord.users.bob,
  });
  await asked.waitForFinal(undefined, 10_000);
  assert.equal((asked.callbacks[0]?.data?.flags ?? 0) & 64, 64, "only the one who asked sees it");
  return [asked.original?.content ?? "", ...asked.followUps.map((f) => f.content ?? "")].join("\n");
}

/** Asks in the channel (mentioning the bot) and returns the answer the bot wrote in the thread it opened. */
async function ask(question: string): Promise<string> {
  const sent = await h.discord.sendMessage({
    channelId: h.discord.channelIds.general,
    content: question,
    mentionBot: true,
    authorId: h.discord.users.bob,
  });
  const thread = await h.discord.waitFor(
    () => h.discord.threads.find((t) => t.starterMessageId === sent.id),
    10_000,
    "the answer's thread",
  );
  const answer = await h.discord.waitFor(
    () => h.discord.channelMessages(thread.id).find((m) => m.author.id === h.discord.botUser.id && (m.components?.length ?? 0) > 0),
    10_000,
    "the answer",
  );
  return answer.content;
}

test("given digests posted on two days, then /digest history lists both, newest first, with links to the posts and the papers", async () => {
  await subscribeGeneral(h);
  for (const at of ["2026-11-23T08:00:30Z", "2026-11-24T08:00:30Z"]) {
    now = new Date(at);
    assert.deepEqual(
      (await h.services.digest!.scheduler.runDue(now)).map((o) => o.status),
      ["posted"],
    );
  }
  const firstPost = (date: string) =>
    h.discord
      .channelMessages(h.discord.channelIds.general)
      .find((m) => m.author.id === h.discord.botUser.id && m.content.includes(`📰 Daily papers — ${date}`))!;
  postLinks = { "2026-11-23": linkTo(firstPost("2026-11-23")), "2026-11-24": linkTo(firstPost("2026-11-24")) };

  const listed = await history();
  assert.match(listed, /^\*\*Digests posted in this channel in the last 30 days\*\* · 2\n/);
  const day2 = listed.indexOf("**2026-11-24**");
  const day1 = listed.indexOf("**2026-11-23**");
  assert.ok(day2 > 0 && day1 > day2, listed);
  assert.ok(listed.includes(`**2026-11-24** · [post](<${postLinks["2026-11-24"]}>) · 2 papers`), listed);
  assert.match(listed, /\*\*2026-11-23\*\* · \[post\]\(<https:\/\/discord\.com\/channels\/\d+\/\d+\/\d+>\)/);
  assert.ok(listed.includes(`[post](<${postLinks["2026-11-23"]}>)`), listed);
  assert.ok(listed.includes("• [Video Diffusion Transformers for Long Clips](<https://huggingface.co/papers/2611.20001>)"), listed);
  assert.ok(
    listed.includes("• [Stirring Policies: Diffusion Models for Robot Cooking](<https://huggingface.co/papers/2611.10001>)"),
    listed,
  );
  assert.ok(listed.includes("• [@\u200beveryone Look: A \\*\\*Loud\\*\\* Benchmark"), "paper text is escaped");
  assert.ok(listed.indexOf("Video Diffusion") < day1 && listed.indexOf("Stirring Policies") > day1, "each paper under its own digest");

  const today = await history(1);
  assert.ok(today.includes("**2026-11-24**") && !today.includes("**2026-11-23**"), today);
  assert.deepEqual(h.discord.violations, []);
});

test("given a question in the channel about one past digest, then the answer lists that digest's papers, cited, with a link to its post", async () => {
  const answer = await ask("which papers did the digest have on 23 Nov 2026?");
  assert.ok(answer.startsWith(`This channel's digest of 23 Nov 2026 (${postLinks["2026-11-23"]}) posted:\n1. `), answer);
  assert.match(answer, /\d\. Stirring Policies: Diffusion Models for Robot Cooking \[\d\]/);
  assert.doesNotMatch(answer, /Video Diffusion Transformers/, "a paper of the other digest is not cited");
  assert.match(answer, /\*\*Sources\*\*\n1\. \[/);
  assert.deepEqual(h.discord.violations, []);
});

test("given a question about a topic across past digests, then each paper cited says which digest it was in, with that post's link", async () => {
  const answer = await ask("what did we post about diffusion?");
  const lines = answer.split("\n");
  assert.equal(lines[0], "Papers about “diffusion” posted in this channel's digests:");
  assert.ok(
    lines[1]?.startsWith(`1. Video Diffusion Transformers for Long Clips, in the digest of 24 Nov 2026 (${postLinks["2026-11-24"]})`),
    answer,
  );
  assert.ok(
    lines[2]?.startsWith(
      `2. Stirring Policies: Diffusion Models for Robot Cooking, in the digest of 23 Nov 2026 (${postLinks["2026-11-23"]})`,
    ),
    answer,
  );
  assert.match(
    answer,
    /\*\*Sources\*\*\n1\. \[Video Diffusion Transformers for Long Clips\]\(<https:\/\/huggingface\.co\/papers\/2611\.20001>\)/,
  );
  assert.doesNotMatch(answer, /Crystal Chemistry|Cheaper RLHF/, "papers not about diffusion are not cited");
});

test("given the bot restarted on the same library and state folder, then the archive is still there for /digest history and questions", async () => {
  await h.close();
  h = await startBot();
  const listed = await history();
  assert.ok(listed.includes(`[post](<${postLinks["2026-11-23"]}>)`) && listed.includes(`[post](<${postLinks["2026-11-24"]}>)`), listed);
  const answer = await ask("which papers did the digest have on 24 Nov 2026?");
  assert.ok(answer.startsWith(`This channel's digest of 24 Nov 2026 (${postLinks["2026-11-24"]}) posted:`), answer);
  assert.match(answer, /Video Diffusion Transformers for Long Clips \[\d\]/);
});
