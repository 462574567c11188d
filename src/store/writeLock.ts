import { createHash } from "node:crypto";
import { renameSync } from "node:fs";
import { mkdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { fileNames, HeldFiles, isErrno, processAlive, startHeartbeat } from "../exclusiveFiles.js";

/**
 * One writer at a time per library. Two ingests writing at once go wrong in ways no
 * retry mends: both create the same table ("Table 'meta' already exists"), both
 * append the same new papers (twice stored), both build the same index (LanceDB's
 * "Retryable commit conflict"), and one may take the other's table, half created, for
 * the leftovers of a killed run. So a writer first takes this lock; the second waits
 * for the first to finish, then does its own work on what the first left.
 *
 * The lock is a file `.paperbot-write.<n>.lock` holding its owner (host, pid, what it
 * does), created atomically (see exclusiveFiles). Generations only grow: the holder is
 * whoever created the highest one, and a writer takes the lock by creating the next
 * generation after the highest it saw, which must then still be the highest and never
 * released before (a writer that saw an older state and created a lower one, or the
 * name of a generation someone held and released meanwhile, steps back). Releasing renames the
 * file to `.paperbot-write.<n>.free`, so the next writer goes on from n. A holder that
 * died (its pid is gone on this host, or its heartbeat, the file's mtime, stopped for
 * longer than the lease) leaves a stale lock, which the next writer takes over at once
 * by creating generation n+1: a killed ingest never blocks the next.
 */

/**
 * Where a library's write lock lives: in the library's own folder, or, for a library
 * in object storage (`s3://…`, `db://…`), in a folder of this machine named after its
 * URI, so it serialises the writers of one machine; writers on other machines are met
 * by retryCommitConflicts.
 */
export function lockDirOf(uri: string): string {
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    return join(tmpdir(), "paperbot-locks", createHash("sha256").update(uri).digest("hex").slice(0, 16));
  return resolve(uri);
}

export interface LockHolder {
  host: string;
  pid: number;
  since: string;
  /** What the holder is doing, for whoever waits ("ingest"). */
  what: string;
}

export interface AcquireOptions {
  what: string;
  /** Wait for a live holder to finish (default); false: give up at once and return undefined. */
  wait?: boolean;
  /** Called once, when the lock is found held by someone alive and this call waits. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Called each time a waiting call looks again and finds the lock still held: proof that it waits, not merely that it is slow. */
  onStillHeld?: (holder: LockHolder | undefined) => void;
  /** How long a silent heartbeat makes a holder stale (default 2 min). */
  leaseMs?: number;
  /** How often a waiting writer looks again (default 100 ms). */
  pollMs?: number;
}

const LOCK_FILE = /^\.paperbot-write\.(\d+)\.(lock|free)$/;

const lockPath = (dir: string, generation: number) => join(dir, `.paperbot-write.${generation}.lock`);
const freePath = (dir: string, generation: number) => join(dir, `.paperbot-write.${generation}.free`);

/** Lock files held by this process: another caller here must see them as live, and they are released at exit. */
const heldHere = new HeldFiles();
let exitHookInstalled = false;

function releaseAllAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const path of heldHere.paths()) {
      try {
        renameSync(path, path.replace(/\.lock$/, ".free"));
      } catch {
        /* taken over or never created */
      }
    }
  });
}

export class WriteLock {
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly generation: number,
    private readonly token: symbol,
    leaseMs: number,
  ) {
    this.heartbeat = startHeartbeat(this.path, leaseMs);
  }

  get path(): string {
    return lockPath(this.dir, this.generation);
  }

  /** Takes the lock of the library whose lock files live in `dir`; undefined only with `wait: false` when it is held. */
  static async acquire(dir: string, options: AcquireOptions): Promise<WriteLock | undefined> {
    const leaseMs = options.leaseMs ?? 120_000;
    await mkdir(dir, { recursive: true });
    const holder: LockHolder = { host: hostname(), pid: process.pid, since: new Date().toISOString(), what: options.what };
    let told = false;
    for (;;) {
      const top = (await lockFiles(dir)).at(-1);
      if (top?.state === "lock") {
        const status = await holderStatus(lockPath(dir, top.generation), leaseMs);
        if (status && !status.stale) {
          if (options.wait === false) return undefined;
          if (told) options.onStillHeld?.(status.holder);
          else options.onWait?.(status.holder);
          told = true;
          await sleep(options.pollMs ?? 100);
          continue;
        }
      }
      const generation = (top?.generation ?? 0) + 1;
      const path = lockPath(dir, generation);
      const token = Symbol(path);
      const created = await heldHere.create(dir, path, `${JSON.stringify(holder)}\n`, token);
      if (!created) continue; // another writer won this generation: look again
      const files = await lockFiles(dir);
      // Created from an older view: below someone who went on meanwhile, or under the name of a generation
      // already held and released (releasing frees the `.lock` name, and its `.free` says so): step back.
      if (files.some((f) => f.generation > generation || (f.generation === generation && f.state === "free"))) {
        heldHere.unhold(path, token);
        await unlink(path).catch(() => undefined);
        continue;
      }
      releaseAllAtExit();
      // Older generations are released or stale: they only need to go.
      for (const f of files) if (f.generation < generation) await unlink(join(dir, f.name)).catch(() => undefined);
      return new WriteLock(dir, generation, token, leaseMs);
    }
  }

  /** Ends the hold; the file stays as `<n>.free`, so that the next writer goes on from n. */
  async release(): Promise<void> {
    if (!this.heartbeat) return;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await rename(this.path, freePath(this.dir, this.generation)).catch(() => undefined);
    heldHere.unhold(this.path, this.token);
  }
}

async function lockFiles(dir: string): Promise<{ name: string; generation: number; state: "lock" | "free" }[]> {
  return (await fileNames(dir))
    .flatMap((name) => {
      const m = LOCK_FILE.exec(name);
      return m ? [{ name, generation: Number(m[1]), state: m[2] as "lock" | "free" }] : [];
    })
    .sort((a, b) => a.generation - b.generation || (a.state === "free" ? 1 : -1));
}

/** Who holds a lock file and whether they still can; undefined when the file is gone (released meanwhile). */
async function holderStatus(path: string, leaseMs: number): Promise<{ holder: LockHolder | undefined; stale: boolean } | undefined> {
  let mtimeMs: number;
  let holder: LockHolder | undefined;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
    holder = JSON.parse(await readFile(path, "utf8")) as LockHolder;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    if (!(error instanceof SyntaxError)) throw error;
    mtimeMs = 0; // unreadable: the file appears complete or not at all, so not a live writer's
  }
  if (heldHere.has(path)) return { holder, stale: false };
  // Not held by this process, so a lock with our pid is a previous run's (a container's pid 1, say).
  if (holder?.host === hostname() && (holder.pid === process.pid || !processAlive(holder.pid))) return { holder, stale: true };
  return { holder, stale: Date.now() - mtimeMs > leaseMs };
}
