import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, readdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { createExclusive, isErrno, processAlive, startHeartbeat } from "../exclusiveFiles.js";

/**
 * Which channel got which day's digest, kept so that a channel never gets the same
 * day's digest twice: not after a restart, not after a crash between posting and
 * recording, not with two bot processes (shards) sharing the machine.
 *
 * Per (channel, digest date in the channel's time zone) there is, in `<dir>/<channelId>/`:
 *   - `<date>.claim.<n>`: the intent to post, written *before* posting (owner, host, pid,
 *     time). Whoever creates generation n owns the date. A claim left by a process that
 *     died is "stale" and is taken over by creating generation n+1; the new owner then
 *     reconciles with what the channel shows before posting anything.
 *   - `<date>.json`: the final record, `posted` (paper ids, message ids, thread id, time;
 *     and for the archive the papers' titles and links, the messages' links and the server)
 *     or `skipped` (why). Written once; a date with a record is never claimed again.
 *
 * The atomic step is creating a file that must not exist: each file is written complete
 * under a unique temporary name, then hard-linked to its final name. link(2) fails with
 * EEXIST when the name is taken, atomically, so of any number of processes (or
 * connections in one process) racing for a claim exactly one wins, and nobody ever
 * reads a half-written claim. LanceDB cannot give this: two processes running
 * `mergeInsert(key).whenNotMatchedInsertAll()` with the same keys at the same moment both
 * insert, and both are told they inserted (measured: two processes writing the same 40
 * new keys stored 6 to 25 of them twice per run). So the ledger lives in a local folder
 * (DIGEST_STATE_DIR), shared by every bot process on the machine whatever LANCEDB_URI is.
 *
 * A claim is stale when its owner cannot still be working on it: its process on this
 * host is gone (or is this process, which holds no such claim), or its heartbeat (the
 * file's mtime, touched while the claim is held) is older than the lease.
 */

export type DigestDate = string;

/** A paper as a posted digest showed it: kept in the record, so the archive never depends on the library still having it. */
export interface PostedPaper {
  id: string;
  title: string;
  /** The link the digest gave it (Hugging Face or arXiv). */
  url?: string;
}

export interface ClaimHolder {
  owner: string;
  host: string;
  pid: number;
  claimedAt: string;
  generation: number;
}

export interface PostedRecord {
  state: "posted";
  channelId: string;
  date: DigestDate;
  /** The scheduled instant this digest was for (ISO). */
  scheduledFor: string;
  paperIds: string[];
  messageIds: string[];
  /** Links to the posted messages, as the adapter that posted them gives them (absent in records written before the archive). */
  messageUrls?: string[];
  /** The papers as posted, in the digest's order (absent before the archive, and when the post was only found after a crash). */
  papers?: PostedPaper[];
  /** The server the channel belongs to, when the subscription says. */
  guildId?: string;
  threadId?: string;
  /** When it was posted (ISO); for a reconciled post, when it was found. */
  postedAt: string;
  /** True when the post was found in the channel after a crash, not seen being made. */
  reconciled: boolean;
  owner: string;
}

export interface SkippedRecord {
  state: "skipped";
  channelId: string;
  date: DigestDate;
  scheduledFor: string;
  reason: string;
  recordedAt: string;
  owner: string;
}

export type DigestRecord = PostedRecord | SkippedRecord;

export type ClaimOutcome =
  | { status: "done"; record: DigestRecord }
  | { status: "busy"; holder: ClaimHolder | undefined }
  | { status: "claimed"; claim: DigestClaim };

export type DigestStatus =
  | { state: "posted" | "skipped"; record: DigestRecord }
  | { state: "claimed"; holder: ClaimHolder | undefined; stale: boolean }
  | { state: "none" };

