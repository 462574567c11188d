import type { Client, Message, SendableChannels } from "discord.js";
import type { App } from "../app.js";
import { composeDigest, digestSettings } from "../digest/composeDigest.js";
import type { DigestPoster } from "../digest/digestRun.js";
import { gatherDigestPapers } from "../digest/digestSources.js";
import { findDigestMarker, renderDigest } from "./renderDigest.js";
import { channelProfileFor, digestVotePaperIds } from "./digestVotes.js";
import type { BotServices } from "./botServices.js";

export const DIGEST_THREAD_NAME = "Ask about today's papers";
/** How far back a channel is read when checking whether a digest was already posted. */
const RECONCILE_PAGES = 10;
/** Channels due around the same time share one fetch + ingest of the day's papers. */
const GATHER_REUSE_MS = 15 * 60_000;

/**
 * The digest's Discord side: builds the day's digest from the core, posts it
 * (split as rendered, mentions off) and opens the thread under it. `findPosted`
 * reads the channel for the digest's marker line, so a crash between posting
 * and recording never leads to a second post.
 */
export function createDigestPoster(app: App, services: BotServices, client: Client): DigestPoster {
  async function channelOf(
    channelId: string,
  ): Promise<SendableChannels & { messages: { fetch(o: object): Promise<Map<string, Message>> } }> {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable() || !("messages" in channel))
      throw new Error(`channel ${channelId} is not a text channel the bot can post in`);
    return channel as never;
  }

  const gathered = new Map<string, { at: number; papers: ReturnType<typeof gather> }>();
  async function gather(date: string) {
    const { config, logger } = app;
    const embedder = await app.embedder();
    const result = await gatherDigestPapers({
      date,
      config,
      logger,
      store: services.store,
      ingest: { embeddings: embedder.embeddings, embedder: await embedder.info(), writeBatchSize: config.ingest.batchPapers },
    });
    for (const line of result.notices) logger.warn({ date }, line);
    return { papers: result.papers, libraryDate: result.libraryDate };
  }
  function papersOf(date: string): ReturnType<typeof gather> {
    const cached = gathered.get(date);
    if (cached && Date.now() - cached.at < GATHER_REUSE_MS) return cached.papers;
    const papers = gather(date);
    // A failed fetch is not kept: the scheduler's retry fetches again.
    papers.catch(() => gathered.delete(date));
    // Only recent gathers are reused, so older ones are let go rather than kept for the bot's lifetime.
    for (const [day, entry] of gathered) if (Date.now() - entry.at >= GATHER_REUSE_MS) gathered.delete(day);
    gathered.set(date, { at: Date.now(), papers });
    return papers;
  }

  return {
    async findPosted(channelId, date, hint) {
      const channel = await channelOf(channelId);
      const found: Message[] = [];
      let before: string | undefined;
      for (let page = 0; page < RECONCILE_PAGES; page++) {
        const batch = [...(await channel.messages.fetch({ limit: 100, ...(before ? { before } : {}) })).values()];
        for (const m of batch) if (m.author.id === client.user?.id && findDigestMarker(m.content)?.date === date) found.push(m);
        const oldest = batch.at(-1);
        if (batch.length < 100 || !oldest || (hint && oldest.createdAt < hint.after)) break;
        before = oldest.id;
      }
      if (found.length === 0) return undefined;
      found.sort((a, b) => a.createdTimestamp - b.createdTimestamp);
      // The papers it showed are named by their 👍/👎 buttons: "new since" and the archive keep them.
      const paperIds = [...new Set(found.flatMap((m) => digestVotePaperIds(m)))];
      return {
        messageIds: found.map((m) => m.id),
        messageUrls: found.map((m) => m.url),
        threadId: found[0]!.thread?.id ?? found[0]!.id,
        ...(paperIds.length > 0 ? { paperIds } : {}),
      };
    },

    async post(channelId, date, subscription, context) {
      const { config } = app;
      const gathered = await papersOf(date);
      const profile = await channelProfileFor(services, channelId);
      const digest = await composeDigest(
        { date, gathered, settings: digestSettings(config, subscription), since: context.since, ...(profile ? { profile } : {}) },
        await services.digestClients(),
      );
      if (digest.entries.length === 0 && !config.digest.postWhenEmpty) return { skipped: "nothing new" };

      const channel = await channelOf(channelId);
      const messageIds: string[] = [];
      const messageUrls: string[] = [];
      let first: Message | undefined;
      for (const message of renderDigest(digest, { votes: true })) {
        const sent = await channel.send({
          content: message.content,
          ...(message.embeds ? { embeds: message.embeds } : {}),
          ...(message.components ? { components: message.components } : {}),
          allowedMentions: { parse: [] },
        });
        first ??= sent;
        messageIds.push(sent.id);
        messageUrls.push(sent.url);
      }
      const paperIds = digest.entries.map((e) => e.id);
      // Kept in the ledger's record: the archive (/digest history, questions about past digests).
      const papers = digest.entries.map(({ id, title, url }) => ({ id, title, ...(url ? { url } : {}) }));
      let threadId: string | undefined;
      if (first && paperIds.length > 0 && "startThread" in first && first.inGuild()) {
        const thread = await first.startThread({ name: DIGEST_THREAD_NAME, autoArchiveDuration: 1440 });
        threadId = thread.id;
        services.digestThreads.set(thread.id, paperIds);
        await thread.send({
          content: "Ask me anything about these papers here — I'll look at them first.",
          allowedMentions: { parse: [] },
        });
      }
      return { messageIds, messageUrls, paperIds, papers, ...(threadId ? { threadId } : {}) };
    },
  };
}
