import { randomUUID } from "node:crypto";
import { link, open, readdir, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";

/**
 * The atomic step of every cross-process claim on this machine (the digest ledger's
 * claims, the library's write lock): creating a file that must not exist. The file is
 * written complete under a unique temporary name, then hard-linked to its final name;
 * link(2) fails with EEXIST when the name is taken, atomically, so of any number of
 * processes racing for a name exactly one wins, and nobody reads a half-written file.
 */

export function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

/** The names in a folder; none when it does not exist (yet). */
export async function fileNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

/** Writes `text` to `path` only if no file has that name yet; false if one has. The file appears complete or not at all. */
export async function createExclusive(dir: string, path: string, text: string): Promise<boolean> {
  const tmp = join(dir, `.${randomUUID()}.tmp`);
  const handle = await open(tmp, "wx");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Whether a process with this id runs on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, "EPERM");
  }
}

/**
 * Keeps a held file's mtime fresh, about three times per lease, so that others can tell a live
 * holder from a dead one; stop it with clearInterval. It never keeps the process alive.
 */
export function startHeartbeat(path: string, leaseMs: number): NodeJS.Timeout {
  const timer = setInterval(
    () => {
      const at = new Date();
      utimes(path, at, at).catch(() => undefined);
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return timer;
}

/**
 * Files held by this process (path → the tokens of the callers trying or holding it): another
 * caller here must see them as live, though their pid is this process's. Tokens, not just
 * paths, because callers racing for the same name must not unmark the winner's.
 */
export class HeldFiles {
  private readonly tokens = new Map<string, Set<unknown>>();

  has(path: string): boolean {
    return this.tokens.has(path);
  }

  paths(): IterableIterator<string> {
    return this.tokens.keys();
  }

  hold(path: string, token: unknown): void {
    this.tokens.set(path, (this.tokens.get(path) ?? new Set()).add(token));
  }

  unhold(path: string, token: unknown): void {
    const tokens = this.tokens.get(path);
    tokens?.delete(token);
    if (tokens?.size === 0) this.tokens.delete(path);
  }

  /** createExclusive, held by `token` from before the file exists (so nobody here sees it unheld); false, and not held, when the name is taken. */
  async create(dir: string, path: string, text: string, token: unknown): Promise<boolean> {
    this.hold(path, token);
    let created = false;
    try {
      created = await createExclusive(dir, path, text);
    } finally {
      if (!created) this.unhold(path, token);
    }
    return created;
  }
}