export interface LedgerOptions {
  /** How long a claim's heartbeat may be silent before others take it over (default 2 min). */
  leaseMs?: number;
  /** Clock for the times written into records (default: the real one). Leases always use real time. */
  now?: () => Date;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CHANNEL = /^[\w-]{1,64}$/;
const CLAIM_FILE = /^(\d{4}-\d{2}-\d{2})\.claim\.(\d+)$/;
const RECORD_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

/** Claim files held by this process (path → holders' tokens): another connection here must see them as live. */
const heldHere = new Map<string, Set<string>>();

function hold(path: string, token: string): void {
  const tokens = heldHere.get(path) ?? new Set<string>();
  tokens.add(token);
  heldHere.set(path, tokens);
}

function unhold(path: string, token: string): void {
  const tokens = heldHere.get(path);
  tokens?.delete(token);
  if (tokens?.size === 0) heldHere.delete(path);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if (isErrno(error, "ENOENT") || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export class DigestLedger {
  /** Identifies this ledger connection in claims and records. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;
  readonly now: () => Date;

  private constructor(
    readonly dir: string,
    options: LedgerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 120_000;
    this.now = options.now ?? (() => new Date());
  }

  static async open(dir: string, options: LedgerOptions = {}): Promise<DigestLedger> {
    await mkdir(dir, { recursive: true });
    return new DigestLedger(dir, options);
  }

  /**
   * Takes the (channel, date) for this process, unless it is done (a record exists) or
   * another live owner holds it. Taking over a stale claim sets `claim.previous`: the
   * caller must then look at the channel before posting (the owner may have posted).
   */
  async claim(channelId: string, date: DigestDate, scheduledFor: Date): Promise<ClaimOutcome> {
    const dir = await this.channelDir(channelId, date, true);
    for (let attempt = 0; attempt < 10; attempt++) {
      const record = await this.record(channelId, date);
      if (record) return { status: "done", record };
      const top = (await this.claimFiles(dir, date)).at(-1);
      let previous: ClaimHolder | undefined;
      if (top) {
        const status = await this.claimStatus(join(dir, top.name));
        if (!status) continue; // finished and removed meanwhile: look again
        if (!status.stale) return { status: "busy", holder: status.holder };
        previous = status.holder ?? { owner: "unknown", host: "unknown", pid: 0, claimedAt: "", generation: top.generation };
      }
      const generation = (top?.generation ?? 0) + 1;
      const path = join(dir, `${date}.claim.${generation}`);
      const holder: ClaimHolder = {
        owner: this.owner,
        host: hostname(),
        pid: process.pid,
        claimedAt: this.now().toISOString(),
        generation,
      };
      const token = randomUUID();
      hold(path, token); // before the file exists, so that nobody in this process sees it unheld
      let created = false;
      try {
        created = await createExclusive(dir, path, `${JSON.stringify(holder)}\n`);
      } finally {
        if (!created) unhold(path, token);
      }
      if (!created) continue; // someone else won this generation: look again
      // The previous holder may have finished between our first look and our claim.
      const finished = await this.record(channelId, date);
      if (finished) {
        unhold(path, token);
        await unlink(path).catch(() => undefined);
        return { status: "done", record: finished };
      }
      return {
        status: "claimed",
        claim: new DigestClaim(this, dir, path, token, channelId, date, scheduledFor, generation, previous, this.leaseMs),
      };
    }
    return { status: "busy", holder: undefined };
  }

  /** The final record of a date, if there is one. */
  async record(channelId: string, date: DigestDate): Promise<DigestRecord | undefined> {
    const dir = await this.channelDir(channelId, date, false);
    return readJson<DigestRecord>(join(dir, `${date}.json`));
  }

  /** Where a (channel, date) stands: recorded, claimed (and whether the claim is stale), or nothing. */
  async status(channelId: string, date: DigestDate): Promise<DigestStatus> {
    const record = await this.record(channelId, date);
    if (record) return { state: record.state, record };
    const dir = await this.channelDir(channelId, date, false);
    const top = (await this.claimFiles(dir, date)).at(-1);
    const status = top && (await this.claimStatus(join(dir, top.name)));
    return status ? { state: "claimed", ...status } : { state: "none" };
  }

  /** Every final record of the channel, oldest date first. */
  async history(channelId: string): Promise<DigestRecord[]> {
    const records: DigestRecord[] = [];
    for await (const record of this.newestFirst(channelId)) records.unshift(record);
    return records;
  }

  /** The most recent record (posted or skipped): the schedule need not look further back. */
  async latest(channelId: string): Promise<DigestRecord | undefined> {
    for await (const record of this.newestFirst(channelId)) return record;
    return undefined;
  }

  /**
   * The channel's posted digests dated within `from`..`to` (YYYY-MM-DD, inclusive, either open), newest first:
   * the archive. Only the records in the range are read (their file names are their dates).
   */
  async posted(channelId: string, range: { from?: DigestDate; to?: DigestDate } = {}): Promise<PostedRecord[]> {
    const posted: PostedRecord[] = [];
    for await (const record of this.newestFirst(channelId, range)) if (record.state === "posted") posted.push(record);
    return posted;
  }

  /** The channel's most recently posted digest. */
  async lastPosted(channelId: string): Promise<PostedRecord | undefined> {
    for await (const record of this.newestFirst(channelId)) if (record.state === "posted") return record;
    return undefined;
  }

  /** The channel's records from the newest date back, read one at a time. */
  private async *newestFirst(channelId: string, { from, to }: { from?: DigestDate; to?: DigestDate } = {}): AsyncGenerator<DigestRecord> {
    const dir = await this.channelDir(channelId, undefined, false);
    const dates = (await this.names(dir))
      .flatMap((n) => RECORD_FILE.exec(n)?.[1] ?? [])
      .filter((date) => (from === undefined || date >= from) && (to === undefined || date <= to))
      .sort()
      .reverse();
    for (const date of dates) {
      const record = await readJson<DigestRecord>(join(dir, `${date}.json`));
      if (record) yield record;
    }
  }

  /** Writes the final record unless one exists; returns the record that stands. */
  async writeRecord(dir: string, record: DigestRecord): Promise<{ record: DigestRecord; written: boolean }> {
    const path = join(dir, `${record.date}.json`);
    if (await createExclusive(dir, path, `${JSON.stringify(record, null, 2)}\n`)) {
      await syncDir(dir);
      return { record, written: true };
    }
    return { record: (await readJson<DigestRecord>(path)) ?? record, written: false };
  }

  async claimFiles(dir: string, date: DigestDate): Promise<{ name: string; generation: number }[]> {
    return (await this.names(dir))
      .flatMap((name) => {
        const m = CLAIM_FILE.exec(name);
        return m && m[1] === date ? [{ name, generation: Number(m[2]) }] : [];
      })
      .sort((a, b) => a.generation - b.generation);
  }

  private async claimStatus(path: string): Promise<{ holder: ClaimHolder | undefined; stale: boolean } | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch (error) {
      if (isErrno(error, "ENOENT")) return undefined;
      throw error;
    }
    const holder = await readJson<ClaimHolder>(path);
    return { holder, stale: this.isStale(path, holder, mtimeMs) };
  }

  private isStale(path: string, holder: ClaimHolder | undefined, mtimeMs: number): boolean {
    if (heldHere.has(path)) return false;
    if (holder?.host === hostname()) {
      // Not held by this process, so a claim with our pid is a previous run's (a container's pid 1, say).
      if (holder.pid === process.pid || !processAlive(holder.pid)) return true;
    }
    return Date.now() - mtimeMs > this.leaseMs;
  }

  private async names(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      if (isErrno(error, "ENOENT")) return [];
      throw error;
    }
  }

  private async channelDir(channelId: string, date: DigestDate | undefined, create: boolean): Promise<string> {
    if (!CHANNEL.test(channelId)) throw new Error(`not a channel id: ${JSON.stringify(channelId)}`);
    if (date !== undefined && !DATE.test(date)) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
    const dir = join(this.dir, channelId);
    if (create) await mkdir(dir, { recursive: true });
    return dir;
  }
}

async function syncDir(dir: string): Promise<void> {
  // So that the new name survives a power cut, not only the file's content. Best effort: not every platform can.
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* ignored */
  }
}

