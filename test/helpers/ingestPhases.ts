import { readdirSync, watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CliResult } from "./runCli.js";
import { spawnCli } from "./runCli.js";

/**
 * Catches a real `paperbot ingest` process at a phase of its work by watching what
 * LanceDB writes into the library's folder (inotify, via fs.watch), and sends it a
 * signal the moment the phase shows: no guessed sleeps. LanceDB writes a table's
 * files in a fixed order (data files, then `_transactions`, then the manifest in
 * `_versions` that commits them; index files under `_indices` before the manifest
 * that names them), so the first file of a step means that step has begun and has not
 * been committed. Each test still checks, after the signal, that it caught the phase.
 */

/** Decides from each path written (relative to the library folder at `uri`) whether the phase has begun. */
export type PhaseTrigger = (path: string, uri: string) => boolean;

/** Committed versions of a table, counted on disk (a watcher may miss the events of a folder it has just met). */
function committedVersions(uri: string, table: string): number {
  try {
    return readdirSync(join(uri, `${table}.lance`, "_versions")).filter((name) => /^\d+\.manifest$/.test(name)).length;
  } catch {
    return 0;
  }
}

/** The first file of a table's first version: the table is being created and holds nothing yet. */
export function creatingTable(table: string): PhaseTrigger {
  return (path) => path === `${table}.lance` || path.startsWith(`${table}.lance/`);
}

/** The first index file of any table: an index build has begun (none is committed before its manifest). */
export function buildingIndexes(): PhaseTrigger {
  return (path) => /^\w+\.lance\/_indices(\/|$)/.test(path);
}

/**
 * Compaction of `table` after `batches` batch commits: the first data file written once
 * that many versions of the table are committed (a first ingest only appends, one
 * version per batch, then compacts before it indexes).
 */
export function compacting(table: string, batches: number): PhaseTrigger {
  return (path, uri) => path.startsWith(`${table}.lance/data/`) && committedVersions(uri, table) >= batches;
}

/** Once `batches` batches of `table` are committed: between write batches. */
export function afterBatches(table: string, batches: number): PhaseTrigger {
  return (path, uri) => path.startsWith(`${table}.lance/`) && committedVersions(uri, table) >= batches;
}

/**
 * Runs `paperbot ingest …` with the library at `uri` and sends `signal` when `trigger`
 * fires; resolves when the process has ended. `caught` says whether the signal was sent.
 */
export async function ingestUntil(
  uri: string,
  args: string[],
  trigger: PhaseTrigger,
  options: { cwd: string; env?: Record<string, string>; signal?: NodeJS.Signals },
): Promise<CliResult & { caught: boolean }> {
  await mkdir(uri, { recursive: true });
  const child = spawnCli(["ingest", ...args], { cwd: options.cwd, env: { LANCEDB_URI: uri, ...options.env } });
  let caught = false;
  const watcher = watch(uri, { recursive: true }, (_event, path) => {
    if (caught || !path || !trigger(path, uri)) return;
    caught = true;
    child.kill(options.signal ?? "SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  watcher.close();
  return { code, signal, stdout, stderr, caught };
}
