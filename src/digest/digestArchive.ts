import { paperUrl } from "../paper.js";
import type { PaperStore } from "../store/paperStore.js";
import type { DigestDate, DigestLedger, PostedPaper, PostedRecord } from "./digestLedger.js";

/*
 * The archive of a channel's posted digests: what `/digest history`, `digest --history` and questions
 * about past digests ("what did we post about diffusion last month?") read. It is the digest ledger's
 * posted records (src/digest/digestLedger.ts), not a store of its own: the record written once, when the
 * post is recorded, carries the papers as posted (id, title, link), the messages' links and the server,
 * so a digest is in the archive exactly when it is in the ledger. See docs/design.md, "The archive".
 */

export interface ArchivedDigest {
  channelId: string;
  guildId?: string;
  /** The digest's date (YYYY-MM-DD, in the channel's time zone). */
  date: DigestDate;
  /** When it was posted (ISO). */
  postedAt: string;
  /** The papers, in the digest's order. */
  papers: PostedPaper[];
  messageIds: string[];
  /** Links to the posted messages, first message first; empty when the record predates them. */
  messageUrls: string[];
  threadId?: string;
}

/** YYYY-MM-DD bounds, inclusive; either may be open. */
export interface DateRange {
  from?: DigestDate;
  to?: DigestDate;
}

/** A channel's posted digests in a date range, newest first. */
export interface DigestArchive {
  digests(channelId: string, range?: DateRange): Promise<ArchivedDigest[]>;
}

/** Papers the library knows, by id: titles for records that kept only ids (written before the archive, or found after a crash). */
export type PaperLookup = (ids: readonly string[]) => Promise<PostedPaper[]>;

/** The library as a PaperLookup: each paper's title and its arXiv page. */
export function libraryPapers(store: Pick<PaperStore, "findPapers">): PaperLookup {
  return async (ids) =>
    (await store.findPapers(ids)).map(({ paper }) => {
      const url = paperUrl(paper);
      return { id: paper.id, title: paper.title, ...(url ? { url } : {}) };
    });
}

/** The most days `/digest history` and `digest --history` look back. */
export const MAX_HISTORY_DAYS = 365;
export const DEFAULT_HISTORY_DAYS = 30;

const DAY_MS = 86_400_000;

/** The last `days` digest dates up to `today` (YYYY-MM-DD, the channel's): 1 = today only. No later digest exists to leave out. */
export function lastDaysRange(days: number, today: DigestDate): DateRange {
  return { from: new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10) };
}

export function digestArchive(ledger: Pick<DigestLedger, "posted">, lookup?: PaperLookup): DigestArchive {
  return {
    async digests(channelId, range = {}) {
      const records = await ledger.posted(channelId, range);
      // One look-up for every paper a record names without its title.
      const untitled = [...new Set(records.flatMap((r) => (r.papers ? [] : r.paperIds)))];
      const known = new Map((lookup && untitled.length > 0 ? await lookup(untitled) : []).map((p) => [p.id, p]));
      return records.map((record) => archived(record, known));
    },
  };
}

function archived(record: PostedRecord, known: ReadonlyMap<string, PostedPaper>): ArchivedDigest {
  return {
    channelId: record.channelId,
    ...(record.guildId ? { guildId: record.guildId } : {}),
    date: record.date,
    postedAt: record.postedAt,
    // A paper the library no longer has is still listed, by its id.
    papers: record.papers ?? record.paperIds.map((id) => known.get(id) ?? { id, title: id }),
    messageIds: record.messageIds,
    messageUrls: record.messageUrls ?? [],
    ...(record.threadId ? { threadId: record.threadId } : {}),
  };
}
