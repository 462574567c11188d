/**
 * The Discord "world" of the stand-in: ids, the fixture guild (users, roles, channels), stored
 * messages and threads, permission arithmetic, and the payload builders shared by the gateway and
 * the REST routes. Everything here is plain state; the HTTP and WebSocket sides live next to it.
 */
import { EventEmitter } from "node:events";
import {
  MessageType,
  PermissionFlagsBits,
  type APIGuildMember,
  type APIRole,
  type APIUser,
  type GuildMemberFlags,
  type MessageFlags,
  type RoleFlags,
  type UserFlags,
} from "discord.js";
import type { ChannelObject, CommandObject, MessageObject, Snowflake, ThreadRecord } from "./types.js";

// ----------------------------------------------------------------------------------------------
// Snowflakes
// ----------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1_420_070_400_000n;
/** Fixture ids are minted at this instant so they are stable from run to run. */
const FIXTURE_TIME = BigInt(Date.UTC(2024, 0, 1));

/** A fixed snowflake for fixture number `n` (stable across runs and instances). */
export function fixtureSnowflake(n: number): Snowflake {
  return (((FIXTURE_TIME - DISCORD_EPOCH) << 22n) | BigInt(n)).toString();
}

/** Increasing snowflakes stamped with the current time, so ids sort like Discord's do. */
export class SnowflakeMinter {
  #lastMs = 0n;
  #increment = 0n;

