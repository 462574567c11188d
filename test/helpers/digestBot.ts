import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InteractionHandle, MessageObject } from "./discordStandIn.js";
import { startBotHarness, type BotHarness } from "./botHarness.js";
import { ingestInto } from "./library.js";
import { fixture } from "./paths.js";
import { startPaperSourcesStandIn, type PaperSourcesStandIn } from "./paperSourcesStandIn.js";

/**
 * The bot with a digest to post: a library of the pipeline fixture, the paper sources'
 * stand-in (with these extra days' Daily Papers answers) and the bot logged into the
 * Discord stand-in on `clock`. The digest end-to-end tests share it.
 */
export interface DigestBot {
  sources: PaperSourcesStandIn;
  h: BotHarness;
  close(): Promise<void>;
}

export async function startDigestBot(prefix: string, clock: () => Date, days: Record<string, string> = {}): Promise<DigestBot> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const libraryUri = join(dir, "db");
  await ingestInto(libraryUri, [fixture("pipeline/papers.jsonl")]);
  const sources = await startPaperSourcesStandIn();
  for (const [day, list] of Object.entries(days)) sources.daily.set(day, list);
  const settings = { HF_API_URL: sources.hfApiUrl, ARXIV_API_URL: sources.arxivApiUrl, DIGEST_ARXIV_CATEGORIES: "cs.CL" };
  const h = await startBotHarness({ libraryUri, digestClock: clock, settings });
  return {
    sources,
    h,
    async close() {
      await h.close();
      await sources.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `/digest subscribe` in the general channel, by a member allowed to, answered. */
export async function subscribeGeneral(h: BotHarness, time = "09:00", timezone = "Europe/Berlin"): Promise<InteractionHandle> {
  const subscribe = await h.discord.interact({
    kind: "command",
    name: "digest",
    subcommand: "subscribe",
    options: { time, timezone },
    userId: h.discord.users.carol,
  });
  await subscribe.waitForFinal(undefined, 10_000);
  return subscribe;
}

/** Bob asks in a thread; the bot's answer (the message with its vote buttons). */
export async function askInThread(h: BotHarness, threadId: string, question: string): Promise<MessageObject> {
  await h.discord.sendMessage({ channelId: threadId, content: question, authorId: h.discord.users.bob });
  return h.discord.waitFor(
    () => h.discord.channelMessages(threadId).find((m) => m.author.id === h.discord.botUser.id && (m.components?.length ?? 0) > 0),
    10_000,
    "the answer in the thread",
  );
}
