/**
 * The gateway half of the Discord stand-in: a WebSocket server speaking gateway v10 in JSON text
 * frames (no compression), on the HTTP server's port.
 *
 * Handshake: HELLO → IDENTIFY (token, intents checked) → READY → GUILD_CREATE; heartbeats (op 1)
 * are answered with op 11. Every dispatch carries the session's next sequence number and is kept
 * until a heartbeat acknowledges it, so a RESUME (op 6) replays what the client missed and ends
 * with RESUMED. Close codes as Discord's: 4002 decode error, 4001 unknown opcode, 4003 not
 * authenticated, 4004 authentication failed, 4005 already authenticated, 4007 invalid seq, 4013
 * invalid intents, 4014 disallowed (privileged) intents. A session ends when the client closes
 * with 1000/1001 (client.destroy()); any other close leaves it resumable.
 *
 * Intents filter dispatches per session as on Discord: guild messages need GuildMessages, DMs
 * DirectMessages, reactions Guild/DirectMessageReactions; without MessageContent a message's
 * content, embeds, attachments and components arrive empty unless it is a DM, mentions the bot or
 * is the bot's own.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { GatewayIntentBits } from "discord.js";
import { WebSocketServer, type WebSocket } from "ws";
import type { DiscordWorld } from "./model.js";

export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const ALL_INTENTS = (1 << 26) - 1;

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  privilegedIntents: boolean;
  /** How long a dispatch waits for a disconnected session to resume before giving up. */
  resumeWaitMs: number;
}

/** A session as tests may inspect it. */
export interface SessionInfo {
  readonly id: string;
  readonly intents: number;
  /** [shard id, shard count] from IDENTIFY; [0, 1] when the client does not shard. */
  readonly shard: readonly [number, number];
  readonly sequence: number;
  readonly state: "connected" | "detached" | "ended";
}

interface Frame {
  s: number;
  text: string;
}

class Session implements SessionInfo {
  readonly id = randomBytes(16).toString("hex");
  sequence = 0;
  log: Frame[] = [];
  connection: Connection | undefined;
  ended = false;
  /** Dispatches waiting to be replayed after a resume. */
  pending: Array<{ s: number; resolve: (at: number) => void }> = [];

  constructor(
    readonly intents: number,
    readonly shard: readonly [number, number],
  ) {}

  /** Discord's rule: a guild's events go to shard (guild_id >> 22) % count; DMs go to shard 0. */
  owns(guildId: string | undefined): boolean {
    const [id, count] = this.shard;
    return guildId === undefined ? id === 0 : Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  }

  get state(): SessionInfo["state"] {
    return this.ended ? "ended" : this.connection ? "connected" : "detached";
  }
}

interface Connection {
  ws: WebSocket;
  path: string;
  session: Session | undefined;
  /** Set while we are closing it on purpose, with the code we used. */
  closingWith: number | undefined;
}

export interface DispatchOptions {
  /** Sent only to sessions whose intents include at least one of these bits (0: all sessions). */
  intents?: number;
  /** Builds the payload for one session; return undefined to skip that session. */
  build?: (session: SessionInfo) => unknown;
}

/** When a dispatch went out, and to how many sessions. */
export interface DispatchResult {
  at: number;
  delivered: number;
}

