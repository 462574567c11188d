import { join } from "node:path";
import { pino, type Logger } from "pino";
import { createApp } from "../../src/app.js";
import { buildConfig } from "../../src/config.js";
import { createBotServices, type BotServices } from "../../src/discord/botServices.js";
import { createBot, type Bot } from "../../src/discord/createBot.js";
import { loadCommands } from "../../src/discord/loadCommands.js";
import { startDigest } from "../../src/discord/startDigest.js";
import { startDiscordStandIn, type DiscordStandIn } from "./discordStandIn.js";
import { startOpenAiStandIn, type OpenAiStandIn } from "./openAiStandIn.js";

export interface BotHarness {
  discord: DiscordStandIn;
  bot: Bot;
  services: BotServices;
  openAi: OpenAiStandIn | undefined;
  /** Log lines the bot wrote (JSON objects). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface BotHarnessOptions {
  /** An on-disk library already ingested. */
  libraryUri: string;
  /** Answer with a model on an OpenAI-compatible stand-in (else extractive). */
  withModel?: boolean;
  settings?: Record<string, string>;
  /** Log into this Discord stand-in (kept open on close) instead of starting one: a restart of the bot. */
  discord?: DiscordStandIn;
  /** Run the digest with this clock and no real timers (the test calls runDue). */
  digestClock?: () => Date;
}

/**
 * The real bot — config, services, discord.js client, commands — logged into a
 * Discord stand-in on 127.0.0.1, answering from a real library on disk.
 */
export async function startBotHarness(options: BotHarnessOptions): Promise<BotHarness> {
  const discord = options.discord ?? (await startDiscordStandIn());
  const openAi = options.withModel ? await startOpenAiStandIn() : undefined;
  const config = buildConfig({
    LANCEDB_URI: options.libraryUri,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    ANSWER_CHANNEL_IDS: discord.channelIds.answers,
    ASK_COOLDOWN_SECONDS: "0",
    DIGEST_STATE_DIR: join(options.libraryUri, "..", "digest-state"),
    LOG_LEVEL: "debug",
    ...(openAi ? { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: openAi.baseURL, OPENAI_MAX_RETRIES: "0", OPENAI_TIMEOUT_MS: "3000" } : {}),
    ...options.settings,
  });
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const app = createApp(config, logger);
  const services = await createBotServices(app);
  const bot = createBot(services, await loadCommands(), { restApi: discord.apiUrl });
  await bot.start(discord.token);
  if (options.digestClock) await startDigest(app, services, bot.client, { now: options.digestClock, timers: false });
  return {
    discord,
    bot,
    services,
    openAi,
    logs,
    async close() {
      await bot.stop(1000);
      await services.digest?.close();
      services.store.close();
      services.digestVotes.close();
      services.votes.close();
      if (!options.discord) await discord.close();
      await openAi?.close();
    },
  };
}
