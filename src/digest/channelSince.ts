import type { DigestLedger } from "./digestLedger.js";
import type { DigestDate, PostedRecord } from "./digestRecords.js";

/* What a channel has been shown, read from the ledger's posted records: what makes a paper new to it. */

/** When the channel's last digest was posted: papers after this are new to it (undefined: never). */
export async function lastDigestAt(ledger: DigestLedger, channelId: string): Promise<Date | undefined> {
  const last = await ledger.lastPosted(channelId);
  return last ? new Date(last.postedAt) : undefined;
}

/** What a channel has been shown: its last digest (date and time) and the papers of its recent digests. */
export interface ChannelSince {
  /** YYYY-MM-DD of the last posted digest. */
  date: DigestDate;
  /** When it was posted. */
  at: Date;
  /** Papers posted in the channel's last `digests` digests, newest first. */
  paperIds: string[];
}

/**
 * "New since that channel's last digest": shaped to pass to buildDigest as `since`
 * (`{ date, paperIds }`). Undefined before the channel's first digest. `before`: only digests of earlier dates
 * count, so a preview of a day already posted shows what was posted.
 */
export async function digestSince(
  ledger: DigestLedger,
  channelId: string,
  { digests = 30, before }: { digests?: number; before?: DigestDate } = {},
): Promise<ChannelSince | undefined> {
  const posted = (await ledger.history(channelId))
    .filter((r): r is PostedRecord => r.state === "posted" && (before === undefined || r.date < before))
    .slice(-digests)
    .reverse();
  const last = posted[0];
  if (!last) return undefined;
  return { date: last.date, at: new Date(last.postedAt), paperIds: [...new Set(posted.flatMap((r) => r.paperIds))] };
}