export class Gateway {
  readonly sessions = new Map<string, Session>();
  readonly connections = new Set<Connection>();
  identifyCount = 0;
  resumeCount = 0;
  heartbeatCount = 0;
  /** The paths clients connected to, in order ("/gateway" first, "/resume" when resuming). */
  readonly connectionPaths: string[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  #url = "";

  constructor(
    private readonly world: DiscordWorld,
    private readonly options: GatewayOptions,
  ) {}

  get url(): string {
    return `${this.#url}/gateway`;
  }

  get resumeUrl(): string {
    return `${this.#url}/resume`;
  }

  attach(server: Server, origin: string): void {
    this.#url = origin;
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? "/", "ws://127.0.0.1");
      if (url.pathname !== "/gateway" && url.pathname !== "/resume") {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, url));
    });
  }

  #onConnection(ws: WebSocket, url: URL): void {
    const connection: Connection = { ws, path: url.pathname, session: undefined, closingWith: undefined };
    this.connections.add(connection);
    this.connectionPaths.push(url.pathname);
    ws.on("message", (data, isBinary) => this.#onFrame(connection, isBinary ? undefined : data.toString()));
    ws.on("close", (code) => this.#onClose(connection, code));
    ws.on("error", () => undefined);
    if (url.searchParams.get("v") !== "10") {
      this.#close(connection, 4012, "Invalid API version");
      return;
    }
    if ((url.searchParams.get("encoding") ?? "json") !== "json" || url.searchParams.has("compress")) {
      this.#close(connection, 4002, "Only encoding=json without compression is supported here");
      return;
    }
    this.#send(connection, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ["stand-in"] }, s: null, t: null });
    this.world.notify();
  }

  #onFrame(connection: Connection, text: string | undefined): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text ?? "") as { op?: unknown; d?: unknown };
    } catch {
      this.#close(connection, 4002, "Error while decoding payload.");
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case 1: {
        this.heartbeatCount += 1;
        const session = connection.session;
        if (session && typeof payload.d === "number") session.log = session.log.filter((frame) => frame.s > (payload.d as number));
        this.#send(connection, { op: 11, d: null, s: null, t: null });
        break;
      }
      case 2:
        this.#identify(connection, d);
        break;
      case 6:
        this.#resume(connection, d);
        break;
      case 3:
      case 4:
        if (!connection.session) this.#close(connection, 4003, "Not authenticated.");
        break;
      case 8:
        if (!connection.session) this.#close(connection, 4003, "Not authenticated.");
        else this.#membersChunk(connection.session, d);
        break;
      default:
        this.#close(connection, connection.session ? 4001 : 4003, connection.session ? "Unknown opcode." : "Not authenticated.");
    }
    this.world.notify();
  }

  #identify(connection: Connection, d: Record<string, unknown>): void {
    if (connection.session) return this.#close(connection, 4005, "Already authenticated.");
    if (d["token"] !== this.options.token) return this.#close(connection, 4004, "Authentication failed.");
    const intents = d["intents"];
    if (typeof intents !== "number" || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      return this.#close(connection, 4013, "Invalid intent(s).");
    }
    if (!this.options.privilegedIntents && (intents & PRIVILEGED_INTENTS) !== 0) {
      return this.#close(connection, 4014, "Disallowed intent(s).");
    }
    const shard = d["shard"] ?? [0, 1];
    if (
      !Array.isArray(shard) ||
      shard.length !== 2 ||
      !shard.every(Number.isInteger) ||
      shard[1] < 1 ||
      shard[0] < 0 ||
      shard[0] >= shard[1]
    ) {
      return this.#close(connection, 4010, "Invalid shard.");
    }
    const session = new Session(intents, [shard[0] as number, shard[1] as number]);
    this.sessions.set(session.id, session);
    session.connection = connection;
    connection.session = session;
    this.identifyCount += 1;

    const { world } = this;
    this.#dispatchTo(session, "READY", {
      v: 10,
      user: { ...world.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: session.owns(world.guildId) ? [{ id: world.guildId, unavailable: true }] : [],
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.resumeUrl,
      shard: session.shard,
      application: { id: world.fixture.applicationId, flags: (1 << 15) | (1 << 19) | (1 << 23) },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      user_settings: {},
      _trace: ["stand-in"],
    });
    if (intents & GatewayIntentBits.Guilds && session.owns(world.guildId))
      this.#dispatchTo(session, "GUILD_CREATE", world.guildCreatePayload());
  }

  #resume(connection: Connection, d: Record<string, unknown>): void {
    if (connection.session) return this.#close(connection, 4005, "Already authenticated.");
    if (d["token"] !== this.options.token) return this.#close(connection, 4004, "Authentication failed.");
    const session = typeof d["session_id"] === "string" ? this.sessions.get(d["session_id"]) : undefined;
    if (!session || session.ended) {
      this.#send(connection, { op: 9, d: false, s: null, t: null });
      return;
    }
    const seq = typeof d["seq"] === "number" ? d["seq"] : 0;
    if (seq > session.sequence) return this.#close(connection, 4007, "Invalid seq.");
    if (session.connection) this.#close(session.connection, 4009, "Session timed out.");
    session.connection = connection;
    connection.session = session;
    this.resumeCount += 1;
    for (const frame of session.log) if (frame.s > seq) this.#write(connection, frame.text);
    const sent = performance.now();
    const waiting = session.pending;
    session.pending = [];
    for (const entry of waiting) entry.resolve(sent);
    this.#dispatchTo(session, "RESUMED", { _trace: ["stand-in"] });
  }

  #membersChunk(session: Session, d: Record<string, unknown>): void {
    const ids = Array.isArray(d["user_ids"])
      ? (d["user_ids"] as string[])
      : typeof d["user_ids"] === "string"
        ? [d["user_ids"]]
        : undefined;
    const query = typeof d["query"] === "string" ? d["query"].toLowerCase() : "";
    const limit = typeof d["limit"] === "number" && d["limit"] > 0 ? d["limit"] : Number.POSITIVE_INFINITY;
    const members = [...this.world.memberRoles.keys()]
      .filter((id) => (ids ? ids.includes(id) : this.world.user(id).username.toLowerCase().startsWith(query)))
      .slice(0, limit)
      .map((id) => this.world.member(id));
    this.#dispatchTo(session, "GUILD_MEMBERS_CHUNK", {
      guild_id: this.world.guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !this.world.isMember(id)) : [],
      ...(d["nonce"] !== undefined ? { nonce: d["nonce"] } : {}),
    });
  }

  #onClose(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    if (session && session.connection === connection) {
      session.connection = undefined;
      const closedByClient = connection.closingWith === undefined;
      if (closedByClient && (code === 1000 || code === 1001)) this.#endSession(session);
    }
    this.world.notify();
  }

  #endSession(session: Session): void {
    session.ended = true;
    session.log = [];
    this.sessions.delete(session.id);
  }

  // --- sending -------------------------------------------------------------------------------

  /**
   * Sends a dispatch to every live session (filtered by intents and by the shard that owns the
   * payload's guild). Resolves when it has been
   * written to every connected session; if the only recipients are disconnected but resumable
   * (e.g. after dropConnection), when the first of them resumes and gets it replayed.
   */
  async dispatch(event: string, data: unknown, options: DispatchOptions = {}): Promise<DispatchResult> {
    const live = [...this.sessions.values()].filter((s) => !s.ended);
    if (live.length === 0) {
      throw new Error(
        `Discord stand-in: cannot dispatch ${event}: no bot session on the gateway. Log the client in and wait for clientReady first; ` +
          `after a close that ends the session (code 1000/1001) wait for the client to identify again, e.g. waitFor(() => identifyCount === 2).`,
      );
    }
    const connected: Array<Promise<number>> = [];
    const detached: Array<Promise<number>> = [];
    for (const session of live) {
      if (options.intents && (session.intents & options.intents) === 0) continue;
      const payload = options.build ? options.build(session) : data;
      if (payload === undefined) continue;
      // Each event goes to the one shard that owns its guild (or, without one, shard 0).
      const guildId = (payload as { guild_id?: unknown }).guild_id;
      if (!session.owns(typeof guildId === "string" ? guildId : undefined)) continue;
      const delivery = this.#dispatchTo(session, event, payload);
      (session.connection ? connected : detached).push(delivery);
    }
    if (connected.length > 0) {
      const times = await Promise.all(connected);
      return { at: Math.max(...times), delivered: connected.length };
    }
    if (detached.length === 0) return { at: performance.now(), delivered: 0 };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Discord stand-in: ${event} was not delivered: no session resumed within ${this.options.resumeWaitMs} ms`)),
        this.options.resumeWaitMs,
      );
    });
    try {
      const at = await Promise.race([Promise.race(detached), timeout]);
      return { at, delivered: 1 };
    } finally {
      clearTimeout(timer);
    }
  }

  #dispatchTo(session: Session, event: string, data: unknown): Promise<number> {
    const s = ++session.sequence;
    const text = JSON.stringify({ op: 0, t: event, s, d: data });
    session.log.push({ s, text });
    const connection = session.connection;
    if (connection) return this.#write(connection, text);
    return new Promise((resolve) => session.pending.push({ s, resolve }));
  }

  #send(connection: Connection, payload: unknown): void {
    void this.#write(connection, JSON.stringify(payload));
  }

  #write(connection: Connection, text: string): Promise<number> {
    return new Promise((resolve) => {
      if (connection.ws.readyState !== connection.ws.OPEN) {
        resolve(performance.now());
        return;
      }
      connection.ws.send(text, () => resolve(performance.now()));
    });
  }

  #close(connection: Connection, code: number, reason: string): void {
    connection.closingWith = code;
    connection.ws.close(code, reason);
  }

  // --- test controls -------------------------------------------------------------------------

  /**
   * Closes every gateway connection with `code` (4000 "unknown error" by default: discord.js
   * resumes after ~500 ms), or cuts them without a close frame when `abrupt` (the client sees
   * 1006 and resumes too). Resolves once the sockets are closed.
   */
  async dropConnection(code = 4000, abrupt = false): Promise<void> {
    const open = [...this.connections];
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.ws.readyState === connection.ws.CLOSED) return resolve();
            connection.ws.once("close", () => resolve());
            connection.closingWith = code;
            if (abrupt) connection.ws.terminate();
            else connection.ws.close(code, "Dropped by the test");
          }),
      ),
    );
    if (code === 1000 || code === 1001) for (const c of open) if (c.session) this.#endSession(c.session);
  }

  /** Sends op 7 RECONNECT; resolves once the client has closed the connection (it then resumes). */
  async requestReconnect(): Promise<void> {
    const open = [...this.connections].filter((connection) => connection.session);
    await Promise.all(
      open.map((connection) => {
        const closed = once(connection.ws, "close").then(() => undefined);
        this.#send(connection, { op: 7, d: null, s: null, t: null });
        return closed;
      }),
    );
  }

  sessionInfos(): SessionInfo[] {
    return [...this.sessions.values()];
  }

  close(): void {
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
    for (const session of this.sessions.values()) for (const entry of session.pending) entry.resolve(performance.now());
    this.sessions.clear();
    this.#wss.close();
  }
}
