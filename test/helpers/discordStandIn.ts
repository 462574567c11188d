/**
 * A Discord stand-in for tests, at the protocol level: a real HTTP server (REST v10) and a real
 * WebSocket gateway on 127.0.0.1, so the real discord.js `Client` logs in and works unchanged —
 * nothing in discord.js is mocked.
 *
 *   const discord = await startDiscordStandIn();
 *   t.after(() => discord.close());
 *   const client = new Client({
 *     intents: [Guilds, GuildMessages, MessageContent, DirectMessages],
 *     partials: [Partials.Channel],
 *     rest: { api: discord.apiUrl },
 *     allowedMentions: { parse: [] },
 *   });
 *   const ready = once(client, Events.ClientReady);   // "clientReady" in discord.js 14.28
 *   await client.login(discord.token);
 *   await ready;
 *   const question = await discord.sendMessage({ channelId: discord.channelIds.general, content: "hi", mentionBot: true });
 *   await discord.waitFor(() => discord.channelMessages(discord.channelIds.general).length === 2, 2000, "the reply");
 *   await client.destroy();   // before discord.close()
 *
 * The world: one guild "Paper Club" with text channels general / answers / other, roles
 * @everyone (= guild id; read-only: view, history, application commands), member (the usual chat
 * permissions), admin (Manage Guild) and the bot's managed role (DEFAULT_BOT_PERMISSIONS); users
 * alice and bob (member), carol (member + admin), owner (the guild owner), otherBot (a bot,
 * member), and user(n) for as many more members as a test needs. The bot is user `botUser`, whose
 * id is also the application id.
 *
 * What it checks, the way Discord does (see discord/validation.ts, discord/interactions.ts,
 * discord/gateway.ts): message limits, empty messages, allowed_mentions, components, thread and
 * command bodies, permissions of the bot, interaction acknowledgement rules and deadlines, the
 * bot token (401 on REST, close 4004 on IDENTIFY), intents (privileged ones, and MessageContent
 * blanking other people's guild messages). Every refusal lands in `violations`: a test that
 * expects a clean run asserts `violations` is empty. Discord's quirks reproduced: the bot
 * receives MESSAGE_CREATE for its own messages; a thread started from a message has that
 * message's id; the first follow-up after deferReply fills in the deferred message; edits never
 * notify anyone.
 *
 * Things discord.js does that a bot's tests have to live with:
 * - `await client.login()` resolves on READY, before the guild is cached: wait for "clientReady".
 * - A close by the gateway (dropConnection) makes discord.js wait 500 ms before it resumes.
 * - discord.js waits at least 5 s between two IDENTIFYs of one client: a test that makes the
 *   client re-identify (dropConnection(1000), an invalid session) pays 5–6.5 s.
 * - A 401 from REST makes discord.js forget its token; later REST calls fail locally.
 */
import { randomBytes } from "node:crypto";
import { GatewayIntentBits, MessageType, PermissionFlagsBits } from "discord.js";
import { Gateway, type SessionInfo } from "./discord/gateway.js";
import { HttpFront, type RateLimitMatcher } from "./discord/http.js";
import { Interactions, type InteractionHandle, type InteractOptions } from "./discord/interactions.js";
import { Messaging } from "./discord/messages.js";
import { DiscordWorld } from "./discord/model.js";
import { botRoutes } from "./discord/routes.js";
import type {
  CommandObject,
  MentionReport,
  MessageObject,
  RateLimitRecord,
  ReactionRecord,
  RecordedRequest,
  SentMessageRecord,
  Snowflake,
  ThreadRecord,
  Violation,
} from "./discord/types.js";

export type * from "./discord/types.js";
export { DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS, MEMBER_PERMISSIONS } from "./discord/model.js";
export type {
  AutocompleteChoice,
  InteractionHandle,
  InteractionKind,
  InteractOptions,
  OptionValue,
  RawCommandOption,
} from "./discord/interactions.js";
export type { RateLimitMatcher } from "./discord/http.js";
export type { SessionInfo } from "./discord/gateway.js";

