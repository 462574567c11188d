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
