import type { App } from "../app.js";
import { DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS, digestArchive, lastDaysRange, libraryPapers } from "../digest/digestArchive.js";
import { DigestLedger } from "../digest/digestLedger.js";
import { todayIn } from "../digest/digestSources.js";
import { subscriptionsIn } from "../digest/digestService.js";
import { SubscriptionStore } from "../digest/subscriptions.js";
import { isDiscordId } from "../discord/discordIds.js";
import { historyMessages, withPostLinks } from "../discord/digestHistory.js";
import { UserFacingError } from "../errors.js";
import { countFlag } from "./countFlag.js";

export interface DigestHistoryFlags {
  /** `--history` alone: the default days. */
  history: string | true;
  channel?: string;
  json?: boolean;
  date?: string;
  topics?: string;
  max?: string;
  dryRun?: boolean;
  offline?: boolean;
}

/** The digest's own flags, which say nothing about past digests. */
const NOT_WITH_HISTORY = { date: "--date", topics: "--topics", max: "--max", dryRun: "--dry-run", offline: "--offline" } as const;

/**
 * `digest --history [days] --channel <id>`: the channel's posted digests, as `/digest history` shows them
 * (or as JSON), read from the digest ledger in DIGEST_STATE_DIR. Days are counted in the channel's time
 * zone (its subscription's, else DIGEST_DEFAULT_TZ).
 */
export async function digestHistoryCommand(app: App, flags: DigestHistoryFlags): Promise<void> {
  const misplaced = Object.entries(NOT_WITH_HISTORY).flatMap(([key, flag]) =>
    flags[key as keyof typeof NOT_WITH_HISTORY] !== undefined ? [flag] : [],
  );
  if (misplaced.length > 0) throw new UserFacingError(`--history lists past digests: ${misplaced.join(", ")} cannot be used with it`);
  const days = flags.history === true ? DEFAULT_HISTORY_DAYS : countFlag("--history", flags.history, MAX_HISTORY_DAYS);
  if (flags.channel === undefined) throw new UserFacingError("--history needs --channel <id>: the channel whose digests to list");
  if (!isDiscordId(flags.channel)) throw new UserFacingError(`--channel "${flags.channel}": expected a Discord channel id (digits)`);
  const channelId = flags.channel;
  const { config } = app;

  const subscription = await (await SubscriptionStore.open(subscriptionsIn(config))).get(channelId);
  const range = lastDaysRange(days, todayIn(subscription?.timeZone ?? config.digest.defaultTimeZone));
  const store = await app.openStore();
  try {
    const archive = digestArchive(await DigestLedger.open(config.digest.stateDir), libraryPapers(store));
    const digests = (await archive.digests(channelId, range)).map((d) => withPostLinks(d, subscription?.guildId));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ channel: channelId, days, from: range.from, digests })}\n`);
      return;
    }
    process.stdout.write(`${historyMessages(digests, days).join("\n\n")}\n`);
  } finally {
    store.close();
  }
}