export interface DiscordStandInOptions {
  /** The accepted bot token. Default: a Discord-shaped token made up at start. */
  token?: string;
  /** heartbeat_interval sent in HELLO. Default 41250 ms (Discord's). */
  heartbeatIntervalMs?: number;
  /** How long the bot has for its first interaction callback. Default 3000 ms. */
  interactionAckDeadlineMs?: number;
  /** How long an interaction token serves webhooks (edits, follow-ups). Default 15 min. */
  interactionTokenLifetimeMs?: number;
  /** Whether the app may use privileged intents (else IDENTIFY asking for them → close 4014). Default true. */
  privilegedIntents?: boolean;
  /** Send MESSAGE_CREATE/UPDATE for the bot's own messages, as Discord does. Default true. */
  echoBotMessages?: boolean;
  /** Permissions of the bot's role. Default: view, send (also in threads), create public threads, embed, attach, history, react, external emojis. */
  botPermissions?: bigint;
  /** How long a dispatch waits for a dropped session to resume. Default 10000 ms. */
  resumeWaitMs?: number;
}

export interface SendMessageOptions {
  channelId: Snowflake;
  content: string;
  /** Default alice (otherBot when `bot`). */
  authorId?: Snowflake;
  /** Mark the author as a bot. */
  bot?: boolean;
  /** Mention the bot: `<@botId> ` is put in front of the content unless already there. */
  mentionBot?: boolean;
  /** Role ids to mention (`<@&id>` added to the content unless already there). */
  mentionRoles?: Snowflake[];
  /** Set mention_everyone (and add "@everyone" to the content unless @everyone/@here is there). */
  mentionEveryone?: boolean;
  /** Reply to this message (type 19 with message_reference and referenced_message). */
  replyTo?: Snowflake;
  /** Whether the reply pings the replied author (adds them to `mentions`). Default true. */
  replyPing?: boolean;
  /** Fields to set on the message as dispatched (attachments, embeds…). */
  overrides?: Partial<MessageObject>;
}

export interface SendDmOptions {
  /** Default alice. */
  userId?: Snowflake;
  content: string;
  overrides?: Partial<MessageObject>;
}

export interface DiscordStandIn {
  /** "http://127.0.0.1:PORT/api": pass as `rest: { api }`. */
  readonly apiUrl: string;
  /** "http://127.0.0.1:PORT". */
  readonly origin: string;
  /** The gateway URL handed out by GET /gateway/bot. */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: Snowflake;
  readonly botUser: { id: Snowflake; username: string; bot: true };
  readonly guildId: Snowflake;
  readonly channelIds: { general: Snowflake; answers: Snowflake; other: Snowflake };
  readonly roleIds: { everyone: Snowflake; member: Snowflake; admin: Snowflake; bot: Snowflake };
  readonly users: { alice: Snowflake; bob: Snowflake; carol: Snowflake; owner: Snowflake; otherBot: Snowflake };
  /** Generated member number n (≥ 1), e.g. for 20 concurrent users. Same n → same id. */
  user(n: number): Snowflake;

  // --- gateway ---
  readonly identifyCount: number;
  readonly resumeCount: number;
  readonly heartbeatCount: number;
  readonly sessions: SessionInfo[];
  /** Paths of gateway connections so far: "/gateway" for IDENTIFY, "/resume" via resume_gateway_url. */
  readonly gatewayConnections: string[];
  /**
   * Close the gateway connections with `code` (default 4000: discord.js resumes after ~500 ms).
   * `abrupt` cuts the TCP connection without a close frame instead. Resolves once closed.
   */
  dropConnection(code?: number, options?: { abrupt?: boolean }): Promise<void>;
  /** Send op 7 RECONNECT; resolves once the client closed the connection (it resumes ~500 ms later). */
  requestReconnect(): Promise<void>;

  // --- driving events ---
  /** MESSAGE_CREATE from a user in a guild channel; resolves once dispatched. */
  sendMessage(options: SendMessageOptions): Promise<MessageObject>;
  /** MESSAGE_CREATE in the user's DM channel with the bot (created on first use). */
  sendDm(options: SendDmOptions): Promise<MessageObject>;
  /** INTERACTION_CREATE; resolves once dispatched with a handle to watch the responses. */
  interact(options: InteractOptions): Promise<InteractionHandle>;
  /** Set the bot role's permissions (dispatches GUILD_ROLE_UPDATE); @everyone still adds view/history/commands. */
  setBotPermissions(permissions: bigint): Promise<void>;

  // --- scripting REST ---
  /** The next request matching gets a 429 (discord.js waits and retries). */
  rateLimitNext(matcher: RateLimitMatcher, retryAfterSeconds?: number, options?: { global?: boolean }): void;

