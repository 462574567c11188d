import type { Client } from "discord.js";
import type { App } from "../app.js";
import type { DigestSchedulerOptions } from "../digest/digestScheduler.js";
import { openDigestService } from "../digest/digestService.js";
import type { BotServices } from "./botServices.js";
import { createDigestPoster } from "./digestPoster.js";

/**
 * Starts the daily digest inside the bot: subscriptions, ledger and scheduler,
 * posting through this client. Each shard handles only its own guilds' channels.
 * Catching up on missed digests runs in the background: the bot answers meanwhile.
 */
export async function startDigest(
  app: App,
  services: BotServices,
  client: Client,
  options: Pick<DigestSchedulerOptions, "now" | "timers"> = {},
): Promise<void> {
  const poster = createDigestPoster(app, services, client);
  services.digest = await openDigestService(app.config, app.logger, poster, {
    ...options,
    handles: (subscription) => client.guilds.cache.has(subscription.guildId),
  });
  void services.digest.scheduler.start().catch((error: unknown) => app.logger.error({ err: error }, "digest scheduler failed to start"));
}
