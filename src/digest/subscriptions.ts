import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserFacingError } from "../errors.js";
import { createExclusive, fileNames, isErrno, replaceAtomically } from "../exclusiveFiles.js";
import type { StoreOptions } from "../store/paperStore.js";
import { subscriptionRows, SUBSCRIPTIONS_TABLE, type SubscriptionRow } from "../store/subscriptionsTable.js";
import { channelFolder, isChannelFolderName, SUBSCRIPTION_FILE, SUBSCRIPTIONS_IMPORTED } from "./stateFolder.js";

/**
 * Which channels get a daily digest, when, and of what: one file per channel,
 * `<DIGEST_STATE_DIR>/<channelId>/subscription.json`, beside the channel's claims and
 * records (stateFolder.ts), so that the digest's whole state is in one folder and
 * written one way. A subscribe replaces the file in one step (write a temporary file,
 * rename it: exclusiveFiles.ts), so a reader in any process sees the old subscription
 * or the new, and of two processes writing at once the last wins, whole. Unsubscribing
 * replaces it with a note of when (not a deletion), so that the one-time import below,
 * racing in another process, cannot bring the subscription back.
 *
 * Until this folder, subscriptions lived in the library (LanceDB table
 * `digest_subscriptions`); the first open with the library given copies that table's
 * newest row per channel here, once (a marker file says it is done), without replacing
 * a file already here.
 */

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

/** A channel's subscription file: its subscription, or when it ended. */
const subscribedFile = z.object({
  channelId: z.string(),
  guildId: z.string(),
  time: z.string(),
  timeZone: z.string(),
  topics: z.array(z.string()),
  max: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const unsubscribedFile = z.object({ channelId: z.string(), unsubscribedAt: z.string() });

export interface SubscriptionStoreOptions {
  /** The digest's state folder (DIGEST_STATE_DIR). */
  dir: string;
  /** The library whose old subscriptions table is imported on the first open; none: nothing to import. */
  library?: StoreOptions;
  now?: () => Date;
  /**
   * Told of a subscription file that cannot be read (edited by hand), which is then left out; the bot
   * logs it and serves the other channels. Without it, reading one throws an error naming the file.
   */
  onUnreadable?: (path: string, reason: string) => void;
}

export class SubscriptionStore {
  private constructor(
    private readonly dir: string,
    private readonly now: () => Date,
    private readonly onUnreadable: ((path: string, reason: string) => void) | undefined,
  ) {}

  /** Opens the subscriptions in `dir`, first importing the library's old table if that was never done. */
  static async open(options: SubscriptionStoreOptions): Promise<SubscriptionStore> {
    const store = new SubscriptionStore(options.dir, options.now ?? (() => new Date()), options.onUnreadable);
    await mkdir(options.dir, { recursive: true });
    if (options.library) await store.importOnce(options.library);
    return store;
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
    await this.write(channelId, subscription);
    return subscription;
  }

  /** Ends the channel's subscription; false if it had none. */
  async unsubscribe(channelId: string): Promise<boolean> {
    if (!(await this.get(channelId))) return false;
    await this.write(channelId, { channelId, unsubscribedAt: this.now().toISOString() });
    return true;
  }

  async get(channelId: string): Promise<Subscription | undefined> {
    return this.read(channelFolder(this.dir, channelId));
  }

  /** Every subscribed channel's subscription, by channel id. */
  async list(): Promise<Subscription[]> {
    const channels = (await fileNames(this.dir)).filter(isChannelFolderName).sort();
    const subscriptions = await Promise.all(channels.map((channelId) => this.read(join(this.dir, channelId))));
    return subscriptions.filter((s) => s !== undefined);
  }

  private async write(channelId: string, content: Subscription | z.infer<typeof unsubscribedFile>): Promise<void> {
    const folder = channelFolder(this.dir, channelId);
    await mkdir(folder, { recursive: true });
    await replaceAtomically(folder, join(folder, SUBSCRIPTION_FILE), fileText(content));
  }

  private async read(folder: string): Promise<Subscription | undefined> {
    const path = join(folder, SUBSCRIPTION_FILE);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      // ENOTDIR: a file named like a channel, not a channel's folder.
      if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return undefined;
      throw error;
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (error) {
      return this.unreadable(path, `not JSON (${(error as Error).message})`);
    }
    // Which of the two a file is, is told by `unsubscribedAt`: then an error names the fields that file lacks.
    const ended = typeof content === "object" && content !== null && "unsubscribedAt" in content;
    const parsed = (ended ? unsubscribedFile : subscribedFile).safeParse(content);
    if (!parsed.success) return this.unreadable(path, z.prettifyError(parsed.error).replace(/\n/g, "; "));
    if ("unsubscribedAt" in parsed.data) return undefined;
    return { ...parsed.data, max: parsed.data.max };
  }

  private unreadable(path: string, reason: string): undefined {
    if (!this.onUnreadable) throw new UserFacingError(`The digest subscription ${path} cannot be read: ${reason}. Fix or delete the file.`);
    this.onUnreadable(path, reason);
    return undefined;
  }

  /**
   * Copies the library's old subscriptions table into the folder, once. Each channel's file is
   * created only where none exists: a file already here is newer (a subscribe or unsubscribe since,
   * or another process's import of the same rows). The marker is written last, so an import cut
   * short is done again in full on the next open.
   */
  private async importOnce(library: StoreOptions): Promise<void> {
    const marker = join(this.dir, SUBSCRIPTIONS_IMPORTED);
    if (await exists(marker)) return;
    const newest = new Map<string, SubscriptionRow>();
    for (const row of await subscriptionRows(library)) {
      const seen = newest.get(row.channelId);
      if (!seen || seen.updatedAt < row.updatedAt) newest.set(row.channelId, row);
    }
    const imported: string[] = [];
    for (const row of newest.values()) {
      if (!isChannelFolderName(row.channelId)) {
        this.unreadable(
          `${library.uri} (table ${SUBSCRIPTIONS_TABLE})`,
          `channel id ${JSON.stringify(row.channelId)} cannot be a folder name`,
        );
        continue;
      }
      const folder = channelFolder(this.dir, row.channelId);
      await mkdir(folder, { recursive: true });
      const subscription: Subscription = { ...row, max: row.max ?? undefined };
      if (await createExclusive(folder, join(folder, SUBSCRIPTION_FILE), fileText(subscription))) imported.push(row.channelId);
    }
    const note = { from: `${library.uri} (table ${SUBSCRIPTIONS_TABLE})`, at: this.now().toISOString(), channels: imported };
    await createExclusive(this.dir, marker, fileText(note));
  }
}

function fileText(content: object): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return false;
    throw error;
  }
}