  // --- observing ---
  readonly requests: RecordedRequest[];
  /** Resolves with the first request (past or future) matching, once answered. */
  waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  readonly violations: Violation[];
  readonly rateLimited: RateLimitRecord[];
  readonly unknownRoutes: RecordedRequest[];
  /** Bugs of the stand-in itself (answered 500). */
  readonly internalErrors: Error[];
  /** Every create/edit of a bot message, with the raw body. */
  readonly messagesSent: SentMessageRecord[];
  /** Whether the bot message (record, message or id) notified anyone when posted. */
  pings(target: SentMessageRecord | MessageObject | Snowflake): boolean;
  mentionReport(target: SentMessageRecord | MessageObject | Snowflake): MentionReport;
  /** The channel's messages now (edits applied), oldest first; ephemeral ones excluded. */
  channelMessages(channelId: Snowflake): MessageObject[];
  /** Any stored message by id (ephemeral ones included). */
  message(id: Snowflake): MessageObject | undefined;
  readonly threads: ThreadRecord[];
  readonly reactions: ReactionRecord[];
  /** Registered commands: "global" (default) or a guild id. */
  commands(scope?: string): CommandObject[];
  readonly interactions: InteractionHandle[];
  /** performance.now() when the message or interaction with this id was dispatched. */
  dispatchedAt(id: Snowflake): number | undefined;
  /** To how many bot sessions (shards) the message sent by a user with this id was delivered. */
  deliveredTo(id: Snowflake): number | undefined;
  readonly lastDispatchAt: number | undefined;
  /** Resolves with the first truthy `probe()`, re-checked after every change in the stand-in. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;

  /** Closes HTTP and WebSocket (sockets terminated). Destroy the discord.js client first. */
  close(): Promise<void>;
}

