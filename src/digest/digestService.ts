import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { DigestLedger } from "./digestLedger.js";
import type { DigestPoster } from "./digestRun.js";
import { DigestScheduler, type DigestSchedulerOptions } from "./digestScheduler.js";
import { SubscriptionStore, type SubscriptionStoreOptions } from "./subscriptions.js";

export interface DigestService {
  subscriptions: SubscriptionStore;
  ledger: DigestLedger;
  scheduler: DigestScheduler;
  /** Stops the scheduler, waiting for posts in progress. */
  close(): Promise<void>;
}

/**
 * Everything the bot needs for the digest, from the configuration: the subscriptions and the
 * ledger, both in DIGEST_STATE_DIR, and a scheduler (call `start()`).
 */
export async function openDigestService(
  config: Pick<Config, "lancedb" | "digest">,
  logger: Logger,
  poster: DigestPoster,
  options: Partial<Omit<DigestSchedulerOptions, "subscriptions" | "ledger" | "poster" | "logger">> = {},
): Promise<DigestService> {
  const digestLogger = logger.child({ component: "digest" });
  const subscriptions = await SubscriptionStore.open({
    ...subscriptionsIn(config),
    ...(options.now ? { now: options.now } : {}),
    onUnreadable: (path, reason) => digestLogger.warn({ path, reason }, "digest subscription unreadable: its channel is left out"),
  });
  const ledger = await DigestLedger.open(config.digest.stateDir);
  const scheduler = new DigestScheduler({ ...options, subscriptions, ledger, poster, logger: digestLogger });
  return {
    subscriptions,
    ledger,
    scheduler,
    async close() {
      await scheduler.stop();
    },
  };
}

/** Where the configuration keeps subscriptions: in the state folder, imported once from the library's old table. */
export function subscriptionsIn(config: Pick<Config, "lancedb" | "digest">): SubscriptionStoreOptions {
  return { dir: config.digest.stateDir, library: { uri: config.lancedb.uri, storageOptions: config.lancedb.storageOptions } };
}
