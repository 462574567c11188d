/**
 * Messages as they flow through the stand-in: the bot's creates and edits (validated, stored,
 * recorded with their raw bodies, echoed over the gateway like Discord does), and the gateway
 * dispatch of any message with the per-session intent rules.
 */
import { GatewayIntentBits, MessageType } from "discord.js";
import type { Gateway, SessionInfo } from "./gateway.js";
import type { DiscordWorld } from "./model.js";
import type {
  ChannelObject,
  MentionReport,
  MessageBody,
  MessageObject,
  MessageVia,
  SentMessageRecord,
  Snowflake,
  UploadedFile,
} from "./types.js";
import { analyseMentions, checkMessageBody, FormErrors } from "./validation.js";

/** Message flags a bot may set when sending: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2. */
const SENDABLE_FLAGS = 4 | 64 | 4096 | 32768;
export const EPHEMERAL = 64;
export const LOADING = 128;

export interface CreateInput {
  channel: ChannelObject;
  body: MessageBody;
  files?: UploadedFile[];
  via: MessageVia;
  /** Where the message sits in the request body, for error paths (["data"] in callbacks). */
  prefix?: string[];
  /** Extra fields: webhook_id, interaction_metadata, type… */
  fields?: Partial<MessageObject>;
  /** Skip the emptiness check (a deferred "thinking…" message is empty by design). */
  allowEmpty?: boolean;
  /** False for a message that cannot notify (not a new post). Default true. */
  notifies?: boolean;
}

export interface EditInput {
  body: MessageBody;
  files?: UploadedFile[];
  via: MessageVia;
  prefix?: string[];
  /** Filling in a deferred response rather than editing: no edited_timestamp, loading flag cleared. */
  resolvesDefer?: boolean;
}

export class Messaging {
  readonly sent: SentMessageRecord[] = [];

  constructor(
    private readonly world: DiscordWorld,
    private readonly gateway: Gateway,
    private readonly origin: () => string,
    private readonly echoBotMessages: boolean,
  ) {}

  // --- the bot's messages --------------------------------------------------------------------

  createBotMessage(input: CreateInput): MessageObject {
    const { world } = this;
    const { body, channel } = input;
    const files = input.files ?? [];
    if (!input.allowEmpty) checkMessageBody(body, { prefix: input.prefix ?? [], fileCount: files.length });

    const fields: Partial<MessageObject> = {};
    const reference = body.message_reference;
    if (reference?.message_id && (reference.type ?? 0) === 0) {
      const referenced = world.messages.get(reference.message_id);
      if (!referenced || referenced.channel_id !== channel.id) {
        if (reference.fail_if_not_exists !== false) {
          const errors = new FormErrors();
          errors.add([...(input.prefix ?? []), "message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
          errors.throwIfAny();
        }
      } else {
        fields.type = MessageType.Reply;
        fields.message_reference = {
          type: 0,
          message_id: referenced.id,
          channel_id: channel.id,
          ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
        };
        fields.referenced_message = { ...referenced, referenced_message: null };
      }
    }
    const content = body.content ?? "";
    const message = world.buildMessage(channel, world.botUser, {
      content,
      embeds: body.embeds ?? [],
      components: (body.components ?? []) as MessageObject["components"],
      tts: body.tts === true,
      flags: (body.flags ?? 0) & SENDABLE_FLAGS,
      attachments: this.#attachments(files, body),
      ...(body.nonce !== undefined ? { nonce: body.nonce as string } : {}),
      ...fields,
      ...input.fields,
    });
    const analysis = analyseMentions(content, body.allowed_mentions, repliedAuthor(message, world.botUser.id));
    message.mention_everyone = analysis.everyone;
    if (analysis.repliedUser && !message.mentions.some((u) => u.id === analysis.repliedUser)) {
      message.mentions.push(world.user(analysis.repliedUser));
    }
    world.storeMessage(message);
    this.#record("create", input.via, message, body, input.notifies ?? true);
    if (((message.flags ?? 0) & EPHEMERAL) === 0) this.#echo("MESSAGE_CREATE", message);
    return message;
  }

  editBotMessage(message: MessageObject, input: EditInput): MessageObject {
    const { body } = input;
    const files = input.files ?? [];
    checkMessageBody(body, { prefix: input.prefix ?? [], fileCount: files.length, existing: message });
    const next: MessageObject = { ...message };
    if (body.content !== undefined) next.content = body.content ?? "";
    if (body.embeds !== undefined) next.embeds = body.embeds ?? [];
    if (body.components !== undefined) next.components = (body.components ?? []) as MessageObject["components"];
    if (body.attachments !== undefined || files.length > 0) {
      const keep = new Set((body.attachments ?? []).map((a) => String(a.id)));
      next.attachments = [...message.attachments.filter((a) => keep.has(a.id)), ...this.#attachments(files, body)];
    }
    let flags = message.flags ?? 0;
    if (body.flags !== undefined && body.flags !== null) flags = (flags & ~4) | (body.flags & 4);
    if (input.resolvesDefer) flags &= ~LOADING;
    next.flags = flags;
    next.mentions = this.world.mentionedUsers(next.content);
    next.mention_roles = this.world.mentionedRoles(next.content);
    if (!input.resolvesDefer) next.edited_timestamp = new Date().toISOString();
    this.world.replaceMessage(message, next);
    this.#record("edit", input.via, message, body, false);
    if ((flags & EPHEMERAL) === 0) this.#echo("MESSAGE_UPDATE", message);
    return message;
  }

  #attachments(files: UploadedFile[], body: MessageBody): MessageObject["attachments"] {
    return files.map((file, index) => {
      const id = this.world.ids.next();
      const described = body.attachments?.find((a) => String(a.id) === String(index));
      return {
        id,
        filename: file.filename,
        size: file.data.length,
        url: `${this.origin()}/attachments/${id}/${encodeURIComponent(file.filename)}`,
        proxy_url: `${this.origin()}/attachments/${id}/${encodeURIComponent(file.filename)}`,
        content_type: file.contentType,
        ...(described?.description ? { description: described.description } : {}),
      };
    });
  }

  #record(kind: SentMessageRecord["kind"], via: MessageVia, message: MessageObject, body: MessageBody, notifies: boolean): void {
    this.sent.push({
      kind,
      via,
      messageId: message.id,
      channelId: message.channel_id,
      body,
      message: structuredClone(message),
      notifies: kind === "create" && notifies,
      at: performance.now(),
    });
    this.world.notify();
  }

  #echo(event: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: MessageObject): void {
    if (!this.echoBotMessages || this.gateway.sessionInfos().length === 0) return;
    this.dispatchMessage(event, message).catch(() => undefined);
  }