export async function startDiscordStandIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const world = new DiscordWorld();
  const { fixture } = world;
  const token =
    options.token ?? `${Buffer.from(fixture.applicationId).toString("base64url")}.StandIn.${randomBytes(27).toString("base64url")}`;
  if (options.botPermissions !== undefined) world.setRolePermissions(fixture.roleIds.bot, options.botPermissions);

  const gateway = new Gateway(world, {
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntents: options.privilegedIntents ?? true,
    resumeWaitMs: options.resumeWaitMs ?? 10_000,
  });
  const http = new HttpFront(world, token);
  let origin = "";
  const messaging = new Messaging(world, gateway, () => origin, options.echoBotMessages ?? true);
  const reactions: ReactionRecord[] = [];
  const interactions = new Interactions({
    world,
    gateway,
    messaging,
    ackDeadlineMs: options.interactionAckDeadlineMs ?? 3000,
    tokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
  });
  http.addRoutes([...botRoutes({ world, gateway, messaging, reactions }), ...interactions.routes()]);
  origin = await http.listen();
  gateway.attach(http.server, origin.replace(/^http/, "ws"));

  const dispatchMessage = async (message: MessageObject): Promise<MessageObject> => {
    world.storeMessage(message);
    const { at, delivered } = await messaging.dispatchMessage("MESSAGE_CREATE", message);
    world.dispatchTimes.set(message.id, at);
    world.deliveries.set(message.id, delivered);
    world.lastDispatchAt = at;
    world.notify();
    return message;
  };

  const standIn: DiscordStandIn = {
    apiUrl: `${origin}/api`,
    origin,
    gatewayUrl: gateway.url,
    token,
    applicationId: fixture.applicationId,
    botUser: { id: world.botUser.id, username: world.botUser.username, bot: true },
    guildId: fixture.guildId,
    channelIds: { ...fixture.channelIds },
    roleIds: { ...fixture.roleIds },
    users: { ...fixture.users },
    user: (n) => world.generatedUser(n),

    get identifyCount() {
      return gateway.identifyCount;
    },
    get resumeCount() {
      return gateway.resumeCount;
    },
    get heartbeatCount() {
      return gateway.heartbeatCount;
    },
    get sessions() {
      return gateway.sessionInfos();
    },
    gatewayConnections: gateway.connectionPaths,
    dropConnection: (code = 4000, dropOptions = {}) => gateway.dropConnection(code, dropOptions.abrupt ?? false),
    requestReconnect: () => gateway.requestReconnect(),

    async sendMessage(send) {
      const channel = world.channel(send.channelId);
      if (!channel || !world.isGuildChannel(channel))
        throw new Error(`Discord stand-in: ${send.channelId} is not a guild channel (use sendDm for DMs)`);
      const authorId = send.authorId ?? (send.bot ? fixture.users.otherBot : fixture.users.alice);
      const author = send.bot ? { ...world.user(authorId), bot: true } : world.user(authorId);
      if (!world.isMember(authorId)) throw new Error(`Discord stand-in: user ${authorId} is not a member of the guild`);
      const botId = world.botUser.id;
      let content = send.content;
      if (send.mentionBot && !content.includes(`<@${botId}>`) && !content.includes(`<@!${botId}>`)) content = `<@${botId}> ${content}`;
      for (const role of send.mentionRoles ?? []) if (!content.includes(`<@&${role}>`)) content = `<@&${role}> ${content}`;
      if (send.mentionEveryone && !/@(everyone|here)\b/.test(content)) content = `@everyone ${content}`;
      const mayPingEveryone = (world.permissionsOf(authorId) & PermissionFlagsBits.MentionEveryone) !== 0n;
      const fields: Partial<MessageObject> = {
        content,
        mention_everyone: send.mentionEveryone ?? (/@(everyone|here)\b/.test(content) && mayPingEveryone),
      };
      const message = world.buildMessage(channel, author, fields);
      if (send.replyTo) {
        const referenced = world.messages.get(send.replyTo);
        if (!referenced || referenced.channel_id !== channel.id)
          throw new Error(`Discord stand-in: no message ${send.replyTo} in channel ${channel.id} to reply to`);
        message.type = MessageType.Reply;
        message.message_reference = { type: 0, message_id: referenced.id, channel_id: channel.id, guild_id: world.guildId };
        message.referenced_message = { ...referenced, referenced_message: null };
        if (send.replyPing !== false && referenced.author.id !== authorId && !message.mentions.some((u) => u.id === referenced.author.id)) {
          message.mentions.push(referenced.author);
        }
      }
      return dispatchMessage(Object.assign(message, send.overrides ?? {}));
    },

    async sendDm(send) {
      const userId = send.userId ?? fixture.users.alice;
      const channel = world.dmChannel(userId);
      const message = world.buildMessage(channel, world.user(userId), { content: send.content });
      return dispatchMessage(Object.assign(message, send.overrides ?? {}));
    },

    interact: (interactOptions) => interactions.interact(interactOptions),

    async setBotPermissions(permissions) {
      const role = world.setRolePermissions(fixture.roleIds.bot, permissions);
      if (gateway.sessionInfos().length > 0) {
        await gateway.dispatch("GUILD_ROLE_UPDATE", { guild_id: world.guildId, role }, { intents: GatewayIntentBits.Guilds });
      }
    },

    rateLimitNext: (matcher, retryAfterSeconds = 0.2, rateOptions = {}) =>
      http.rateLimitNext(matcher, retryAfterSeconds, rateOptions.global ?? false),

    requests: http.requests,
    waitForRequest: (predicate, timeoutMs = 5000) =>
      world.waitFor(() => http.requests.find((r) => r.status !== 0 && predicate(r)), timeoutMs, "a matching request"),
    violations: http.violations,
    rateLimited: http.rateLimited,
    unknownRoutes: http.unknownRoutes,
    internalErrors: http.internalErrors,
    messagesSent: messaging.sent,
    pings: (target) => messaging.mentionReport(target).pings,
    mentionReport: (target) => messaging.mentionReport(target),
    channelMessages: (channelId) => world.channelMessages(channelId),
    message: (id) => world.messages.get(id),
    threads: world.threads,
    reactions,
    commands: (scope = "global") => [...(world.commands.get(scope) ?? [])],
    interactions: interactions.all,
    dispatchedAt: (id) => world.dispatchTimes.get(id),
    deliveredTo: (id) => world.deliveries.get(id),
    get lastDispatchAt() {
      return world.lastDispatchAt;
    },
    waitFor: (probe, timeoutMs = 5000, what = "a condition") => world.waitFor(probe, timeoutMs, what),

    async close() {
      gateway.close();
      await http.close();
      world.events.removeAllListeners();
    },
  };
  return standIn;
}
