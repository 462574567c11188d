import { fileURLToPath } from "node:url";
import { ShardingManager } from "discord.js";
import type { App } from "../app.js";
import { UserFacingError } from "../errors.js";
import { createBotServices } from "../discord/botServices.js";
import { createBot } from "../discord/createBot.js";
import { loadCommands } from "../discord/loadCommands.js";
import { startDigest } from "../discord/startDigest.js";

export const NO_TOKEN_MESSAGE = [
  "DISCORD_TOKEN is not set, so the bot cannot log in.",
  "Create an application at the Discord Developer Portal, copy its bot token into .env (see README → Discord), " +
    "then run `npx paperbot deploy-commands` and `npm start`.",
  'Without Discord, `npx paperbot ask "your question"` answers from the same library.',
].join("\n");

/**
 * `paperbot bot`: wires config, logger, store and client, registers handlers
 * and runs until SIGTERM/SIGINT, then finishes answers in flight and exits 0.
 */
export async function botCommand(app: App): Promise<void> {
  const { config, logger } = app;
  const token = config.discord.token;
  if (!token) throw new UserFacingError(NO_TOKEN_MESSAGE);
  if (config.bot.shards !== "off" && !config.bot.isShard) return runShards(app, token, config.bot.shards);

  const services = await createBotServices(app);
  const commands = await loadCommands();
  const bot = createBot(services, commands, { restApi: config.discord.apiUrl });
  // Search loads what it holds in memory while the client logs in, not at the first question.
  const preparing = performance.now();
  services.searcher.prepare().then(
    () => logger.info({ ms: Math.round(performance.now() - preparing) }, "search ready"),
    (error: unknown) => logger.warn({ err: error }, "search could not read the library yet; the first question tries again"),
  );

  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down: no new questions, finishing answers in flight");
      void bot
        .stop()
        .then(() => services.digest?.close())
        .finally(() => {
          services.store.close();
          services.digestVotes.close();
          services.votes.close();
        })
        .then(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await bot.start(token);
  await startDigest(app, services, bot.client);
  await stopped;
  // A shard's IPC channel to its manager would keep this process alive after the bot stopped.
  if (config.bot.isShard) process.disconnect?.();
}

/** BOT_SHARDS=auto|N: this process only supervises; each shard runs `paperbot bot` itself. */
async function runShards(app: App, token: string, totalShards: "auto" | number): Promise<void> {
  const manager = new ShardingManager(fileURLToPath(new URL("./main.js", import.meta.url)), {
    token,
    totalShards,
    shardArgs: ["bot"],
  });
  manager.on("shardCreate", (shard) => app.logger.info({ shardId: shard.id }, "shard started"));
  await manager.spawn();
  await new Promise<void>((resolve) => {
    const stop = () => {
      // Without this the manager would start every shard again as soon as it exits.
      manager.respawn = false;
      const exits = [...manager.shards.values()].map((shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null) return Promise.resolve();
        const exited = new Promise<void>((done) => child.once("exit", () => done()));
        child.kill("SIGTERM"); // each shard finishes its answers in flight, then exits
        return exited;
      });
      void Promise.all(exits).then(() => resolve());
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  app.logger.info("all shards stopped");
}