  next(): Snowflake {
    let ms = BigInt(Date.now());
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#increment += 1n;
      if (this.#increment > 0xfffn) {
        ms += 1n;
        this.#increment = 0n;
      }
    } else {
      this.#increment = 0n;
    }
    this.#lastMs = ms;
    return (((ms - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.#increment).toString();
  }
}

// ----------------------------------------------------------------------------------------------
// Permissions
// ----------------------------------------------------------------------------------------------

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * What @everyone may do in the fixture guild: read only. Chatting comes with the `member` role
 * (as in servers that gate chat behind a role), so the bot's own role alone decides what the bot
 * may do beyond reading, and setBotPermissions can take any of it away.
 */
export const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.UseApplicationCommands;

/** What the `member` role adds: a typical community server's chat permissions. */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname;

/** The bot's managed role: what a bot invited with a sensible scope gets. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis;

// ----------------------------------------------------------------------------------------------
// Payload shapes not covered well by discord-api-types
// ----------------------------------------------------------------------------------------------

/** A guild member; `user` is left out where Discord leaves it out (message payloads). */
export type MemberObject = Omit<APIGuildMember, "user"> & { user?: APIUser; permissions?: string };

export interface FixtureIds {
  applicationId: Snowflake;
  guildId: Snowflake;
  channelIds: { general: Snowflake; answers: Snowflake; other: Snowflake };
  roleIds: { everyone: Snowflake; member: Snowflake; admin: Snowflake; bot: Snowflake };
  users: { alice: Snowflake; bob: Snowflake; carol: Snowflake; owner: Snowflake; otherBot: Snowflake };
}

const JOINED_AT = new Date(Date.UTC(2024, 0, 2)).toISOString();
const GENERATED_USER_BASE = 10_000;

// ----------------------------------------------------------------------------------------------
// The world
// ----------------------------------------------------------------------------------------------

export class DiscordWorld {
  readonly ids = new SnowflakeMinter();
  /** Emits "change" after every mutation; waiters re-check their condition on it. */
  readonly events = new EventEmitter();

  readonly fixture: FixtureIds;
  readonly botUser: APIUser;
  readonly guildName = "Paper Club";

  readonly users = new Map<Snowflake, APIUser>();
  /** Role ids per guild member (the @everyone role is implicit). */
  readonly memberRoles = new Map<Snowflake, Snowflake[]>();
  readonly roles = new Map<Snowflake, APIRole>();
  readonly channels = new Map<Snowflake, ChannelObject>();
  /** Channel history, oldest first (ephemeral messages are not part of it). */
  readonly history = new Map<Snowflake, MessageObject[]>();
  /** Every message by id, ephemeral ones included. */
  readonly messages = new Map<Snowflake, MessageObject>();
  readonly threads: ThreadRecord[] = [];
  /** Application commands per scope: "global" or a guild id. */
  readonly commands = new Map<string, CommandObject[]>();
  /** performance.now() when a message or interaction with this id was dispatched to the bot. */
  readonly dispatchTimes = new Map<Snowflake, number>();
  /** How many bot sessions (shards) a message created by a user was delivered to. */
  readonly deliveries = new Map<Snowflake, number>();
  lastDispatchAt: number | undefined;

  constructor() {
    this.events.setMaxListeners(0);
    const f = fixtureSnowflake;
    this.fixture = {
      applicationId: f(1),
      guildId: f(2),
      channelIds: { general: f(10), answers: f(11), other: f(12) },
      roleIds: { everyone: f(2), member: f(20), admin: f(21), bot: f(22) },
      users: { alice: f(100), bob: f(101), carol: f(102), owner: f(103), otherBot: f(104) },
    };
    const { users, roleIds, channelIds, guildId } = this.fixture;

    this.botUser = { ...userShape(this.fixture.applicationId, "paperbot"), bot: true };
    this.users.set(this.botUser.id, this.botUser);
    for (const [name, id] of Object.entries(users)) {
      this.users.set(id, name === "otherBot" ? { ...userShape(id, "otherbot"), bot: true } : userShape(id, name));
    }
    this.memberRoles.set(this.botUser.id, [roleIds.bot]);
    this.memberRoles.set(users.alice, [roleIds.member]);
    this.memberRoles.set(users.bob, [roleIds.member]);
    this.memberRoles.set(users.carol, [roleIds.member, roleIds.admin]);
    this.memberRoles.set(users.owner, [roleIds.member]);
    this.memberRoles.set(users.otherBot, [roleIds.member]);

    this.roles.set(roleIds.everyone, roleShape(roleIds.everyone, "@everyone", 0, EVERYONE_PERMISSIONS));
    this.roles.set(roleIds.member, roleShape(roleIds.member, "member", 1, MEMBER_PERMISSIONS));
    this.roles.set(roleIds.admin, roleShape(roleIds.admin, "admin", 2, PermissionFlagsBits.ManageGuild));
    this.roles.set(roleIds.bot, {
      ...roleShape(roleIds.bot, "paperbot", 3, DEFAULT_BOT_PERMISSIONS),
      managed: true,
      tags: { bot_id: this.botUser.id },
    });

    const names = { general: "general", answers: "paper-answers", other: "off-topic" } as const;
    let position = 0;
    for (const key of ["general", "answers", "other"] as const) {
      const id = channelIds[key];
      this.channels.set(id, {
        id,
        type: 0,
        guild_id: guildId,
        name: names[key],
        position: position++,
        parent_id: null,
        topic: null,
        nsfw: false,
        permission_overwrites: [],
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: 0,
      });
      this.history.set(id, []);
    }
  }

  get guildId(): Snowflake {
    return this.fixture.guildId;
  }

  notify(): void {
    this.events.emit("change");
  }

  /**
   * Resolves with the first truthy value of `probe`, checked now, after every change and every
   * 10 ms; rejects after `timeoutMs` with a message naming `what`.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const onChange = (): void => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          cleanUp();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value) {
          cleanUp();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanUp();
        reject(new Error(`Discord stand-in: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      // Re-checked after every change here, and every 10 ms for probes of state kept elsewhere
      // (e.g. the discord.js client's caches).
      const poll = setInterval(onChange, 10);
      const cleanUp = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.events.off("change", onChange);
      };
      this.events.on("change", onChange);
    });
  }

  // --- users and members ---------------------------------------------------------------------

  /** The id of generated user number n (n ≥ 1), created on first use as a guild member. */
  generatedUser(n: number): Snowflake {
    if (!Number.isInteger(n) || n < 1) throw new Error(`user(n) needs a positive integer, got ${n}`);
    const id = fixtureSnowflake(GENERATED_USER_BASE + n);
    if (!this.users.has(id)) {
      this.users.set(id, userShape(id, `user${n}`));
      this.memberRoles.set(id, [this.fixture.roleIds.member]);
    }
    return id;
  }

  user(id: Snowflake): APIUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`Discord stand-in: unknown user ${id} (use users.alice… or user(n))`);
    return user;
  }

