/**
 * The bot-token REST routes of the Discord stand-in (everything except interaction callbacks and
 * webhooks, see interactions.ts). Paths are relative to /api/v10.
 */
import { GatewayIntentBits, MessageType, PermissionFlagsBits } from "discord.js";
import type { Gateway } from "./gateway.js";
import { checkFileSizes, noContent, ok, type Route, type RouteContext } from "./http.js";
import { compareSnowflakes, type DiscordWorld } from "./model.js";
import type { Messaging } from "./messages.js";
import type { ChannelObject, CommandObject, MessageBody, MessageObject, ReactionRecord, Snowflake } from "./types.js";
import { ApiError, checkCommands, Errors, FormErrors } from "./validation.js";

export interface RouteDeps {
  world: DiscordWorld;
  gateway: Gateway;
  messaging: Messaging;
  reactions: ReactionRecord[];
}

/** Lookups that answer Discord's 404s and permission errors. */
class Lookups {
  constructor(private readonly world: DiscordWorld) {}

  channel(id: string): ChannelObject {
    const channel = this.world.channel(id);
    if (!channel) throw Errors.unknownChannel();
    return channel;
  }

  /** A message in the channel's history (not ephemeral, not deleted). */
  message(channel: ChannelObject, id: string): MessageObject {
    const message = this.world.messages.get(id);
    if (!message || message.channel_id !== channel.id || !this.world.history.get(channel.id)?.includes(message))
      throw Errors.unknownMessage();
    return message;
  }

  /** Guild channels need ViewChannel (else 403 50001) and `needed` (else 403 50013); DMs need nothing. */
  requireBot(channel: ChannelObject, ...needed: bigint[]): void {
    if (!this.world.isGuildChannel(channel)) return;
    const have = this.world.botPermissions();
    if ((have & PermissionFlagsBits.ViewChannel) === 0n) throw Errors.missingAccess();
    for (const permission of needed) if ((have & permission) === 0n) throw Errors.missingPermissions();
  }
}

