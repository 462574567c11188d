/**
 * The checks Discord makes on what a bot sends, with Discord's error shapes, and the mention
 * arithmetic that decides whether a message would ping anyone.
 *
 * Limits (Discord's, not enforced by discord.js): content ≤ 2000 characters; ≤ 10 embeds; per
 * embed title ≤ 256, description ≤ 4096, ≤ 25 fields, field name ≤ 256 and value ≤ 1024, footer
 * ≤ 2048, author name ≤ 256, and ≤ 6000 characters across all embeds of a message; ≤ 5 action rows
 * of ≤ 5 components, custom_id ≤ 100, label ≤ 80, custom ids unique. Lengths are counted in
 * Unicode code points. An empty message (no content, embeds, components, files, stickers or
 * poll) is refused with 50006, the others with 50035 "Invalid Form Body".
 */
import type { AllowedMentionsBody, MessageBody, MessageObject, Snowflake } from "./types.js";

// ----------------------------------------------------------------------------------------------
// Errors
// ----------------------------------------------------------------------------------------------

/** Thrown by route handlers; answered as `status` with Discord's JSON error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

export const Errors = {
  unknownChannel: () => new ApiError(404, 10003, "Unknown Channel"),
  unknownMessage: () => new ApiError(404, 10008, "Unknown Message"),
  unknownWebhook: () => new ApiError(404, 10015, "Unknown Webhook"),
  unknownInteraction: () => new ApiError(404, 10062, "Unknown interaction"),
  unknownUser: () => new ApiError(404, 10013, "Unknown User"),
  unknownMember: () => new ApiError(404, 10007, "Unknown Member"),
  unknownGuild: () => new ApiError(404, 10004, "Unknown Guild"),
  unknownCommand: () => new ApiError(404, 10063, "Unknown application command"),
  missingAccess: () => new ApiError(403, 50001, "Missing Access"),
  missingPermissions: () => new ApiError(403, 50013, "Missing Permissions"),
  notAuthor: () => new ApiError(403, 50005, "Cannot edit a message authored by another user"),
  emptyMessage: () => new ApiError(400, 50006, "Cannot send an empty message"),
  alreadyAcknowledged: () => new ApiError(400, 40060, "Interaction has already been acknowledged."),
  invalidWebhookToken: () => new ApiError(401, 50027, "Invalid Webhook Token"),
  threadExists: () => new ApiError(400, 160004, "A thread has already been created for this message"),
  tooLarge: () => new ApiError(413, 40005, "Request entity too large"),
  unauthorized: () => new ApiError(401, 0, "401: Unauthorized"),
  notFound: () => new ApiError(404, 0, "404: Not Found"),
  methodNotAllowed: () => new ApiError(405, 0, "405: Method Not Allowed"),
};

type ErrorItem = { code: string; message: string };
type ErrorTree = { [key: string]: ErrorTree | ErrorItem[] };

/** Collects field errors into Discord's nested `errors` object. */
export class FormErrors {
  readonly tree: ErrorTree = {};
  count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.tree;
    for (const key of path.map(String)) {
      const next = node[key];
      if (next === undefined || Array.isArray(next)) {
        const child: ErrorTree = {};
        node[key] = child;
        node = child;
      } else {
        node = next;
      }
    }
    const list = node["_errors"];
    if (Array.isArray(list)) list.push({ code, message });
    else node["_errors"] = [{ code, message }];
    this.count += 1;
  }

  maxLength(path: Array<string | number>, value: unknown, max: number): void {
    if (typeof value === "string" && length(value) > max) this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
    if (Array.isArray(value) && value.length > max) this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }

  /** Throws 400 50035 if anything was added. */
  throwIfAny(): void {
    if (this.count > 0) throw new ApiError(400, 50035, "Invalid Form Body", this.tree);
  }
}