export type DigestResult =
  | ({ state: "posted"; reconciled?: boolean; postedAt?: Date } & Pick<
      PostedRecord,
      "paperIds" | "messageIds" | "messageUrls" | "papers" | "guildId" | "threadId"
    >)
  | { state: "skipped"; reason: string };

/** A held claim on one (channel, date): finish it with what happened, or release it to be retried. */
export class DigestClaim {
  private heartbeat: NodeJS.Timeout | undefined;
  private held = true;

  constructor(
    private readonly ledger: DigestLedger,
    private readonly dir: string,
    private readonly path: string,
    private readonly token: string,
    readonly channelId: string,
    readonly date: DigestDate,
    readonly scheduledFor: Date,
    readonly generation: number,
    /** The stale claim this one took over: its owner may have posted before dying. */
    readonly previous: ClaimHolder | undefined,
    leaseMs: number,
  ) {
    this.heartbeat = startHeartbeat(this.path, leaseMs);
  }

  /** Still the owner: nobody took the date over and nobody recorded it. Checked right before posting. */
  async isCurrent(): Promise<boolean> {
    if (!this.held) return false;
    if (await this.ledger.record(this.channelId, this.date)) return false;
    const top = (await this.ledger.claimFiles(this.dir, this.date)).at(-1);
    return top?.generation === this.generation;
  }

