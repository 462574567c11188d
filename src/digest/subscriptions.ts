import { Field, Int32, List, Schema, Utf8 } from "apache-arrow";
import { UserFacingError } from "../errors.js";
import { rowsToArrow } from "../store/arrowRows.js";
import type { StoreOptions } from "../store/paperStore.js";
import { SharedTable } from "../store/sharedTable.js";

/**
 * Which channels get a daily digest, when, and of what. Stored as a LanceDB table
 * in the same database as the papers (same URI), so a subscription lives and is
 * backed up with the library and every bot process sees the others' changes.
 *
 * LanceDB's mergeInsert is not atomic between two writers (two processes upserting
 * the same key at once can both insert), so reads keep the newest row per channel
 * and unsubscribe deletes every row of the channel. Nothing here needs more: the
 * once-per-day guarantee lives in the ledger (digestLedger.ts), not in this table.
 */

export const SUBSCRIPTIONS = "digest_subscriptions";

export interface SubscriptionOptions {
  /** Local time of day, "HH:MM" (24-hour). */
  time: string;
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Only papers about these topics (empty: all); buildDigest takes them as `topics.join(", ")`. */
  topics?: readonly string[];
  /** Papers per digest (1–25); undefined: the configured default. */
  max?: number;
}

export interface Subscription {
  channelId: string;
  guildId: string;
  time: string;
  timeZone: string;
  topics: string[];
  max: number | undefined;
  /** ISO instant of the first subscribe; digests due before it are never owed. */
  createdAt: string;
  updatedAt: string;
}

const subscriptionsSchema = new Schema([
  new Field("channelId", new Utf8(), false),
  new Field("guildId", new Utf8(), false),
  new Field("time", new Utf8(), false),
  new Field("timeZone", new Utf8(), false),
  new Field("topics", new List(new Field("item", new Utf8(), true)), false),
  new Field("max", new Int32(), true),
  new Field("createdAt", new Utf8(), false),
  new Field("updatedAt", new Utf8(), false),
]);

export const MAX_TOPICS = 10;
export const MAX_PAPERS_PER_DIGEST = 25;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The canonical IANA name ("europe/berlin" → "Europe/Berlin"), or undefined if it is not a time zone. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Checks and normalises what a user typed; throws a UserFacingError saying what is wrong. */
export function validateSubscription(
  options: SubscriptionOptions,
): Required<Pick<SubscriptionOptions, "time" | "timeZone">> & { topics: string[]; max: number | undefined } {
  const time = options.time.trim().replace(/^(\d):/, "0$1:");
  if (!TIME.test(time)) throw new UserFacingError(`"${options.time}" is not a time: use HH:MM, 24-hour (e.g. 09:00).`);
  const timeZone = canonicalTimeZone(options.timeZone);
  if (!timeZone)
    throw new UserFacingError(`"${options.timeZone}" is not a time zone: use an IANA name such as Europe/Berlin or America/New_York.`);
  const topics = [...new Set((options.topics ?? []).map((t) => t.trim().replace(/\s+/g, " ")).filter(Boolean))];
  if (topics.length > MAX_TOPICS) throw new UserFacingError(`At most ${MAX_TOPICS} topics, please.`);
  if (topics.some((t) => t.length > 200)) throw new UserFacingError("A topic can be at most 200 characters long.");
  const max = options.max;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_PAPERS_PER_DIGEST)) {
    throw new UserFacingError(`The number of papers must be a whole number from 1 to ${MAX_PAPERS_PER_DIGEST}.`);
  }
  return { time, timeZone, topics, max };
}

/** Splits "a, b; c" (as typed in a slash-command option) into topics. */
export function parseTopics(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

type ListCell = string[] | { toArray(): ArrayLike<string> };

export class SubscriptionStore {
  private constructor(
    private readonly shared: SharedTable,
    private readonly now: () => Date,
  ) {}

  /** Opens the subscriptions of the library at `uri`; the table is created by the first subscribe. */
  static async open(options: StoreOptions & { now?: () => Date }): Promise<SubscriptionStore> {
    return new SubscriptionStore(await SharedTable.open(options, SUBSCRIPTIONS, subscriptionsSchema), options.now ?? (() => new Date()));
  }

  /**
   * Subscribes the channel, or updates its subscription (keeping when it was first made). The ids are
   * the chat platform's, checked by its adapter (src/discord/discordIds.ts); here they are opaque keys.
   */
  async subscribe(channelId: string, guildId: string, options: SubscriptionOptions): Promise<Subscription> {
    const valid = validateSubscription(options);
    const existing = await this.get(channelId);
    const at = this.now().toISOString();
    const subscription: Subscription = { channelId, guildId, ...valid, createdAt: existing?.createdAt ?? at, updatedAt: at };
    await this.shared.upsert("channelId", rowsToArrow([{ ...subscription, max: subscription.max ?? null }], subscriptionsSchema));
    return subscription;
  }

  /** Ends the channel's subscription; false if it had none. */
  async unsubscribe(channelId: string): Promise<boolean> {
    return (await this.shared.deleteRowsWith("channelId", channelId)) > 0;
  }

  async get(channelId: string): Promise<Subscription | undefined> {
    return newestPerChannel((await this.shared.rowsWith("channelId", channelId)) as StoredRow[])[0];
  }

  async list(): Promise<Subscription[]> {
    return newestPerChannel((await this.shared.rows()) as StoredRow[]);
  }

  close(): void {
    this.shared.close();
  }
}

type StoredRow = Omit<Subscription, "topics" | "max"> & { topics: ListCell; max: number | null };

function newestPerChannel(rows: StoredRow[]): Subscription[] {
  const byChannel = new Map<string, Subscription>();
  for (const row of rows) {
    const sub: Subscription = {
      channelId: row.channelId,
      guildId: row.guildId,
      time: row.time,
      timeZone: row.timeZone,
      topics: Array.isArray(row.topics) ? [...row.topics] : Array.from(row.topics.toArray()),
      max: row.max ?? undefined,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
    const seen = byChannel.get(sub.channelId);
    if (!seen || seen.updatedAt < sub.updatedAt) byChannel.set(sub.channelId, sub);
  }
  return [...byChannel.values()].sort((a, b) => a.channelId.localeCompare(b.channelId));
}
