import { randomUUID } from "node:crypto";
import { link, open, readdir, rename, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";

/**
 * The atomic steps of every cross-process claim and state file on this machine (the
 * digest's claims, records and subscriptions, the library's write lock): a file is
 * written complete under a unique temporary name, then given its final name in one
 * step, so nobody ever reads a half-written file. To create a file that must not
 * exist, the step is link(2), which fails with EEXIST when the name is taken,
 * atomically: of any number of processes racing for a name exactly one wins. To
 * replace a file's content, it is rename(2): a reader sees the old file or the new.
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
  const tmp = await writeTemporary(dir, text);
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

/** Writes `text` to `path`, replacing any file of that name: a reader sees the old content or the new, never a mix. */
export async function replaceAtomically(dir: string, path: string, text: string): Promise<void> {
  const tmp = await writeTemporary(dir, text);
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

/** `text` in a new file of a unique name in `dir`, flushed to disk: what createExclusive and replaceAtomically name. */
async function writeTemporary(dir: string, text: string): Promise<string> {
  const tmp = join(dir, `.${randomUUID()}.tmp`);
  const handle = await open(tmp, "wx");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return tmp;
}

/** Flushes a folder's entries, so that a new name survives a power cut, not only the file's content. Best effort: not every platform can. */
export async function syncDir(dir: string): Promise<void> {
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