export function botRoutes(deps: RouteDeps): Route[] {
  const { world, gateway, messaging } = deps;
  const bot = (method: string, path: string, handle: Route["handle"]): Route => ({ method, path, auth: "bot", handle });
  const find = new Lookups(world);
  const channelOr404 = (id: string): ChannelObject => find.channel(id);
  const messageIn = (channel: ChannelObject, id: string): MessageObject => find.message(channel, id);
  const requireBot = (channel: ChannelObject, ...needed: bigint[]): void => find.requireBot(channel, ...needed);
  const sendPermission = (channel: ChannelObject): bigint =>
    world.isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;

  const application = () => ({
    id: world.fixture.applicationId,
    name: world.botUser.username,
    icon: null,
    description: "",
    summary: "",
    type: null,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: (1 << 15) | (1 << 19) | (1 << 23),
    owner: world.user(world.fixture.users.owner),
    team: null,
    bot: world.botUser,
    approximate_guild_count: 1,
    install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
    integration_types_config: { "0": {} },
  });

  return [
    bot("GET", "/gateway/bot", () =>
      ok({
        url: gateway.url,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
    ),
    { method: "GET", path: "/gateway", auth: "none", handle: () => ok({ url: gateway.url }) },
    bot("GET", "/users/@me", () => ok(world.botUser)),
    bot("GET", "/users/:user", ({ params }) => {
      const user = world.users.get(params[0] ?? "");
      if (!user) throw Errors.unknownUser();
      return ok(user);
    }),
    bot("POST", "/users/@me/channels", ({ body }) => {
      const recipient = (body as { recipient_id?: string } | undefined)?.recipient_id;
      if (!recipient || !world.users.has(recipient)) throw Errors.unknownUser();
      return ok(world.dmChannel(recipient));
    }),
    bot("GET", "/applications/@me", () => ok(application())),
    bot("GET", "/oauth2/applications/@me", () => ok(application())),

    // --- guild -------------------------------------------------------------------------------
    bot("GET", "/guilds/:guild", ({ params }) => {
      if (params[0] !== world.guildId) throw Errors.unknownGuild();
      const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...guild } = world.guildCreatePayload();
      return ok(guild);
    }),
    bot("GET", "/guilds/:guild/channels", ({ params }) => {
      if (params[0] !== world.guildId) throw Errors.unknownGuild();
      return ok([...world.channels.values()].filter((c) => c.guild_id === world.guildId && !world.isThread(c)));
    }),
    bot("GET", "/guilds/:guild/roles", ({ params }) => {
      if (params[0] !== world.guildId) throw Errors.unknownGuild();
      return ok([...world.roles.values()]);
    }),
    bot("GET", "/guilds/:guild/members/:user", ({ params }) => {
      if (params[0] !== world.guildId) throw Errors.unknownGuild();
      if (!world.isMember(params[1] ?? "")) throw Errors.unknownMember();
      return ok(world.member(params[1] ?? ""));
    }),

    // --- channels and messages ---------------------------------------------------------------
    bot("GET", "/channels/:channel", ({ params }) => ok(channelOr404(params[0] ?? ""))),
    bot("POST", "/channels/:channel/typing", ({ params }) => {
      const channel = channelOr404(params[0] ?? "");
      requireBot(channel, sendPermission(channel));
      return noContent();
    }),
    bot("POST", "/channels/:channel/messages", ({ params, body, files }) => {
      const channel = channelOr404(params[0] ?? "");
      const message = (body ?? {}) as MessageBody;
      requireBot(channel, sendPermission(channel), ...(message.message_reference ? [PermissionFlagsBits.ReadMessageHistory] : []));
      checkFileSizes(files);
      if (((message.flags ?? 0) & 64) !== 0) {
        const errors = new FormErrors();
        errors.add(["flags"], "MESSAGE_FLAGS_INVALID", "Ephemeral messages can only be sent in interaction responses");
        errors.throwIfAny();
      }
      return ok(messaging.createBotMessage({ channel, body: message, files, via: "channel" }));
    }),
    bot("GET", "/channels/:channel/messages", ({ params, query }) => {
      const channel = channelOr404(params[0] ?? "");
      requireBot(channel, PermissionFlagsBits.ReadMessageHistory);
      return ok(listMessages(world.channelMessages(channel.id), query));
    }),
    bot("GET", "/channels/:channel/messages/:message", ({ params }) => {
      const channel = channelOr404(params[0] ?? "");
      requireBot(channel, PermissionFlagsBits.ReadMessageHistory);
      return ok(messageIn(channel, params[1] ?? ""));
    }),
    bot("PATCH", "/channels/:channel/messages/:message", ({ params, body, files }) => {
      const channel = channelOr404(params[0] ?? "");
      requireBot(channel);
      const message = messageIn(channel, params[1] ?? "");
      if (message.author.id !== world.botUser.id || message.webhook_id) throw Errors.notAuthor();
      checkFileSizes(files);
      return ok(messaging.editBotMessage(message, { body: (body ?? {}) as MessageBody, files, via: "channel" }));
    }),
    bot("DELETE", "/channels/:channel/messages/:message", ({ params }) => {
      const channel = channelOr404(params[0] ?? "");
      const message = messageIn(channel, params[1] ?? "");
      if (message.author.id !== world.botUser.id) requireBot(channel, PermissionFlagsBits.ManageMessages);
      const history = world.history.get(channel.id) ?? [];
      history.splice(history.indexOf(message), 1);
      world.messages.delete(message.id);
      world.notify();
      const intents = world.isGuildChannel(channel) ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
      gateway
        .dispatch(
          "MESSAGE_DELETE",
          { id: message.id, channel_id: channel.id, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) },
          { intents },
        )
        .catch(() => undefined);
      return noContent();
    }),
    bot("PUT", "/channels/:channel/messages/:message/reactions/:emoji/@me", (context) => react(deps, find, context, "add")),
    bot("DELETE", "/channels/:channel/messages/:message/reactions/:emoji/@me", (context) => react(deps, find, context, "remove")),

    // --- threads -----------------------------------------------------------------------------
    bot("POST", "/channels/:channel/messages/:message/threads", ({ params, body }) => {
      const parent = channelOr404(params[0] ?? "");
      const starter = messageIn(parent, params[1] ?? "");
      requireBot(parent, PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.ReadMessageHistory);
      if (parent.type !== 0 && parent.type !== 5) throw new ApiError(400, 50024, "Cannot execute action on this channel type");
      if (starter.thread || world.channels.has(starter.id)) throw Errors.threadExists();
      const input = threadInput(body);
      const thread = world.createThread(parent, {
        ...input,
        id: starter.id,
        type: parent.type === 5 ? 10 : 11,
        starterMessageId: starter.id,
      });
      starter.thread = thread as unknown as MessageObject["thread"];
      announceThread(deps, thread);
      return ok(thread);
    }),
    bot("POST", "/channels/:channel/threads", ({ params, body }) => {
      const parent = channelOr404(params[0] ?? "");
      const input = threadInput(body);
      const type = (body as { type?: number } | undefined)?.type;
      if (type !== 11 && type !== 12) {
        const errors = new FormErrors();
        errors.add(["type"], "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.");
        errors.throwIfAny();
      }
      requireBot(parent, type === 12 ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads);
      if (parent.type !== 0) throw new ApiError(400, 50024, "Cannot execute action on this channel type");
      const thread = world.createThread(parent, { ...input, id: world.ids.next(), type: type ?? 11 });
      // Discord posts a "started a thread" system message in the parent channel.
      const notice = world.buildMessage(parent, world.botUser, {
        type: MessageType.ThreadCreated,
        content: input.name,
        message_reference: { type: 0, channel_id: thread.id, ...(parent.guild_id ? { guild_id: parent.guild_id } : {}) },
      });
      world.storeMessage(notice);
      announceThread(deps, thread);
      return ok(thread);
    }),

    // --- application commands ----------------------------------------------------------------
    ...commandRoutes(deps),
  ];
}

