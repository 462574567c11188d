import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { DigestLedger } from "./digestLedger.js";
import type { DigestPoster } from "./digestRun.js";
import { DigestScheduler, type DigestSchedulerOptions } from "./digestScheduler.js";
import { SubscriptionStore } from "./subscriptions.js";

export interface DigestService {
  subscriptions: SubscriptionStore;
  ledger: DigestLedger;
  scheduler: DigestScheduler;
  /** Stops the scheduler (waiting for posts in progress) and closes the store. */
  close(): Promise<void>;
}

/**
 * Everything the bot needs for the digest, from the configuration: subscriptions in the
 * library's database, the ledger in DIGEST_STATE_DIR, and a scheduler (call `start()`).
 */
export async function openDigestService(
  config: Pick<Config, "lancedb" | "digest">,
  logger: Logger,
  poster: DigestPoster,
  options: Partial<Omit<DigestSchedulerOptions, "subscriptions" | "ledger" | "poster" | "logger">> = {},
): Promise<DigestService> {
  const subscriptions = await SubscriptionStore.open({
    uri: config.lancedb.uri,
    storageOptions: config.lancedb.storageOptions,
    ...(options.now ? { now: options.now } : {}),
  });
  const ledger = await DigestLedger.open(config.digest.stateDir);
  const scheduler = new DigestScheduler({ ...options, subscriptions, ledger, poster, logger: logger.child({ component: "digest" }) });
  return {
    subscriptions,
    ledger,
    scheduler,
    async close() {
      await scheduler.stop();
      subscriptions.close();
    },
  };
}