/** Length in Unicode code points. */
export function length(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

// ----------------------------------------------------------------------------------------------
// Message bodies
// ----------------------------------------------------------------------------------------------

export interface MessageCheckOptions {
  /** Where the message sits in the body: [] for a channel message, ["data"] for a callback. */
  prefix?: string[];
  /** Files attached to the request (multipart). */
  fileCount?: number;
  /**
   * The message the body edits, if any: emptiness is judged on the result, and only the fields
   * present in the body are checked.
   */
  existing?: MessageObject;
}

/** Throws ApiError (50035 or 50006) when Discord would refuse this message body. */
export function checkMessageBody(body: MessageBody, options: MessageCheckOptions = {}): void {
  const prefix = options.prefix ?? [];
  const errors = new FormErrors();
  const at = (...path: Array<string | number>): Array<string | number> => [...prefix, ...path];

  if (body.content !== undefined && body.content !== null && typeof body.content !== "string") {
    errors.add(at("content"), "BASE_TYPE_STRING", "Must be a string.");
  }
  errors.maxLength(at("content"), body.content, 2000);

  const embeds = body.embeds ?? [];
  errors.maxLength(at("embeds"), embeds, 10);
  let embedTotal = 0;
  embeds.forEach((embed, i) => {
    errors.maxLength(at("embeds", i, "title"), embed.title, 256);
    errors.maxLength(at("embeds", i, "description"), embed.description, 4096);
    errors.maxLength(at("embeds", i, "footer", "text"), embed.footer?.text, 2048);
    errors.maxLength(at("embeds", i, "author", "name"), embed.author?.name, 256);
    errors.maxLength(at("embeds", i, "fields"), embed.fields, 25);
    embed.fields?.forEach((field, j) => {
      if (!field.name) errors.add(at("embeds", i, "fields", j, "name"), "BASE_TYPE_REQUIRED", "This field is required");
      if (!field.value) errors.add(at("embeds", i, "fields", j, "value"), "BASE_TYPE_REQUIRED", "This field is required");
      errors.maxLength(at("embeds", i, "fields", j, "name"), field.name, 256);
      errors.maxLength(at("embeds", i, "fields", j, "value"), field.value, 1024);
      embedTotal += length(field.name ?? "") + length(field.value ?? "");
    });
    embedTotal +=
      length(embed.title ?? "") + length(embed.description ?? "") + length(embed.footer?.text ?? "") + length(embed.author?.name ?? "");
  });
  if (embedTotal > 6000) errors.add(at("embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");

  const componentsV2 = ((body.flags ?? 0) & (1 << 15)) !== 0;
  if (!componentsV2) checkComponents(body.components ?? [], errors, at("components"));
  checkAllowedMentions(body.allowed_mentions ?? undefined, errors, at("allowed_mentions"));
  errors.throwIfAny();

  const result = { ...(options.existing ?? {}), ...stripUndefined(body) } as Record<string, unknown>;
  const hasContent = typeof result["content"] === "string" && result["content"].trim().length > 0;
  const hasEmbeds = Array.isArray(result["embeds"]) && result["embeds"].length > 0;
  const hasComponents = Array.isArray(result["components"]) && result["components"].length > 0;
  const hasAttachments = (options.fileCount ?? 0) > 0 || (Array.isArray(result["attachments"]) && result["attachments"].length > 0);
  const hasOther = (Array.isArray(result["sticker_ids"]) && result["sticker_ids"].length > 0) || result["poll"] !== undefined;
  if (!hasContent && !hasEmbeds && !hasComponents && !hasAttachments && !hasOther) throw Errors.emptyMessage();
}

function checkComponents(rows: unknown[], errors: FormErrors, path: Array<string | number>): void {
  errors.maxLength(path, rows, 5);
  const customIds = new Set<string>();
  rows.forEach((row, i) => {
    const children = (row as { components?: unknown[] }).components ?? [];
    errors.maxLength([...path, i, "components"], children, 5);
    children.forEach((child, j) => {
      const c = child as { custom_id?: string; label?: string; style?: number; url?: string; type?: number };
      const at = [...path, i, "components", j];
      errors.maxLength([...at, "custom_id"], c.custom_id, 100);
      errors.maxLength([...at, "label"], c.label, 80);
      if (c.type === 2 && c.style !== 5 && c.style !== 6 && !c.custom_id) {
        errors.add([...at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
      }
      if (c.custom_id !== undefined) {
        if (customIds.has(c.custom_id))
          errors.add([...at, "custom_id"], "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
        customIds.add(c.custom_id);
      }
    });
  });
}

function checkAllowedMentions(allowed: AllowedMentionsBody | undefined, errors: FormErrors, path: Array<string | number>): void {
  if (!allowed) return;
  const parse = allowed.parse ?? [];
  for (const [i, value] of parse.entries()) {
    if (!["users", "roles", "everyone"].includes(value))
      errors.add([...path, "parse", i], "ENUM_TYPE_COERCE", `Value "${value}" is not a valid enum value.`);
  }
  for (const kind of ["users", "roles"] as const) {
    if (parse.includes(kind) && (allowed[kind]?.length ?? 0) > 0) {
      errors.add(path, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
    errors.maxLength([...path, kind], allowed[kind], 100);
  }
}

function stripUndefined(body: MessageBody): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

// ----------------------------------------------------------------------------------------------
// Mentions
// ----------------------------------------------------------------------------------------------

/**
 * What a message body would ping if it were posted as a new message, following Discord's rules:
 * without `allowed_mentions` everything in the content pings (and a reply pings the replied
 * author); with it, only what `parse`/`users`/`roles` allow, and the replied author only with
 * `replied_user: true`. Mentions inside embeds never ping. Permission to mention @everyone and
 * role mentionability are ignored (assumed granted): the cautious reading for a test.
 */
export function analyseMentions(
  content: string,
  allowed: AllowedMentionsBody | null | undefined,
  repliedAuthorId: Snowflake | undefined,
): { everyone: boolean; users: Snowflake[]; roles: Snowflake[]; repliedUser: Snowflake | undefined } {
  const parse = allowed ? (allowed.parse ?? []) : ["users", "roles", "everyone"];
  const allowUsers = new Set(allowed?.users ?? []);
  const allowRoles = new Set(allowed?.roles ?? []);
  const repliedUserAllowed = allowed ? allowed.replied_user === true : true;

  const users = new Set<Snowflake>();
  for (const m of content.matchAll(/<@!?(\d{15,21})>/g)) {
    if (m[1] && (parse.includes("users") || allowUsers.has(m[1]))) users.add(m[1]);
  }
  const roles = new Set<Snowflake>();
  for (const m of content.matchAll(/<@&(\d{15,21})>/g)) {
    if (m[1] && (parse.includes("roles") || allowRoles.has(m[1]))) roles.add(m[1]);
  }
  const everyone = /@(everyone|here)\b/.test(content) && parse.includes("everyone");
  return {
    everyone,
    users: [...users],
    roles: [...roles],
    repliedUser: repliedAuthorId !== undefined && repliedUserAllowed ? repliedAuthorId : undefined,
  };
}

// ----------------------------------------------------------------------------------------------
// Application commands
// ----------------------------------------------------------------------------------------------

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface CommandOptionInput {
  type?: number;
  name?: string;
  description?: string;
  required?: boolean;
  choices?: unknown[];
  options?: CommandOptionInput[];
  autocomplete?: boolean;
}

/** Throws 50035 for command definitions Discord would refuse (bulk overwrite or single create). */
export function checkCommands(commands: unknown[], path: Array<string | number> = []): void {
  const errors = new FormErrors();
  errors.maxLength(path, commands, 100);
  const seen = new Set<string>();
  commands.forEach((raw, i) => {
    const command = (raw ?? {}) as CommandOptionInput;
    const type = command.type ?? 1;
    const at = [...path, i];
    checkName(command.name, type === 1, errors, [...at, "name"]);
    const key = `${type}:${command.name ?? ""}`;
    if (seen.has(key)) errors.add([...at, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique`);
    seen.add(key);
    if (type === 1) checkDescription(command.description, errors, [...at, "description"]);
    checkOptions(command.options ?? [], errors, [...at, "options"]);
  });
  errors.throwIfAny();
}

function checkName(name: string | undefined, lowercase: boolean, errors: FormErrors, path: Array<string | number>): void {
  if (typeof name !== "string" || name.length === 0) {
    errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
  } else if (lowercase && (!NAME.test(name) || name !== name.toLowerCase())) {
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid`);
  } else if (length(name) > 32) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
  }
}

function checkDescription(description: string | undefined, errors: FormErrors, path: Array<string | number>): void {
  if (typeof description !== "string" || length(description) < 1 || length(description) > 100) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
}

function checkOptions(options: CommandOptionInput[], errors: FormErrors, path: Array<string | number>): void {
  errors.maxLength(path, options, 25);
  let optionalSeen = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const at = [...path, i];
    checkName(option.name, true, errors, [...at, "name"]);
    checkDescription(option.description, errors, [...at, "description"]);
    if (option.name !== undefined) {
      if (names.has(option.name))
        errors.add([...at, "name"], "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique");
      names.add(option.name);
    }
    errors.maxLength([...at, "choices"], option.choices, 25);
    if (option.autocomplete && (option.choices?.length ?? 0) > 0) {
      errors.add([...at, "autocomplete"], "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE", "Autocomplete cannot be set with choices");
    }
    const isSub = option.type === 1 || option.type === 2;
    if (isSub) {
      checkOptions(option.options ?? [], errors, [...at, "options"]);
    } else if (option.required) {
      if (optionalSeen)
        errors.add(path, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
    } else {
      optionalSeen = true;
    }
  });
}