function threadInput(body: unknown): { name: string; autoArchiveDuration?: number; rateLimitPerUser?: number } {
  const b = (body ?? {}) as { name?: unknown; auto_archive_duration?: number; rate_limit_per_user?: number };
  const errors = new FormErrors();
  if (typeof b.name !== "string" || b.name.length === 0) errors.add(["name"], "BASE_TYPE_REQUIRED", "This field is required");
  else errors.maxLength(["name"], b.name, 100);
  if (b.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(b.auto_archive_duration)) {
    errors.add(["auto_archive_duration"], "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.");
  }
  errors.throwIfAny();
  return {
    name: b.name as string,
    ...(b.auto_archive_duration !== undefined ? { autoArchiveDuration: b.auto_archive_duration } : {}),
    ...(b.rate_limit_per_user !== undefined ? { rateLimitPerUser: b.rate_limit_per_user } : {}),
  };
}

/** THREAD_CREATE with newly_created and the bot's thread membership, as Discord sends it to the creator. */
function announceThread({ world, gateway }: RouteDeps, thread: ChannelObject): void {
  const payload = {
    ...thread,
    newly_created: true,
    member: { id: thread.id, user_id: world.botUser.id, join_timestamp: new Date().toISOString(), flags: 0 },
  };
  gateway.dispatch("THREAD_CREATE", payload, { intents: GatewayIntentBits.Guilds }).catch(() => undefined);
}

function listMessages(history: MessageObject[], query: URLSearchParams): MessageObject[] {
  const limitText = query.get("limit");
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    const errors = new FormErrors();
    errors.add(["limit"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.");
    errors.throwIfAny();
  }
  const before = query.get("before");
  const after = query.get("after");
  const around = query.get("around");
  const newestFirst = [...history].reverse();
  if (after) {
    // The `limit` messages right after `after`, still answered newest first.
    return history
      .filter((m) => compareSnowflakes(m.id, after) > 0)
      .slice(0, limit)
      .reverse();
  }
  if (around) {
    const index = newestFirst.findIndex((m) => compareSnowflakes(m.id, around) <= 0);
    if (index < 0) return [];
    const start = Math.max(0, index - Math.floor(limit / 2));
    return newestFirst.slice(start, start + limit);
  }
  return newestFirst.filter((m) => !before || compareSnowflakes(m.id, before) < 0).slice(0, limit);
}

function react({ world, gateway, reactions }: RouteDeps, find: Lookups, { params }: RouteContext, action: "add" | "remove") {
  const channel = find.channel(params[0] ?? "");
  const message = find.message(channel, params[1] ?? "");
  const emoji = params[2] ?? "";
  const custom = /^(?<name>[\w~-]+):(?<id>\d{15,21})$/.exec(emoji);
  // Discord wants a unicode emoji or name:id; ":thumbsup:" style names are "Unknown Emoji".
  if (!custom && !/\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F1E6}-\u{1F1FF}#*0-9]\u{FE0F}?\u{20E3}/u.test(emoji)) {
    throw new ApiError(400, 10014, "Unknown Emoji");
  }
  if (action === "add") find.requireBot(channel, PermissionFlagsBits.AddReactions, PermissionFlagsBits.ReadMessageHistory);
  const emojiObject = custom ? { id: custom.groups?.["id"] ?? null, name: custom.groups?.["name"] ?? null } : { id: null, name: emoji };
  const list = message.reactions ?? [];
  const existing = list.find((r) => r.emoji.name === emojiObject.name && (r.emoji.id ?? null) === emojiObject.id);
  if (action === "add" && !existing?.me) {
    if (existing) {
      existing.me = true;
      existing.count += 1;
      existing.count_details.normal += 1;
    } else {
      list.push({ emoji: emojiObject, count: 1, count_details: { burst: 0, normal: 1 }, me: true, me_burst: false, burst_colors: [] });
    }
  } else if (action === "remove" && existing?.me) {
    existing.me = false;
    existing.count -= 1;
    existing.count_details.normal -= 1;
    if (existing.count === 0) list.splice(list.indexOf(existing), 1);
  }
  message.reactions = list;
  reactions.push({ channelId: channel.id, messageId: message.id, emoji, action, at: performance.now() });
  world.notify();
  const inGuild = world.isGuildChannel(channel);
  gateway
    .dispatch(
      action === "add" ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE",
      {
        user_id: world.botUser.id,
        channel_id: channel.id,
        message_id: message.id,
        emoji: emojiObject,
        burst: false,
        type: 0,
        ...(inGuild ? { guild_id: channel.guild_id, member: world.member(world.botUser.id) } : {}),
        ...(action === "add" ? { message_author_id: message.author.id } : {}),
      },
      { intents: inGuild ? GatewayIntentBits.GuildMessageReactions : GatewayIntentBits.DirectMessageReactions },
    )
    .catch(() => undefined);
  return noContent();
}

