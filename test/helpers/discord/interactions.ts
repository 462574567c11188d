/**
 * Interactions in the Discord stand-in: INTERACTION_CREATE payloads for slash commands,
 * autocomplete and buttons, the callback route and the interaction webhook routes, and the
 * handle a test uses to watch the bot's responses.
 *
 * Discord's rules enforced here: one callback per interaction (a second → 400 40060), the first
 * within the acknowledgement deadline (3 s; later → 404 10062 "Unknown interaction"), callback
 * types valid for the interaction (8 only for autocomplete, 6/7 only for components), ≤ 25
 * autocomplete choices; the token serves webhooks for 15 minutes (then 401 50027). After a
 * deferred reply (type 5) the FIRST follow-up fills in the "thinking…" message instead of posting
 * a new one (and keeps the defer's ephemeral flag); neither it nor any edit notifies anyone.
 */
import { randomBytes } from "node:crypto";
import { MessageType } from "discord.js";
import type { Gateway } from "./gateway.js";
import { checkFileSizes, noContent, ok, type Route, type RouteContext } from "./http.js";
import type { DiscordWorld } from "./model.js";
import { EPHEMERAL, LOADING, type Messaging } from "./messages.js";
import type { ChannelObject, InteractionCallbackBody, MessageBody, MessageObject, Snowflake } from "./types.js";
import { ApiError, Errors, FormErrors, length } from "./validation.js";

export type InteractionKind = "command" | "autocomplete" | "button";
export type OptionValue = string | number | boolean;

/** An option exactly as Discord sends it (for when the name → value shorthand is not enough). */
export interface RawCommandOption {
  name: string;
  type: number;
  value?: OptionValue;
  focused?: boolean;
  options?: RawCommandOption[];
}

export interface InteractOptions {
  kind: InteractionKind;
  /** Command name (command, autocomplete). */
  name?: string;
  subcommand?: string;
  subcommandGroup?: string;
  /**
   * name → value (types come from the registered command if there is one, else: string 3,
   * integer 4, other number 10, boolean 5), or raw options.
   */
  options?: Record<string, OptionValue> | RawCommandOption[];
  /** Autocomplete: the option being typed (default: the last one); it is sent as a string. */
  focused?: string;
  /** Button: its custom_id. */
  customId?: string;
  /** Button: the message it sits on (id or object). Default: the bot's latest message in the channel with that custom_id. */
  message?: Snowflake | MessageObject;
  /** Default: alice. */
  userId?: Snowflake;
  /** Default: general. Ignored for DMs and for buttons on a given message. */
  channelId?: Snowflake;
  /** The member's permissions as sent in `member.permissions`; default: computed from their roles. */
  memberPermissions?: bigint | string;
  /** false: the interaction comes from the user's DM with the bot. Default true. */
  guild?: boolean;
  locale?: string;
}

/** The autocomplete choices the bot answered with (callback type 8). */
export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

export interface InteractionHandle {
  readonly id: Snowflake;
  readonly token: string;
  readonly kind: InteractionKind;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: Record<string, unknown>;
  /** performance.now() when INTERACTION_CREATE was written to the gateway. */
  readonly dispatchedAt: number;
  /** Accepted callback bodies in order (4 reply, 5 defer, 6 deferUpdate, 7 update, 8 autocomplete, 9 modal). */
  readonly callbacks: InteractionCallbackBody[];
  /** Callbacks refused (already acknowledged, too late, wrong type, invalid body). */
  readonly rejectedCallbacks: Array<{ body: unknown; status: number; code: number; message: string; at: number }>;
  /** PATCH …/messages/@original bodies. */
  readonly edits: MessageBody[];
  /** POST /webhooks/{app}/{token} bodies. */
  readonly followUps: MessageBody[];
  /** The original response message now (after edits); for buttons after 6/7, the button's message. */
  readonly original: MessageObject | undefined;
  /** Messages created by follow-ups (the one that filled in a deferred reply is `original`). */
  readonly followUpMessages: MessageObject[];
  /** Autocomplete answer, once given. */
  readonly choices: AutocompleteChoice[] | undefined;
  /** performance.now() of the accepted callback. */
  readonly acknowledgedAt: number | undefined;
  /** Time from dispatch to the accepted callback, in ms. */
  readonly ackLatencyMs: number | undefined;
  /** True once the user would see a final answer (see waitForFinal). */
  readonly isFinal: boolean;
  /** Resolves with the first accepted callback. */
  waitForCallback(timeoutMs?: number): Promise<InteractionCallbackBody>;
  /**
   * Resolves when `predicate(handle)` holds; by default when the answer is final: a reply (4),
   * update (7), autocomplete result (8) or modal (9); after a defer (5) once the "thinking…"
   * message has been filled in; after a deferUpdate (6) once @original was edited or a
   * follow-up sent.
   */
  waitForFinal(predicate?: (handle: InteractionHandle) => boolean, timeoutMs?: number): Promise<InteractionHandle>;
}