  /**
   * Records what happened and ends the claim. If a record already stands (someone who
   * took over finished first), it is kept and returned with `written: false`.
   */
  async finish(result: DigestResult): Promise<{ record: DigestRecord; written: boolean }> {
    const base = { channelId: this.channelId, date: this.date, scheduledFor: this.scheduledFor.toISOString(), owner: this.ledger.owner };
    const record: DigestRecord =
      result.state === "posted"
        ? {
            state: "posted",
            ...base,
            paperIds: result.paperIds,
            messageIds: result.messageIds,
            ...(result.messageUrls ? { messageUrls: result.messageUrls } : {}),
            ...(result.papers ? { papers: result.papers } : {}),
            ...(result.guildId ? { guildId: result.guildId } : {}),
            ...(result.threadId ? { threadId: result.threadId } : {}),
            postedAt: (result.postedAt ?? this.ledger.now()).toISOString(),
            reconciled: result.reconciled ?? false,
          }
        : { state: "skipped", ...base, reason: result.reason, recordedAt: this.ledger.now().toISOString() };
    const outcome = await this.ledger.writeRecord(this.dir, record);
    // The record now answers for the date; claims up to ours are history.
    for (const { name, generation } of await this.ledger.claimFiles(this.dir, this.date)) {
      if (generation <= this.generation) await unlink(join(this.dir, name)).catch(() => undefined);
    }
    this.release();
    return outcome;
  }

  /**
   * Stops holding the claim without a record (the post failed, or this process is
   * stopping). The claim file stays: whoever tries next takes it over as stale and
   * reconciles with the channel, so a post that did go out is not repeated.
   */
  release(): void {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    unhold(this.path, this.token);
  }
}

/** When the channel's last digest was posted: papers after this are new to it (undefined: never). */
export async function lastDigestAt(ledger: DigestLedger, channelId: string): Promise<Date | undefined> {
  const last = await ledger.lastPosted(channelId);
  return last ? new Date(last.postedAt) : undefined;
}

/** What a channel has been shown: its last digest (date and time) and the papers of its recent digests. */
export interface ChannelSince {
  /** YYYY-MM-DD of the last posted digest. */
  date: DigestDate;
  /** When it was posted. */
  at: Date;
  /** Papers posted in the channel's last `digests` digests, newest first. */
  paperIds: string[];
}

/**
 * "New since that channel's last digest": shaped to pass to buildDigest as `since`
 * (`{ date, paperIds }`). Undefined before the channel's first digest. `before`: only digests of earlier dates
 * count, so a preview of a day already posted shows what was posted.
 */
export async function digestSince(
  ledger: DigestLedger,
  channelId: string,
  { digests = 30, before }: { digests?: number; before?: DigestDate } = {},
): Promise<ChannelSince | undefined> {
  const posted = (await ledger.history(channelId))
    .filter((r): r is PostedRecord => r.state === "posted" && (before === undefined || r.date < before))
    .slice(-digests)
    .reverse();
  const last = posted[0];
  if (!last) return undefined;
  return { date: last.date, at: new Date(last.postedAt), paperIds: [...new Set(posted.flatMap((r) => r.paperIds))] };
}
