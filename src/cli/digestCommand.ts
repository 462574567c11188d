import type { App } from "../app.js";
import { countFlag } from "./countFlag.js";
import { dateFlag } from "./dateFlag.js";
import type { Digest } from "../digest/buildDigest.js";
import { learnProfile, type ChannelProfile } from "../digest/channelProfile.js";
import { composeDigest, digestClients, digestSettings, type DigestClients } from "../digest/composeDigest.js";
import { DigestVoteStore } from "../store/digestVotes.js";
import { gatherDigestPapers, todayIn, type GatheredPapers } from "../digest/digestSources.js";
import { isDiscordId } from "../discord/discordIds.js";
import { renderDigest, type DigestMessage } from "../discord/renderDigest.js";
import { subscriptionsIn } from "../digest/digestService.js";
import { MAX_PAPERS_PER_DIGEST, SubscriptionStore } from "../digest/subscriptions.js";
import { UserFacingError } from "../errors.js";
import { fetchProgress } from "./fetchProgress.js";

export interface DigestFlags {
  date?: string;
  topics?: string;
  max?: string;
  channel?: string;
  dryRun?: boolean;
  offline?: boolean;
  json?: boolean;
}

/** A channel's digest settings, from wherever subscriptions are kept. */
export interface ChannelSubscription {
  topics?: string;
  max?: number;
}

/** Looks up a channel's subscription; undefined when the channel has none. */
export type SubscriptionLookup = (channelId: string) => Promise<ChannelSubscription | undefined>;

export function parseDigestDate(value: string): string {
  return dateFlag("--date", value);
}

/** The channel's subscription as the bot keeps it, in DIGEST_STATE_DIR. */
function storedSubscription(app: App): SubscriptionLookup {
  return async (channelId) => {
    const subscriptions = await SubscriptionStore.open(subscriptionsIn(app.config));
    const subscription = await subscriptions.get(channelId);
    return subscription && { topics: subscription.topics.join(", "), ...(subscription.max !== undefined ? { max: subscription.max } : {}) };
  };
}

/**
 * Prints the digest that would be posted for a day. Unless --dry-run (or
 * --offline), the fetched papers are also ingested into the library.
 * `subscriptionFor` supplies a channel's topics and size for --channel (by default,
 * the subscriptions, as the bot reads them); flags override them.
 */
export async function digestCommand(
  app: App,
  flags: DigestFlags,
  subscriptionFor: SubscriptionLookup = storedSubscription(app),
): Promise<void> {
  const { config, logger } = app;
  const date = flags.date ? parseDigestDate(flags.date) : todayIn(config.digest.defaultTimeZone);
  const note = (line: string) => process.stderr.write(`paperbot: ${line}\n`);

  let subscription: ChannelSubscription | undefined;
  if (flags.channel !== undefined) {
    if (!isDiscordId(flags.channel)) throw new UserFacingError(`--channel "${flags.channel}": expected a Discord channel id (digits)`);
    subscription = await subscriptionFor(flags.channel);
    if (!subscription) note(`channel ${flags.channel} has no digest subscription: using --topics/--max or the defaults.`);
  }
  const channel = digestSettings(config, subscription);
  const settings = {
    topics: flags.topics?.trim() || channel.topics,
    max: flags.max !== undefined ? countFlag("--max", flags.max, MAX_PAPERS_PER_DIGEST) : channel.max,
  };

  const store = await app.openStore();
  try {
    const ingest = !flags.dryRun && !flags.offline;
    const clients = await digestClients(app);
    const embedder = ingest ? await app.embedder() : undefined;
    const gathered = await gatherDigestPapers({
      date,
      config,
      logger,
      store,
      offline: flags.offline,
      onFetch: fetchProgress(note),
      ingest:
        ingest && embedder
          ? { embeddings: embedder.embeddings, embedder: await embedder.info(), writeBatchSize: config.ingest.batchPapers }
          : undefined,
    });
    for (const line of gathered.notices) note(line);
    // What an unreachable source failed with is in the notices; the rest is what a source sent that could not be read.
    const unread = gathered.problems.filter((p) => gathered.reachable?.[p.source] !== false);
    if (unread.length > 0) note(`skipped what could not be read:\n${unread.map((p) => `  ${p.source}: ${p.message}`).join("\n")}`);
    if (gathered.ingested) {
      const { added, updated, unchanged } = gathered.ingested.papers;
      note(`ingested ${added + updated + unchanged} papers into the library: ${added} added, ${updated} updated, ${unchanged} unchanged.`);
    } else if (gathered.origin === "sources" && flags.dryRun) {
      note("dry run: the fetched papers were not ingested.");
    }

    // From the library, the papers may be an earlier day's: the command names the digest for the day they are from.
    // A channel's 👍/👎 rank its digest here as in the post and the preview.
    const profile = flags.channel !== undefined ? await channelProfile(app, flags.channel, clients) : undefined;
    const digest = await composeDigest(
      { date: gathered.libraryDate ?? date, gathered, settings, ...(profile ? { profile } : {}) },
      clients,
    );
    const wouldPost = digest.entries.length > 0 || config.digest.postWhenEmpty;
    const messages = wouldPost ? renderDigest(digest) : [];
    if (gathered.origin === "library" && gathered.papers.length === 0) process.exitCode = 1;

    if (flags.json) {
      process.stdout.write(`${JSON.stringify(digestJson(digest, messages, wouldPost, gathered, flags.channel))}\n`);
      return;
    }
    process.stdout.write(formatMessages(digest, messages));
  } finally {
    store.close();
  }
}

/** What a channel's votes on digest papers (kept in the library) taught its digest; none without votes. */
async function channelProfile(app: App, channelId: string, clients: DigestClients): Promise<ChannelProfile | undefined> {
  const store = await DigestVoteStore.open({ uri: app.config.lancedb.uri, storageOptions: app.config.lancedb.storageOptions });
  try {
    const votes = await store.votes(channelId);
    return votes.length > 0 ? await learnProfile(votes, clients.embeddings) : undefined;
  } finally {
    store.close();
  }
}

function digestJson(digest: Digest, messages: DigestMessage[], wouldPost: boolean, gathered: GatheredPapers, channel: string | undefined) {
  return {
    ...digest,
    messages,
    wouldPost,
    origin: gathered.origin,
    libraryDate: gathered.libraryDate ?? null,
    reachable: gathered.reachable,
    problems: gathered.problems,
    ingested: gathered.ingested ? { papers: gathered.ingested.papers, chunks: gathered.ingested.chunks } : null,
    channel: channel ?? null,
  };
}

/** The messages as they would be posted, one after the other. */
export function formatMessages(digest: Digest, messages: DigestMessage[]): string {
  if (messages.length === 0) return `Nothing would be posted for ${digest.date}: no new papers (DIGEST_POST_WHEN_EMPTY is false).\n`;
  return `${messages.map((m, i) => (messages.length > 1 ? `── message ${i + 1} of ${messages.length} ──\n${m.content}` : m.content)).join("\n\n")}\n`;
}
