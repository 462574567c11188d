import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import { digestSince, type ChannelSince } from "./channelSince.js";
import type { DigestClaim, DigestDate, DigestLedger, DigestRecord, PostedPaper } from "./digestLedger.js";
import { digestDate } from "./digestSchedule.js";
import type { Subscription, SubscriptionStore } from "./subscriptions.js";

/*
 * One digest of one (channel, date): claim it in the ledger → look at the channel (a
 * claim taken over from a crashed owner may already have been posted) → post → record.
 * The claim is the only way to post, so a restart, a crash between posting and
 * recording, or a second bot process never posts a date twice.
 */

export interface PostedMessages {
  messageIds: string[];
  /** Links to those messages, kept for the archive. */
  messageUrls?: string[];
  threadId?: string;
}

export interface DigestContext {
  /** The instant the digest was due. */
  scheduledFor: Date;
  /** The channel's previous digest (date, time) and the papers it was recently shown; undefined before its first. */
  since: ChannelSince | undefined;
  /** Posted after its time (catching up after a restart, or a retry). */
  late: boolean;
}

/** What the Discord side provides. */
export interface DigestPoster {
  /**
   * The digest of `date` if the channel shows it (its first line carries `digestMarker(date)`).
   * No digest of that date can have been posted before `after` (messages older need not be read).
   */
  findPosted(channelId: string, date: DigestDate, hint?: { after: Date }): Promise<(PostedMessages & { paperIds?: string[] }) | undefined>;
  /** Builds and posts the digest; `{ skipped }` when there is nothing to post (e.g. "nothing new"). */
  post(
    channelId: string,
    date: DigestDate,
    subscription: Subscription,
    context: DigestContext,
  ): Promise<(PostedMessages & { paperIds: string[]; papers?: PostedPaper[] }) | { skipped: string }>;
}

export type RunStatus =
  | "posted" // posted now and recorded
  | "reconciled" // found in the channel after a crash, recorded without posting again
  | "already" // the ledger already had this date
  | "skipped" // recorded as skipped: nothing new, or missed by more than the late window
  | "busy" // another live owner holds the date
  | "unsubscribed"
  | "failed"; // will be retried (with backoff); the claim stays for the retry to reconcile

export interface RunOutcome {
  channelId: string;
  date: DigestDate;
  scheduledFor: Date;
  status: RunStatus;
  record?: DigestRecord;
  error?: string;
}

/** What a run needs: the subscriptions (to see one is still there), the ledger, the Discord side and a log. */
export interface RunParts {
  subscriptions: Pick<SubscriptionStore, "get">;
  ledger: DigestLedger;
  poster: DigestPoster;
  logger: Logger;
}

const HOUR = 3_600_000;

/** Records a missed date as skipped, or as posted when a crashed owner turns out to have posted it. */
export async function skipDigest(parts: RunParts, sub: Subscription, scheduledFor: Date, reason: string): Promise<RunOutcome> {
  const date = digestDate(scheduledFor, sub.timeZone);
  const claimed = await parts.ledger.claim(sub.channelId, date, scheduledFor);
  if (claimed.status !== "claimed") return outcomeOf(sub.channelId, date, scheduledFor, claimed);
  const claim = claimed.claim;
  try {
    // A crashed owner may have posted it: then it is recorded as posted, so that "since" stays right.
    const found = claim.previous ? await findPosted(parts, claim) : undefined;
    const { record } = await claim.finish(
      found
        ? { state: "posted", ...found, paperIds: found.paperIds ?? [], guildId: sub.guildId, reconciled: true }
        : { state: "skipped", reason },
    );
    return { channelId: sub.channelId, date, scheduledFor, status: found ? "reconciled" : "skipped", record };
  } catch (error) {
    claim.release();
    throw error;
  }
}

/**
 * Claim → reconcile → post → record, for one (channel, date). A failure is returned with
 * its error (the claim released, for the retry to reconcile), not thrown.
 */
export async function postDigest(
  parts: RunParts,
  scheduled: Subscription,
  scheduledFor: Date,
  manual: boolean,
  at: Date,
): Promise<{ outcome: RunOutcome; failed?: { error: unknown } }> {
  const { ledger, poster, logger } = parts;
  const channelId = scheduled.channelId;
  const date = digestDate(scheduledFor, scheduled.timeZone);
  const base = { channelId, date, scheduledFor };
  // Unsubscribed (maybe in another process) since the list was read: no post.
  const sub = manual ? scheduled : await parts.subscriptions.get(channelId);
  if (!sub) return { outcome: { ...base, status: "unsubscribed" } };
  const claimed = await ledger.claim(channelId, date, scheduledFor);
  if (claimed.status !== "claimed") return { outcome: outcomeOf(channelId, date, scheduledFor, claimed) };
  const claim = claimed.claim;
  try {
    const found = await findPosted(parts, claim);
    if (found) {
      const { record } = await claim.finish({
        state: "posted",
        ...found,
        paperIds: found.paperIds ?? [],
        guildId: sub.guildId,
        reconciled: true,
      });
      logger.info(
        { channelId, date, messageIds: found.messageIds },
        "digest found already posted in the channel; recorded, not posted again",
      );
      return { outcome: { ...base, status: "reconciled", record } };
    }
    if (!(await claim.isCurrent())) {
      claim.release();
      return { outcome: { ...base, status: "busy" } };
    }
    const late = !manual && at.getTime() - scheduledFor.getTime() > 60_000;
    const result = await poster.post(channelId, date, sub, { scheduledFor, since: await digestSince(ledger, channelId), late });
    const { record, written } = await claim.finish(
      "skipped" in result ? { state: "skipped", reason: result.skipped } : { state: "posted", ...result, guildId: sub.guildId },
    );
    if (!written) logger.error({ channelId, date, record }, "digest recorded by another owner while this one posted it");
    if (record.state === "posted")
      logger.info({ channelId, date, late, papers: record.paperIds.length, messageIds: record.messageIds }, "digest posted");
    else logger.info({ channelId, date, reason: record.reason }, "digest skipped");
    return { outcome: { ...base, status: record.state, record } };
  } catch (error) {
    claim.release();
    return { outcome: { ...base, status: "failed", error: errorMessage(error) }, failed: { error } };
  }
}

/**
 * What the channel shows for the date. After taking over a stale claim this decides
 * between posting and recording, so if the channel cannot be read the post waits
 * (the error is retried); on a fresh claim it is only a safety net.
 */
async function findPosted(parts: RunParts, claim: DigestClaim) {
  try {
    // A date's digest is posted on that local date or, late, within a day of its time: never 26 h before it.
    return await parts.poster.findPosted(claim.channelId, claim.date, {
      after: new Date(claim.scheduledFor.getTime() - 26 * HOUR),
    });
  } catch (error) {
    if (claim.previous) throw error;
    parts.logger.warn({ err: error, channelId: claim.channelId, date: claim.date }, "could not read the channel before posting the digest");
    return undefined;
  }
}

export function isSettled(status: RunStatus): boolean {
  return status === "posted" || status === "reconciled" || status === "already" || status === "skipped";
}

function outcomeOf(
  channelId: string,
  date: DigestDate,
  scheduledFor: Date,
  claimed: { status: "done"; record: DigestRecord } | { status: "busy" },
): RunOutcome {
  return claimed.status === "done"
    ? { channelId, date, scheduledFor, status: "already", record: claimed.record }
    : { channelId, date, scheduledFor, status: "busy" };
}
