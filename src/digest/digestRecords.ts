import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createExclusive, fileNames, isErrno, syncDir } from "../exclusiveFiles.js";

/*
 * The ledger's final records, one file `<channelId>/<date>.json` per (channel, date):
 * `posted` (paper ids, message ids, thread id, time; and for the archive the papers'
 * titles and links, the messages' links and the server) or `skipped` (why). Written
 * once, never changed; read back for the schedule, "since" and the archive.
 */

export type DigestDate = string;

/** A paper as a posted digest showed it: kept in the record, so the archive never depends on the library still having it. */
export interface PostedPaper {
  id: string;
  title: string;
  /** The link the digest gave it (Hugging Face or arXiv). */
  url?: string;
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

export type DigestResult =
  | ({ state: "posted"; reconciled?: boolean; postedAt?: Date } & Pick<
      PostedRecord,
      "paperIds" | "messageIds" | "messageUrls" | "papers" | "guildId" | "threadId"
    >)
  | { state: "skipped"; reason: string };

const RECORD_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if (isErrno(error, "ENOENT") || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The final record of a date in a channel's folder, if there is one. */
export async function readRecord(dir: string, date: DigestDate): Promise<DigestRecord | undefined> {
  return readJson<DigestRecord>(join(dir, `${date}.json`));
}

/** A channel's records from the newest date back, read one at a time; only those dated within the range (inclusive, either open). */
export async function* recordsNewestFirst(
  dir: string,
  { from, to }: { from?: DigestDate; to?: DigestDate } = {},
): AsyncGenerator<DigestRecord> {
  const dates = (await fileNames(dir))
    .flatMap((n) => RECORD_FILE.exec(n)?.[1] ?? [])
    .filter((date) => (from === undefined || date >= from) && (to === undefined || date <= to))
    .sort()
    .reverse();
  for (const date of dates) {
    const record = await readRecord(dir, date);
    if (record) yield record;
  }
}

/** The record of what happened to a claimed date, as it will be written. */
export function recordOf(
  result: DigestResult,
  base: Pick<DigestRecord, "channelId" | "date" | "scheduledFor" | "owner">,
  now: () => Date,
): DigestRecord {
  return result.state === "posted"
    ? {
        state: "posted",
        ...base,
        paperIds: result.paperIds,
        messageIds: result.messageIds,
        ...(result.messageUrls ? { messageUrls: result.messageUrls } : {}),
        ...(result.papers ? { papers: result.papers } : {}),
        ...(result.guildId ? { guildId: result.guildId } : {}),
        ...(result.threadId ? { threadId: result.threadId } : {}),
        postedAt: (result.postedAt ?? now()).toISOString(),
        reconciled: result.reconciled ?? false,
      }
    : { state: "skipped", ...base, reason: result.reason, recordedAt: now().toISOString() };
}

/** Writes the final record unless one exists; returns the record that stands. */
export async function writeRecord(dir: string, record: DigestRecord): Promise<{ record: DigestRecord; written: boolean }> {
  const path = join(dir, `${record.date}.json`);
  if (await createExclusive(dir, path, `${JSON.stringify(record, null, 2)}\n`)) {
    await syncDir(dir);
    return { record, written: true };
  }
  return { record: (await readJson<DigestRecord>(path)) ?? record, written: false };
}