class Interaction implements InteractionHandle {
  readonly token = randomBytes(36).toString("base64url");
  readonly callbacks: InteractionCallbackBody[] = [];
  readonly rejectedCallbacks: InteractionHandle["rejectedCallbacks"] = [];
  readonly edits: MessageBody[] = [];
  readonly followUps: MessageBody[] = [];
  readonly followUpIds: Snowflake[] = [];
  payload: Record<string, unknown> = {};
  dispatchedAt = performance.now();
  acknowledgedAt: number | undefined;
  originalId: Snowflake | undefined;
  choices: AutocompleteChoice[] | undefined;

  constructor(
    private readonly world: DiscordWorld,
    readonly id: Snowflake,
    readonly kind: InteractionKind,
    readonly channel: ChannelObject,
    readonly userId: Snowflake,
    /** Buttons: the message the button is on. */
    readonly componentMessage: MessageObject | undefined,
  ) {}

  get original(): MessageObject | undefined {
    return this.originalId ? this.world.messages.get(this.originalId) : undefined;
  }

  get followUpMessages(): MessageObject[] {
    return this.followUpIds.flatMap((id) => this.world.messages.get(id) ?? []);
  }

  get ackLatencyMs(): number | undefined {
    return this.acknowledgedAt === undefined ? undefined : this.acknowledgedAt - this.dispatchedAt;
  }

  get isFinal(): boolean {
    const types = this.callbacks.map((c) => c.type);
    if (types.some((t) => t === 4 || t === 7 || t === 8 || t === 9)) return true;
    if (types.includes(5)) return this.original !== undefined && ((this.original.flags ?? 0) & LOADING) === 0;
    if (types.includes(6)) return this.edits.length > 0 || this.followUps.length > 0;
    return false;
  }

  waitForCallback(timeoutMs = 5000): Promise<InteractionCallbackBody> {
    return this.world.waitFor(() => this.callbacks[0], timeoutMs, `a callback to interaction ${this.id} (${this.kind})`);
  }

  waitForFinal(predicate?: (handle: InteractionHandle) => boolean, timeoutMs = 5000): Promise<InteractionHandle> {
    const done = predicate ?? ((h: InteractionHandle) => h.isFinal);
    return this.world.waitFor(
      () => (done(this) ? this : undefined),
      timeoutMs,
      `the final answer to interaction ${this.id} (${this.kind})`,
    );
  }
}

export interface InteractionDeps {
  world: DiscordWorld;
  gateway: Gateway;
  messaging: Messaging;
  ackDeadlineMs: number;
  tokenLifetimeMs: number;
}

export class Interactions {
  readonly all: Interaction[] = [];
  readonly #byToken = new Map<string, Interaction>();

  constructor(private readonly deps: InteractionDeps) {}