  // --- mentions ------------------------------------------------------------------------------

  /** The records a target refers to: a record, a message (by id) or a message id. */
  recordsFor(target: SentMessageRecord | MessageObject | Snowflake): SentMessageRecord[] {
    if (typeof target === "string") return this.sent.filter((r) => r.messageId === target);
    if ("kind" in target && "via" in target) return [target];
    return this.sent.filter((r) => r.messageId === target.id);
  }

  mentionReport(target: SentMessageRecord | MessageObject | Snowflake): MentionReport {
    const records = this.recordsFor(target);
    if (records.length === 0) throw new Error("Discord stand-in: no message sent by the bot matches this target");
    const report: MentionReport = { pings: false, everyone: false, users: [], roles: [], repliedUser: undefined };
    for (const record of records) {
      if (!record.notifies) continue;
      const analysis = analyseMentions(
        record.body.content ?? "",
        record.body.allowed_mentions,
        repliedAuthor(record.message, this.world.botUser.id),
      );
      report.everyone ||= analysis.everyone;
      report.users.push(...analysis.users.filter((id) => !report.users.includes(id)));
      report.roles.push(...analysis.roles.filter((id) => !report.roles.includes(id)));
      report.repliedUser ??= analysis.repliedUser;
    }
    const suppressed = records.every((r) => ((r.message.flags ?? 0) & 4096) !== 0);
    report.pings =
      !suppressed && (report.everyone || report.users.length > 0 || report.roles.length > 0 || report.repliedUser !== undefined);
    return report;
  }

  // --- gateway -------------------------------------------------------------------------------

  /**
   * MESSAGE_CREATE / MESSAGE_UPDATE to every session that should get it: guild messages need the
   * GuildMessages intent, DMs DirectMessages; without MessageContent the content, embeds,
   * attachments and components are blanked unless the message is a DM, mentions the bot or is
   * the bot's own (as on Discord).
   */
  dispatchMessage(event: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: MessageObject) {
    const { world } = this;
    const channel = world.channel(message.channel_id);
    const inGuild = channel !== undefined && world.isGuildChannel(channel);
    const payload = world.gatewayMessage(message);
    const exempt = !inGuild || message.author.id === world.botUser.id || message.mentions.some((u) => u.id === world.botUser.id);
    return this.gateway.dispatch(event, payload, {
      intents: inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages,
      build: (session: SessionInfo) =>
        exempt || (session.intents & GatewayIntentBits.MessageContent) !== 0
          ? payload
          : { ...payload, content: "", embeds: [], attachments: [], components: [] },
    });
  }
}

/** The author a reply would ping: the referenced message's author, unless it is the bot itself. */
function repliedAuthor(message: MessageObject, botId: Snowflake): Snowflake | undefined {
  const author = message.referenced_message?.author.id;
  return author && author !== botId ? author : undefined;
}
