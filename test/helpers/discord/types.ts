/**
 * Public types of the Discord stand-in (see ../discordStandIn.ts). Payload shapes come from
 * discord-api-types as re-exported by discord.js, so a payload the stand-in builds is checked
 * against the same definitions discord.js is written against.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { APIApplicationCommand, APIEmbed, APIMessage, APIUser } from "discord.js";

export type Snowflake = string;

/** A message as the stand-in stores it and returns it over REST. */
export type MessageObject = APIMessage;

/** A channel as the stand-in stores it (text channel type 0, DM type 1, public thread type 11…). */
export interface ChannelObject {
  id: Snowflake;
  type: number;
  name?: string;
  guild_id?: Snowflake;
  parent_id?: Snowflake | null;
  position?: number;
  topic?: string | null;
  nsfw?: boolean;
  permission_overwrites?: unknown[];
  last_message_id?: Snowflake | null;
  rate_limit_per_user?: number;
  flags: number;
  recipients?: APIUser[];
  owner_id?: Snowflake;
  thread_metadata?: {
    archived: boolean;
    auto_archive_duration: number;
    archive_timestamp: string;
    locked: boolean;
    create_timestamp?: string;
    invitable?: boolean;
  };
  message_count?: number;
  member_count?: number;
  total_message_sent?: number;
  [field: string]: unknown;
}

/** `allowed_mentions` as the bot sends it. */
export interface AllowedMentionsBody {
  parse?: string[];
  users?: Snowflake[];
  roles?: Snowflake[];
  replied_user?: boolean;
}

/** A message body as the bot sends it (channel message, interaction reply, webhook message). */
export interface MessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  allowed_mentions?: AllowedMentionsBody | null;
  message_reference?: { message_id?: Snowflake; channel_id?: Snowflake; guild_id?: Snowflake; type?: number; fail_if_not_exists?: boolean };
  flags?: number | null;
  tts?: boolean;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  sticker_ids?: Snowflake[];
  poll?: unknown;
  [field: string]: unknown;
}

/** A file part of a multipart/form-data request. */
export interface UploadedFile {
  /** The form field, e.g. "files[0]". */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One HTTP request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  /** The path without "/api/v10" and without the query, percent-decoded: "/channels/1/messages". */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The JSON body (for multipart requests: the parsed `payload_json` part); undefined if none. */
  body: unknown;
  files: UploadedFile[];
  /** The route it matched, e.g. "POST /channels/:channel/messages"; undefined for an unknown route. */
  route: string | undefined;
  /** Whether it carried `Authorization: Bot <token>` with the accepted token. */
  authorized: boolean;
  /** The status it was answered with (0 until answered). */
  status: number;
  /** performance.now() when it arrived. */
  at: number;
}

/** A request the stand-in refused the way Discord would (any 4xx except 429). */
export interface Violation {
  method: string;
  path: string;
  status: number;
  /** Discord's JSON error code: 50035 invalid form body, 50006 empty message, 40060 already acknowledged… */
  code: number;
  message: string;
  errors?: unknown;
  body: unknown;
  at: number;
}

/** A request answered with 429 because a test asked for it (rateLimitNext). */
export interface RateLimitRecord {
  method: string;
  path: string;
  retryAfterSeconds: number;
  global: boolean;
  at: number;
}

/** How a bot message came to be. */
export type MessageVia = "channel" | "interaction" | "webhook";

/** One message the bot created or edited, with the raw body it sent. */
export interface SentMessageRecord {
  kind: "create" | "edit";
  via: MessageVia;
  messageId: Snowflake;
  channelId: Snowflake;
  /** The body as the bot sent it (for interaction callbacks: the callback's `data`). */
  body: MessageBody;
  /** The message right after this create/edit. */
  message: MessageObject;
  /**
   * Whether this operation can notify anyone at all. Discord only notifies for a NEW message:
   * edits never do, and neither does the first follow-up after a deferred reply (it fills in the
   * deferred "thinking…" message instead of posting a new one).
   */
  notifies: boolean;
  at: number;
}

/** What a bot message would ping, judged from its content and `allowed_mentions`. */
export interface MentionReport {
  /** True if it notifies anyone: see SentMessageRecord.notifies and the fields below. */
  pings: boolean;
  /** @everyone / @here in the content and "everyone" allowed. */
  everyone: boolean;
  /** User ids mentioned in the content and allowed. */
  users: Snowflake[];
  /** Role ids mentioned in the content and allowed. */
  roles: Snowflake[];
  /** The author of the message replied to, if the reply pings them. */
  repliedUser: Snowflake | undefined;
}

export interface ThreadRecord {
  id: Snowflake;
  parentId: Snowflake;
  name: string;
  ownerId: Snowflake;
  type: number;
  /** The message the thread was started from (its id equals the thread's id, as on Discord). */
  starterMessageId: Snowflake | undefined;
  at: number;
}

export interface ReactionRecord {
  channelId: Snowflake;
  messageId: Snowflake;
  /** Decoded: "👍" or "name:id". */
  emoji: string;
  action: "add" | "remove";
  at: number;
}

/** An application command as stored after a PUT/POST (what Discord returns). */
export type CommandObject = APIApplicationCommand;

/** The body of an interaction callback (POST /interactions/{id}/{token}/callback). */
export interface InteractionCallbackBody {
  /** 4 reply, 5 defer, 6 deferUpdate, 7 update, 8 autocomplete result, 9 modal. */
  type: number;
  data?: MessageBody & { choices?: Array<{ name: string; value: string | number }>; custom_id?: string; title?: string };
}