function commandRoutes({ world }: RouteDeps): Route[] {
  const scopeOf = (params: string[], guild: boolean): string => {
    if (params[0] !== world.fixture.applicationId) throw Errors.missingAccess();
    if (guild && params[1] !== world.guildId) throw Errors.missingAccess();
    return guild ? (params[1] ?? "") : "global";
  };
  const build = (scope: string, raw: Record<string, unknown>, previous: CommandObject[]): CommandObject => {
    const type = (raw["type"] as number | undefined) ?? 1;
    const same = previous.find((c) => c.name === raw["name"] && c.type === type);
    return {
      id: same?.id ?? world.ids.next(),
      application_id: world.fixture.applicationId,
      version: world.ids.next(),
      type,
      name: raw["name"] as string,
      name_localizations: (raw["name_localizations"] as Record<string, string> | undefined) ?? null,
      description: (raw["description"] as string | undefined) ?? "",
      description_localizations: (raw["description_localizations"] as Record<string, string> | undefined) ?? null,
      ...(raw["options"] ? { options: raw["options"] } : {}),
      default_member_permissions: (raw["default_member_permissions"] as string | null | undefined) ?? null,
      nsfw: (raw["nsfw"] as boolean | undefined) ?? false,
      ...(scope === "global"
        ? {
            dm_permission: (raw["dm_permission"] as boolean | undefined) ?? true,
            contexts: (raw["contexts"] as number[] | undefined) ?? null,
            integration_types: (raw["integration_types"] as number[] | undefined) ?? [0],
          }
        : { guild_id: scope }),
    } as CommandObject;
  };
  const routes: Route[] = [];
  for (const [prefix, guild] of [
    ["/applications/:app/commands", false],
    ["/applications/:app/guilds/:guild/commands", true],
  ] as const) {
    routes.push(
      {
        method: "GET",
        path: prefix,
        auth: "bot",
        handle: ({ params }) => ok(world.commands.get(scopeOf(params, guild)) ?? []),
      },
      {
        method: "PUT",
        path: prefix,
        auth: "bot",
        handle: ({ params, body }) => {
          const scope = scopeOf(params, guild);
          if (!Array.isArray(body))
            throw new ApiError(400, 50035, "Invalid Form Body", { _errors: [{ code: "BASE_TYPE_ARRAY", message: "Must be an array." }] });
          checkCommands(body);
          const previous = world.commands.get(scope) ?? [];
          const next = (body as Array<Record<string, unknown>>).map((raw) => build(scope, raw, previous));
          world.commands.set(scope, next);
          world.notify();
          return ok(next);
        },
      },
      {
        method: "POST",
        path: prefix,
        auth: "bot",
        handle: ({ params, body }) => {
          const scope = scopeOf(params, guild);
          checkCommands([body]);
          const previous = world.commands.get(scope) ?? [];
          const command = build(scope, body as Record<string, unknown>, previous);
          world.commands.set(scope, [...previous.filter((c) => c.id !== command.id), command]);
          world.notify();
          return { status: previous.some((c) => c.id === command.id) ? 200 : 201, body: command };
        },
      },
      {
        method: "DELETE",
        path: `${prefix}/:command`,
        auth: "bot",
        handle: ({ params }) => {
          const scope = scopeOf(params, guild);
          const id: Snowflake | undefined = params[guild ? 2 : 1];
          const previous = world.commands.get(scope) ?? [];
          if (!previous.some((c) => c.id === id)) throw Errors.unknownCommand();
          world.commands.set(
            scope,
            previous.filter((c) => c.id !== id),
          );
          world.notify();
          return noContent();
        },
      },
    );
  }
  return routes;
}
