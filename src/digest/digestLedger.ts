import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { claimFiles, claimStatus, createClaimFile, DigestClaim, dropClaimFile, type ClaimHolder } from "./digestClaim.js";
import { readRecord, recordsNewestFirst, type DigestDate, type DigestRecord, type PostedRecord } from "./digestRecords.js";
import { channelFolder } from "./stateFolder.js";

// The record types are what the ledger's many readers (the scheduler, the archive, the CLI, answers) work with.
export type { DigestDate, DigestRecord, DigestResult, PostedPaper, PostedRecord, SkippedRecord } from "./digestRecords.js";
export type { ClaimHolder, DigestClaim } from "./digestClaim.js";

/**
 * Which channel got which day's digest, kept so that a channel never gets the same
 * day's digest twice: not after a restart, not after a crash between posting and
 * recording, not with two bot processes (shards) sharing the machine.
 *
 * Per (channel, digest date in the channel's time zone) there is, in `<dir>/<channelId>/`,
 * a claim (`<date>.claim.<n>`, digestClaim) written before posting, and the final record
 * (`<date>.json`, digestRecords) written once; a date with a record is never claimed again.
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
 */

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
      const top = (await claimFiles(dir, date)).at(-1);
      let previous: ClaimHolder | undefined;
      if (top) {
        const status = await claimStatus(join(dir, top.name), this.leaseMs);
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
      const token = await createClaimFile(dir, path, holder);
      if (token === undefined) continue; // someone else won this generation: look again
      // The previous holder may have finished between our first look and our claim.
      const finished = await this.record(channelId, date);
      if (finished) {
        await dropClaimFile(path, token);
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
    return readRecord(await this.channelDir(channelId, date, false), date);
  }

  /** Where a (channel, date) stands: recorded, claimed (and whether the claim is stale), or nothing. */
  async status(channelId: string, date: DigestDate): Promise<DigestStatus> {
    const record = await this.record(channelId, date);
    if (record) return { state: record.state, record };
    const dir = await this.channelDir(channelId, date, false);
    const top = (await claimFiles(dir, date)).at(-1);
    const status = top && (await claimStatus(join(dir, top.name), this.leaseMs));
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
  private async *newestFirst(channelId: string, range: { from?: DigestDate; to?: DigestDate } = {}): AsyncGenerator<DigestRecord> {
    yield* recordsNewestFirst(await this.channelDir(channelId, undefined, false), range);
  }

  private async channelDir(channelId: string, date: DigestDate | undefined, create: boolean): Promise<string> {
    const dir = channelFolder(this.dir, channelId);
    if (date !== undefined && !DATE.test(date)) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
    if (create) await mkdir(dir, { recursive: true });
    return dir;
  }
}