  async interact(options: InteractOptions): Promise<InteractionHandle> {
    const { world } = this.deps;
    const userId = options.userId ?? world.fixture.users.alice;
    world.user(userId);
    const inGuild = options.guild !== false;
    let componentMessage: MessageObject | undefined;
    let channel: ChannelObject | undefined;
    if (options.kind === "button") {
      if (!options.customId) throw new Error("interact({ kind: 'button' }) needs a customId");
      componentMessage = this.#componentMessage(
        options,
        inGuild ? (options.channelId ?? world.fixture.channelIds.general) : world.dmChannel(userId).id,
      );
      channel = world.channel(componentMessage.channel_id);
    } else {
      if (!options.name) throw new Error(`interact({ kind: '${options.kind}' }) needs a command name`);
      channel = inGuild ? world.channel(options.channelId ?? world.fixture.channelIds.general) : world.dmChannel(userId);
    }
    if (!channel) throw new Error(`Discord stand-in: unknown channel ${options.channelId ?? ""}`);

    const interaction = new Interaction(world, world.ids.next(), options.kind, channel, userId, componentMessage);
    interaction.payload = this.#payload(interaction, options, inGuild);
    this.all.push(interaction);
    this.#byToken.set(interaction.token, interaction);
    interaction.dispatchedAt = performance.now();
    const { at } = await this.deps.gateway.dispatch("INTERACTION_CREATE", interaction.payload);
    if (interaction.acknowledgedAt === undefined) interaction.dispatchedAt = at;
    world.dispatchTimes.set(interaction.id, interaction.dispatchedAt);
    world.lastDispatchAt = interaction.dispatchedAt;
    world.notify();
    return interaction;
  }

  #componentMessage(options: InteractOptions, channelId: Snowflake): MessageObject {
    const { world } = this.deps;
    if (typeof options.message === "object") return options.message;
    if (typeof options.message === "string") {
      const message = world.messages.get(options.message);
      if (!message) throw new Error(`Discord stand-in: unknown message ${options.message}`);
      return message;
    }
    const botMessages = world
      .channelMessages(channelId)
      .reverse()
      .filter((m) => m.author.id === world.botUser.id);
    const withButton = botMessages.find((m) => JSON.stringify(m.components ?? []).includes(JSON.stringify(options.customId)));
    const message = withButton ?? botMessages[0];
    if (!message) throw new Error(`Discord stand-in: no bot message in channel ${channelId} to put button ${options.customId ?? ""} on`);
    return message;
  }

  #payload(interaction: Interaction, options: InteractOptions, inGuild: boolean): Record<string, unknown> {
    const { world } = this.deps;
    const { channel, userId } = interaction;
    const memberPermissions = options.memberPermissions !== undefined ? BigInt(options.memberPermissions) : world.permissionsOf(userId);
    const type = options.kind === "button" ? 3 : options.kind === "autocomplete" ? 4 : 2;
    const payload: Record<string, unknown> = {
      id: interaction.id,
      application_id: world.fixture.applicationId,
      type,
      token: interaction.token,
      version: 1,
      locale: options.locale ?? "en-US",
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      app_permissions: world.botPermissions().toString(),
      authorizing_integration_owners: { "0": inGuild ? world.guildId : "0" },
      context: inGuild ? 0 : 1,
      channel_id: channel.id,
      channel: inGuild ? { ...channel, permissions: memberPermissions.toString() } : { ...channel, recipients: [world.user(userId)] },
    };
    if (inGuild) {
      payload["guild_id"] = world.guildId;
      payload["guild"] = { id: world.guildId, locale: "en-US", features: [] };
      payload["guild_locale"] = "en-US";
      payload["member"] = { ...world.member(userId), permissions: memberPermissions.toString(), unusual_dm_activity_until: null };
    } else {
      payload["user"] = world.user(userId);
    }
    if (options.kind === "button") {
      payload["data"] = { custom_id: options.customId, component_type: 2 };
      payload["message"] = interaction.componentMessage;
    } else {
      payload["data"] = this.#commandData(options, inGuild);
    }
    return payload;
  }

  #commandData(options: InteractOptions, inGuild: boolean): Record<string, unknown> {
    const { world } = this.deps;
    const name = options.name ?? "";
    const guildCommand = inGuild ? world.commands.get(world.guildId)?.find((c) => c.name === name && c.type === 1) : undefined;
    const registered = guildCommand ?? world.commands.get("global")?.find((c) => c.name === name && c.type === 1);
    // The option definitions at the level where the options sit (inside subcommand/group).
    type Definition = { name: string; type: number; options?: Definition[] };
    let definitions = (registered?.options ?? []) as Definition[];
    if (options.subcommandGroup) definitions = definitions.find((d) => d.name === options.subcommandGroup)?.options ?? [];
    if (options.subcommand) definitions = definitions.find((d) => d.name === options.subcommand)?.options ?? [];

    const resolved: Record<string, Record<string, unknown>> = {};
    let leaf: RawCommandOption[];
    if (Array.isArray(options.options)) {
      leaf = options.options;
    } else {
      const entries = Object.entries(options.options ?? {});
      const focused = options.kind === "autocomplete" ? (options.focused ?? entries.at(-1)?.[0]) : undefined;
      leaf = entries.map(([optionName, value]) => {
        const optionType = definitions.find((d) => d.name === optionName)?.type ?? inferType(value);
        if (optionName === focused) return { name: optionName, type: optionType, value: String(value), focused: true };
        this.#resolve(resolved, optionType, String(value));
        return { name: optionName, type: optionType, value };
      });
    }
    let nested = leaf;
    if (options.subcommand) nested = [{ name: options.subcommand, type: 1, options: nested }];
    if (options.subcommandGroup) nested = [{ name: options.subcommandGroup, type: 2, options: nested }];
    return {
      id: registered?.id ?? world.ids.next(),
      name,
      type: 1,
      ...(guildCommand ? { guild_id: world.guildId } : {}),
      ...(nested.length > 0 ? { options: nested } : {}),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    };
  }

  /** Adds `resolved` entries for user (6), channel (7), role (8) and mentionable (9) options. */
  #resolve(resolved: Record<string, Record<string, unknown>>, type: number, id: string): void {
    const { world } = this.deps;
    const put = (kind: string, value: unknown): void => {
      resolved[kind] = { ...(resolved[kind] ?? {}), [id]: value };
    };
    if ((type === 6 || type === 9) && world.users.has(id)) {
      put("users", world.user(id));
      if (world.isMember(id)) put("members", { ...world.member(id, false), permissions: world.permissionsOf(id).toString() });
    }
    const channel = world.channel(id);
    if (type === 7 && channel)
      put("channels", { id, name: channel.name, type: channel.type, permissions: world.botPermissions().toString() });
    const role = world.roles.get(id);
    if ((type === 8 || type === 9) && role) put("roles", role);
  }

  // --- routes --------------------------------------------------------------------------------

  routes(): Route[] {
    const none = (method: string, path: string, handle: Route["handle"]): Route => ({ method, path, auth: "none", handle });
    return [
      none("POST", "/interactions/:id/:token/callback", (context) => this.#callback(context)),
      none("POST", "/webhooks/:app/:token", (context) => this.#followUp(context)),
      none("GET", "/webhooks/:app/:token/messages/:message", ({ params }) => ok(this.#webhookMessage(params).message)),
      none("PATCH", "/webhooks/:app/:token/messages/:message", (context) => this.#editWebhookMessage(context)),
      none("DELETE", "/webhooks/:app/:token/messages/:message", ({ params }) => {
        const { message } = this.#webhookMessage(params);
        const history = this.deps.world.history.get(message.channel_id) ?? [];
        if (history.includes(message)) history.splice(history.indexOf(message), 1);
        this.deps.world.messages.delete(message.id);
        this.deps.world.notify();
        return noContent();
      }),
    ];
  }

  #callback({ params, body, files, query, request }: RouteContext) {
    const interaction = this.all.find((i) => i.id === params[0]);
    if (!interaction || interaction.token !== params[1]) throw Errors.unknownInteraction();
    const reject = (error: ApiError): never => {
      interaction.rejectedCallbacks.push({ body, status: error.status, code: error.code, message: error.message, at: request.at });
      throw error;
    };
    if (interaction.acknowledgedAt !== undefined) reject(Errors.alreadyAcknowledged());
    if (request.at - interaction.dispatchedAt > this.deps.ackDeadlineMs) reject(Errors.unknownInteraction());
    const callback = (body ?? {}) as InteractionCallbackBody;
    const allowed = { command: [4, 5, 9], autocomplete: [8], button: [4, 5, 6, 7, 9] }[interaction.kind];
    if (!allowed.includes(callback.type)) {
      reject(
        new ApiError(400, 50035, "Invalid Form Body", {
          type: {
            _errors: [
              {
                code: "INTERACTION_CALLBACK_TYPE_INVALID",
                message: `Callback type ${String(callback.type)} is not valid for this interaction`,
              },
            ],
          },
        }),
      );
    }
    try {
      checkFileSizes(files);
      this.#apply(interaction, callback, files);
    } catch (error) {
      if (error instanceof ApiError) reject(error);
      throw error;
    }
    interaction.acknowledgedAt = request.at;
    interaction.callbacks.push(callback);
    this.deps.world.notify();
    if (query.get("with_response") !== "true") return noContent();
    const original = interaction.original;
    const loading = original !== undefined && ((original.flags ?? 0) & LOADING) !== 0;
    const withMessage = original !== undefined && [4, 5, 7].includes(callback.type);
    return ok({
      interaction: {
        id: interaction.id,
        type: interaction.payload["type"],
        ...(withMessage
          ? {
              response_message_id: original.id,
              response_message_loading: loading,
              response_message_ephemeral: ((original.flags ?? 0) & EPHEMERAL) !== 0,
            }
          : {}),
      },
      resource: { type: callback.type, ...(withMessage ? { message: original } : {}) },
    });
  }

  #apply(interaction: Interaction, callback: InteractionCallbackBody, files: RouteContext["files"]): void {
    const { messaging } = this.deps;
    const data = callback.data ?? {};
    switch (callback.type) {
      case 4: {
        const message = messaging.createBotMessage({
          channel: interaction.channel,
          body: data,
          files,
          via: "interaction",
          prefix: ["data"],
          fields: this.#responseFields(interaction),
        });
        interaction.originalId = message.id;
        break;
      }
      case 5: {
        const flags = LOADING | ((data.flags ?? 0) & EPHEMERAL);
        const message = messaging.createBotMessage({
          channel: interaction.channel,
          body: { content: "" },
          via: "interaction",
          allowEmpty: true,
          notifies: false,
          fields: { ...this.#responseFields(interaction), flags },
        });
        interaction.originalId = message.id;
        break;
      }
      case 6:
        interaction.originalId = this.#storedComponentMessage(interaction).id;
        break;
      case 7: {
        const message = this.#storedComponentMessage(interaction);
        messaging.editBotMessage(message, { body: data, files, via: "interaction", prefix: ["data"] });
        interaction.originalId = message.id;
        break;
      }
      case 8: {
        const choices = data.choices ?? [];
        const errors = new FormErrors();
        errors.maxLength(["data", "choices"], choices, 25);
        choices.forEach((choice, i) => {
          if (length(choice.name ?? "") < 1 || length(choice.name ?? "") > 100)
            errors.add(["data", "choices", i, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
          if (typeof choice.value === "string") errors.maxLength(["data", "choices", i, "value"], choice.value, 100);
        });
        errors.throwIfAny();
        interaction.choices = choices;
        break;
      }
      default:
        break;
    }
  }

  /** The button's message as stored (stored now if the test passed a message object of its own). */
  #storedComponentMessage(interaction: Interaction): MessageObject {
    const message = interaction.componentMessage;
    if (!message) throw Errors.unknownMessage();
    return this.deps.world.messages.get(message.id) ?? this.deps.world.storeMessage(message);
  }

  #responseFields(interaction: Interaction): Partial<MessageObject> {
    const { world } = this.deps;
    const user = world.user(interaction.userId);
    const isCommand = interaction.kind === "command";
    const owners = interaction.payload["authorizing_integration_owners"] as Record<string, string>;
    return {
      type: isCommand ? MessageType.ChatInputCommand : MessageType.Default,
      webhook_id: world.fixture.applicationId,
      application_id: world.fixture.applicationId,
      interaction_metadata: (isCommand
        ? { id: interaction.id, type: 2, user, authorizing_integration_owners: owners }
        : {
            id: interaction.id,
            type: 3,
            user,
            authorizing_integration_owners: owners,
            interacted_message_id: interaction.componentMessage?.id,
          }) as MessageObject["interaction_metadata"],
      ...(isCommand
        ? {
            interaction: {
              id: interaction.id,
              type: 2,
              name: String((interaction.payload["data"] as { name?: string }).name ?? ""),
              user,
            } as MessageObject["interaction"],
          }
        : {}),
    };
  }

  #interactionFor(params: string[]): Interaction {
    const interaction = this.#byToken.get(params[1] ?? "");
    if (params[0] !== this.deps.world.fixture.applicationId || !interaction) throw Errors.unknownWebhook();
    if (performance.now() - interaction.dispatchedAt > this.deps.tokenLifetimeMs) throw Errors.invalidWebhookToken();
    return interaction;
  }

  #webhookMessage(params: string[]): { interaction: Interaction; message: MessageObject } {
    const interaction = this.#interactionFor(params);
    const id = params[2] === "@original" ? interaction.originalId : params[2];
    const belongs = id !== undefined && (id === interaction.originalId || interaction.followUpIds.includes(id));
    const message = belongs ? this.deps.world.messages.get(id) : undefined;
    if (!message) throw Errors.unknownMessage();
    return { interaction, message };
  }

  #editWebhookMessage({ params, body, files }: RouteContext) {
    const { interaction, message } = this.#webhookMessage(params);
    checkFileSizes(files);
    const edit = (body ?? {}) as MessageBody;
    const loading = ((message.flags ?? 0) & LOADING) !== 0;
    const edited = this.deps.messaging.editBotMessage(message, { body: edit, files, via: "webhook", resolvesDefer: loading });
    if (params[2] === "@original" || message.id === interaction.originalId) interaction.edits.push(edit);
    this.deps.world.notify();
    return ok(edited);
  }

  #followUp({ params, body, files, query }: RouteContext) {
    const interaction = this.#interactionFor(params);
    if (interaction.acknowledgedAt === undefined || interaction.kind === "autocomplete") throw Errors.unknownWebhook();
    checkFileSizes(files);
    const followUp = (body ?? {}) as MessageBody;
    const { messaging, world } = this.deps;
    const original = interaction.original;
    let message: MessageObject;
    if (interaction.callbacks.some((c) => c.type === 5) && original && ((original.flags ?? 0) & LOADING) !== 0) {
      // Discord: the first follow-up after a deferred reply fills in the deferred message.
      const { flags: _ignored, ...rest } = followUp;
      message = messaging.editBotMessage(original, { body: rest, files, via: "webhook", resolvesDefer: true });
    } else {
      const threadId = query.get("thread_id");
      const channel = (threadId ? world.channel(threadId) : undefined) ?? interaction.channel;
      message = messaging.createBotMessage({
        channel,
        body: followUp,
        files,
        via: "webhook",
        fields: { ...this.#responseFields(interaction), flags: (followUp.flags ?? 0) & (EPHEMERAL | 4 | 4096 | 32768) },
      });
      interaction.followUpIds.push(message.id);
    }
    interaction.followUps.push(followUp);
    world.notify();
    return query.get("wait") === "true" ? ok(message) : noContent();
  }
}

function inferType(value: OptionValue): number {
  if (typeof value === "boolean") return 5;
  if (typeof value === "number") return Number.isInteger(value) ? 4 : 10;
  return 3;
}
