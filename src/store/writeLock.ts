import { unlinkSync } from "node:fs";
import { mkdir, readFile, readdir, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createExclusive, isErrno, processAlive } from "../exclusiveFiles.js";

/**
 * One writer at a time per library. Two ingests writing at once go wrong in ways no
 * retry mends: both create the same table ("Table 'meta' already exists"), both
 * append the same new papers (twice stored), both build the same index (LanceDB's
 * "Retryable commit conflict"), and one may take the other's table, half created, for
 * the leftovers of a killed run. So a writer first takes this lock; the second waits
 * for the first to finish, then does its own work on what the first left.
 *
 * The lock is a file `.paperbot-write.<n>.lock` holding its owner (host, pid, what it
 * does), created atomically (see exclusiveFiles). Whoever creates generation n holds the
 * lock. A holder that died (its pid is gone on this host, or its heartbeat, the file's
 * mtime, stopped for longer than the lease) leaves a stale lock, which the next writer
 * takes over at once by creating generation n+1: a killed ingest never blocks the next.
 * A lock released normally is deleted; so is one held at exit (Ctrl-C).
 */

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
  /** How long a silent heartbeat makes a holder stale (default 2 min). */
  leaseMs?: number;
  /** How often a waiting writer looks again (default 100 ms). */
  pollMs?: number;
}

const LOCK_FILE = /^\.paperbot-write\.(\d+)\.lock$/;

/** Lock files held by this process: another caller here must see them as live, and they go at exit. */
const heldHere = new Set<string>();
let exitHookInstalled = false;

function releaseAllAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const path of heldHere) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
  });
}

export class WriteLock {
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    leaseMs: number,
  ) {
    this.heartbeat = setInterval(() => {
      const at = new Date();
      utimes(this.path, at, at).catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Takes the lock of the library whose lock files live in `dir`; undefined only with `wait: false` when it is held. */
  static async acquire(dir: string, options: AcquireOptions): Promise<WriteLock | undefined> {
    const leaseMs = options.leaseMs ?? 120_000;
    await mkdir(dir, { recursive: true });
    const holder: LockHolder = { host: hostname(), pid: process.pid, since: new Date().toISOString(), what: options.what };
    let told = false;
    for (;;) {
      const files = await lockFiles(dir);
      const top = files.at(-1);
      if (top) {
        const status = await holderStatus(join(dir, top.name), leaseMs);
        if (!status) continue; // released meanwhile: look again
        if (!status.stale) {
          if (options.wait === false) return undefined;
          if (!told) options.onWait?.(status.holder);
          told = true;
          await sleep(options.pollMs ?? 100);
          continue;
        }
      }
      const path = join(dir, `.paperbot-write.${(top?.generation ?? 0) + 1}.lock`);
      heldHere.add(path); // before the file exists, so that nobody in this process sees it unheld
      let created = false;
      try {
        created = await createExclusive(dir, path, `${JSON.stringify(holder)}\n`);
      } finally {
        if (!created) heldHere.delete(path);
      }
      if (!created) continue; // another writer won this generation: look again
      releaseAllAtExit();
      // Older generations are stale locks this one took over.
      for (const { name } of files) await unlink(join(dir, name)).catch(() => undefined);
      return new WriteLock(path, leaseMs);
    }
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (!heldHere.delete(this.path)) return;
    await unlink(this.path).catch(() => undefined);
  }
}

async function lockFiles(dir: string): Promise<{ name: string; generation: number }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const m = LOCK_FILE.exec(name);
      return m ? [{ name, generation: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.generation - b.generation);
}

/** Who holds a lock file and whether they still can; undefined when the file is gone. */
async function holderStatus(path: string, leaseMs: number): Promise<{ holder: LockHolder | undefined; stale: boolean } | undefined> {
  let mtimeMs: number;
  let holder: LockHolder | undefined;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
    holder = JSON.parse(await readFile(path, "utf8")) as LockHolder;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    if (!(error instanceof SyntaxError)) throw error;
    mtimeMs = 0; // unreadable (the file appears complete or not at all, so never ours): stale
  }
  if (heldHere.has(path)) return { holder, stale: false };
  // Not held by this process, so a lock with our pid is a previous run's (a container's pid 1, say).
  if (holder?.host === hostname() && (holder.pid === process.pid || !processAlive(holder.pid))) return { holder, stale: true };
  return { holder, stale: Date.now() - mtimeMs > leaseMs };
}
