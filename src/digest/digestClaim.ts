import { randomUUID } from "node:crypto";
import { stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileNames, HeldFiles, isErrno, processAlive, startHeartbeat } from "../exclusiveFiles.js";
import { readJson, readRecord, recordOf, writeRecord, type DigestDate, type DigestRecord, type DigestResult } from "./digestRecords.js";

/*
 * The ledger's claim files, `<channelId>/<date>.claim.<n>`: the intent to post, written
 * *before* posting (owner, host, pid, time). Whoever creates generation n owns the date.
 * A claim left by a process that died is "stale" and is taken over by creating
 * generation n+1; the new owner then reconciles with what the channel shows before
 * posting anything.
 *
 * A claim is stale when its owner cannot still be working on it: its process on this
 * host is gone (or is this process, which holds no such claim), or its heartbeat (the
 * file's mtime, touched while the claim is held) is older than the lease.
 */

export interface ClaimHolder {
  owner: string;
  host: string;
  pid: number;
  claimedAt: string;
  generation: number;
}

const CLAIM_FILE = /^(\d{4}-\d{2}-\d{2})\.claim\.(\d+)$/;

/** Claim files held by this process: another connection here must see them as live. */
const heldHere = new HeldFiles();

/** The date's claim files, oldest generation first: the last one is the one that counts. */
export async function claimFiles(dir: string, date: DigestDate): Promise<{ name: string; generation: number }[]> {
  return (await fileNames(dir))
    .flatMap((name) => {
      const m = CLAIM_FILE.exec(name);
      return m && m[1] === date ? [{ name, generation: Number(m[2]) }] : [];
    })
    .sort((a, b) => a.generation - b.generation);
}

/** Who holds a claim file and whether they still can; undefined when the file is gone (finished meanwhile). */
export async function claimStatus(path: string, leaseMs: number): Promise<{ holder: ClaimHolder | undefined; stale: boolean } | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
  const holder = await readJson<ClaimHolder>(path);
  return { holder, stale: isStale(path, holder, mtimeMs, leaseMs) };
}

function isStale(path: string, holder: ClaimHolder | undefined, mtimeMs: number, leaseMs: number): boolean {
  if (heldHere.has(path)) return false;
  if (holder?.host === hostname()) {
    // Not held by this process, so a claim with our pid is a previous run's (a container's pid 1, say).
    if (holder.pid === process.pid || !processAlive(holder.pid)) return true;
  }
  return Date.now() - mtimeMs > leaseMs;
}

/** Creates the claim file at `path` for `holder`: the token it is held by, or undefined when someone else created it first. */
export async function createClaimFile(dir: string, path: string, holder: ClaimHolder): Promise<string | undefined> {
  const token = randomUUID();
  return (await heldHere.create(dir, path, `${JSON.stringify(holder)}\n`, token)) ? token : undefined;
}

/** Gives up a claim file just created, when the date turned out to be recorded meanwhile. */
export async function dropClaimFile(path: string, token: string): Promise<void> {
  heldHere.unhold(path, token);
  await unlink(path).catch(() => undefined);
}

/** A held claim on one (channel, date): finish it with what happened, or release it to be retried. */
export class DigestClaim {
  private heartbeat: NodeJS.Timeout | undefined;
  private held = true;

  constructor(
    /** Who writes the record, and the clock for its times. */
    private readonly ledger: { readonly owner: string; readonly now: () => Date },
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
    if (await readRecord(this.dir, this.date)) return false;
    const top = (await claimFiles(this.dir, this.date)).at(-1);
    return top?.generation === this.generation;
  }

  /**
   * Records what happened and ends the claim. If a record already stands (someone who
   * took over finished first), it is kept and returned with `written: false`.
   */
  async finish(result: DigestResult): Promise<{ record: DigestRecord; written: boolean }> {
    const base = { channelId: this.channelId, date: this.date, scheduledFor: this.scheduledFor.toISOString(), owner: this.ledger.owner };
    const record = recordOf(result, base, this.ledger.now);
    const outcome = await writeRecord(this.dir, record);
    // The record now answers for the date; claims up to ours are history.
    for (const { name, generation } of await claimFiles(this.dir, this.date)) {
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
    heldHere.unhold(this.path, this.token);
  }
}
