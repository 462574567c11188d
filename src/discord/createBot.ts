import { Client, Events, GatewayIntentBits, Partials, type Message, type Interaction } from "discord.js";
import { errorMessage } from "../errors.js";
import type { BotServices } from "./botServices.js";
import type { Command } from "./command.js";
import { NO_MENTIONS } from "./discordText.js";
import { createInteractionHandler } from "./handleInteraction.js";
import { createMessageHandler } from "./handleMessage.js";

export interface Bot {
  client: Client;
  /** Logs in and resolves when the gateway says ready. */
  start(token: string): Promise<void>;
  /** Stops taking new work, lets answers in flight finish (bounded by `graceMs`), logs out. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The Discord adapter: a discord.js client whose events go to the message and
 * interaction handlers. Every handler call is tracked so shutdown can wait for
 * answers in flight; a failing handler is logged and never crashes the process.
 */
export function createBot(services: BotServices, commands: ReadonlyMap<string, Command>, options: { restApi?: string } = {}): Bot {
  const { logger } = services;
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    ...(options.restApi ? { rest: { api: options.restApi } } : {}),
  });

  const inFlight = new Set<Promise<void>>();
  let accepting = true;
  const track = (name: string, work: () => Promise<void>) => {
    if (!accepting) return;
    const running = work()
      .catch((error: unknown) => logger.error({ err: error, event: name }, "handler failed"))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  const onMessage = createMessageHandler(services, () => client.user?.id ?? "");
  const onInteraction = createInteractionHandler(services, commands);
  client.on(Events.MessageCreate, (message: Message) => track("messageCreate", () => onMessage(message)));
  client.on(Events.InteractionCreate, (interaction: Interaction) => track("interactionCreate", () => onInteraction(interaction)));
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ code: event.code, shardId }, "gateway disconnected"));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, "gateway resumed"));

  return {
    client,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, commands: commands.size }, "bot ready");
    },
    async stop(graceMs = services.config.bot.shutdownGraceMs) {
      accepting = false;
      const pending = inFlight.size + services.gate.busy;
      if (pending > 0) logger.info({ pending, graceMs }, "finishing answers in flight");
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
      const finished = Promise.all([...inFlight, services.gate.drain()]).then(() => false);
      if (await Promise.race([finished, timedOut]))
        logger.warn({ pending: inFlight.size }, "grace period over; leaving answers unfinished");
      clearTimeout(timer);
      await client.destroy().catch((e: unknown) => logger.warn({ err: errorMessage(e) }, "discord client did not close cleanly"));
      logger.info("bot stopped");
    },
  };
}