  isMember(userId: Snowflake): boolean {
    return this.memberRoles.has(userId);
  }

  /** A member object; `withUser: false` for the shape embedded in messages. */
  member(userId: Snowflake, withUser = true): MemberObject {
    const roles = this.memberRoles.get(userId) ?? [];
    const member: MemberObject = {
      nick: null,
      avatar: null,
      banner: null,
      roles: [...roles],
      joined_at: JOINED_AT,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
    if (withUser) member.user = this.user(userId);
    return member;
  }

  // --- permissions ---------------------------------------------------------------------------

  /** Guild-level permissions of a member (roles combined; owner and Administrator get all). */
  permissionsOf(userId: Snowflake): bigint {
    if (userId === this.fixture.users.owner) return ALL_PERMISSIONS;
    let permissions = BigInt(this.roles.get(this.fixture.roleIds.everyone)?.permissions ?? "0");
    for (const roleId of this.memberRoles.get(userId) ?? []) {
      permissions |= BigInt(this.roles.get(roleId)?.permissions ?? "0");
    }
    if (permissions & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
    return permissions;
  }

  botPermissions(): bigint {
    return this.permissionsOf(this.botUser.id);
  }

  setRolePermissions(roleId: Snowflake, permissions: bigint): APIRole {
    const role = this.roles.get(roleId);
    if (!role) throw new Error(`Discord stand-in: unknown role ${roleId}`);
    role.permissions = permissions.toString();
    this.notify();
    return role;
  }

  // --- channels ------------------------------------------------------------------------------

  channel(id: Snowflake): ChannelObject | undefined {
    return this.channels.get(id);
  }

  isGuildChannel(channel: ChannelObject): boolean {
    return channel.guild_id !== undefined;
  }

  isThread(channel: ChannelObject): boolean {
    return channel.type === 10 || channel.type === 11 || channel.type === 12;
  }

  /** The DM channel with a user, created on first use (type 1, like POST /users/@me/channels). */
  dmChannel(userId: Snowflake): ChannelObject {
    for (const channel of this.channels.values()) {
      if (channel.type === 1 && channel.recipients?.[0]?.id === userId) return channel;
    }
    const channel: ChannelObject = {
      id: this.ids.next(),
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [this.user(userId)],
    };
    this.channels.set(channel.id, channel);
    this.history.set(channel.id, []);
    this.notify();
    return channel;
  }

  createThread(
    parent: ChannelObject,
    options: {
      id: Snowflake;
      name: string;
      type: number;
      autoArchiveDuration?: number;
      rateLimitPerUser?: number;
      starterMessageId?: Snowflake;
    },
  ): ChannelObject {
    const now = new Date().toISOString();
    const thread: ChannelObject = {
      id: options.id,
      type: options.type,
      guild_id: parent.guild_id ?? this.guildId,
      parent_id: parent.id,
      name: options.name,
      owner_id: this.botUser.id,
      last_message_id: null,
      rate_limit_per_user: options.rateLimitPerUser ?? 0,
      flags: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: options.autoArchiveDuration ?? 4320,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(options.type === 12 ? { invitable: true } : {}),
      },
    };
    this.channels.set(thread.id, thread);
    this.history.set(thread.id, []);
    this.threads.push({
      id: thread.id,
      parentId: parent.id,
      name: options.name,
      ownerId: this.botUser.id,
      type: options.type,
      starterMessageId: options.starterMessageId,
      at: performance.now(),
    });
    this.notify();
    return thread;
  }

  // --- messages ------------------------------------------------------------------------------

  /** A message object with Discord's defaults; `fields` override them. */
  buildMessage(channel: ChannelObject, author: APIUser, fields: Partial<MessageObject> = {}): MessageObject {
    const content = fields.content ?? "";
    return {
      id: this.ids.next(),
      channel_id: channel.id,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: this.mentionedUsers(content),
      mention_roles: this.mentionedRoles(content),
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: MessageType.Default,
      flags: 0 as MessageFlags,
      ...(this.isThread(channel) ? { position: this.history.get(channel.id)?.length ?? 0 } : {}),
      ...fields,
    };
  }

  /** Users mentioned as <@id> / <@!id> in the content that exist in this world. */
  mentionedUsers(content: string): APIUser[] {
    const seen = new Set<Snowflake>();
    for (const match of content.matchAll(/<@!?(\d{15,21})>/g)) if (match[1]) seen.add(match[1]);
    return [...seen].flatMap((id) => {
      const user = this.users.get(id);
      return user ? [user] : [];
    });
  }

  mentionedRoles(content: string): Snowflake[] {
    const seen = new Set<Snowflake>();
    for (const match of content.matchAll(/<@&(\d{15,21})>/g)) if (match[1] && this.roles.has(match[1])) seen.add(match[1]);
    return [...seen];
  }

  /** Stores a new message (in the channel history unless ephemeral) and returns it. */
  storeMessage(message: MessageObject): MessageObject {
    this.messages.set(message.id, message);
    const ephemeral = ((message.flags ?? 0) & 64) !== 0;
    const channel = this.channels.get(message.channel_id);
    if (!ephemeral && channel) {
      const history = this.history.get(channel.id) ?? [];
      history.push(message);
      history.sort((a, b) => compareSnowflakes(a.id, b.id));
      this.history.set(channel.id, history);
      channel.last_message_id = message.id;
      if (this.isThread(channel)) {
        channel.message_count = (channel.message_count ?? 0) + 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
    }
    this.notify();
    return message;
  }

  /** Replaces a stored message in place (keeps object identity for history and index). */
  replaceMessage(message: MessageObject, next: MessageObject): MessageObject {
    for (const key of Object.keys(message)) delete (message as unknown as Record<string, unknown>)[key];
    Object.assign(message, next);
    this.notify();
    return message;
  }

  channelMessages(channelId: Snowflake): MessageObject[] {
    return [...(this.history.get(channelId) ?? [])];
  }

  /**
   * The gateway form of a message: `guild_id`, the author's `member`, `mentions[].member` and
   * `channel_type` are added as on Discord's MESSAGE_CREATE / MESSAGE_UPDATE.
   */
  gatewayMessage(message: MessageObject): Record<string, unknown> {
    const channel = this.channels.get(message.channel_id);
    const payload: Record<string, unknown> = { ...message };
    if (channel) payload["channel_type"] = channel.type;
    if (channel && this.isGuildChannel(channel)) {
      payload["guild_id"] = channel.guild_id;
      if (!message.webhook_id && this.isMember(message.author.id)) payload["member"] = this.member(message.author.id, false);
      payload["mentions"] = message.mentions.map((user) =>
        this.isMember(user.id) ? { ...user, member: this.member(user.id, false) } : user,
      );
    }
    return payload;
  }

  // --- payloads ------------------------------------------------------------------------------

  guildCreatePayload(): Record<string, unknown> {
    const memberIds = [this.botUser.id, ...Object.values(this.fixture.users)];
    const guildChannels = [...this.channels.values()].filter((c) => c.guild_id === this.guildId);
    return {
      id: this.guildId,
      name: this.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.fixture.users.owner,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: [...this.roles.values()],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: "en-US",
      nsfw_level: 0,
      max_members: 500_000,
      max_video_channel_users: 25,
      joined_at: JOINED_AT,
      large: false,
      unavailable: false,
      member_count: memberIds.length,
      voice_states: [],
      members: memberIds.map((id) => this.member(id)),
      channels: guildChannels.filter((c) => !this.isThread(c)),
      threads: guildChannels.filter((c) => this.isThread(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }
}

export function compareSnowflakes(a: Snowflake, b: Snowflake): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function userShape(id: Snowflake, username: string): APIUser {
  return {
    id,
    username,
    global_name: username[0]?.toUpperCase() + username.slice(1),
    discriminator: "0",
    avatar: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

function roleShape(id: Snowflake, name: string, position: number, permissions: bigint): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
