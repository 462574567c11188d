import { Cron } from "croner";
import type { Logger } from "../logger.js";
import { errorMessage } from "../errors.js";
import type { Config } from "../config.js";
import { digestSince, type ChannelSince } from "./channelSince.js";
import { DigestLedger, type DigestClaim, type DigestDate, type DigestRecord, type PostedPaper } from "./digestLedger.js";
import { dailyPattern, digestDate, digestTimesBetween, nextDigestAt } from "./digestSchedule.js";
import { SubscriptionStore, type Subscription, type SubscriptionOptions } from "./subscriptions.js";

/**
 * Posts each subscribed channel's daily digest once per date, at its local time.
 *
 * Each run goes: claim (channel, date) in the ledger → look at the channel (a claim
 * taken over from a crashed owner may already have been posted) → post → record.
 * The claim is the only way to post, so a restart, a crash between posting and
 * recording, or a second bot process never posts a date twice. Timers are croner
 * jobs (one per subscription) plus a sweep every minute that picks up other
 * processes' (un)subscribes, retries failures and catches up; tests drive
 * `runDue(at)` with their own clock instead.
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

export interface DigestSchedulerOptions {
  subscriptions: Pick<SubscriptionStore, "get" | "list" | "subscribe" | "unsubscribe">;
  ledger: DigestLedger;
  poster: DigestPoster;
  logger: Logger;
  /** The clock (default: real time). */
  now?: () => Date;
  /** Real timers (croner jobs and the sweep); false in tests that call runDue themselves. Default true. */
  timers?: boolean;
  /** How often to look for changes, retries and missed digests (default 60 s). */
  sweepMs?: number;
  /** A digest missed by at most this long is posted late; older ones are skipped (default 24 h). */
  lateWindowMs?: number;
  /** Only these subscriptions (e.g. one shard's guilds); default all. */
  handles?: (subscription: Subscription) => boolean;
  /** Channels posted to at the same time (default 4). */
  concurrency?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back missed digests are looked for and recorded as skipped. */
const LOOKBACK_MS = 8 * DAY;

export class DigestScheduler {
  private readonly now: () => Date;
  private readonly lateWindowMs: number;
  private readonly jobs = new Map<string, { key: string; job: Cron }>();
  /** Per channel: the latest due time settled (posted, skipped, or found done). */
  private readonly settled = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
  /** Per channel: nothing to do before this instant (computing times in a zone is slow: ~3 ms). */
  private readonly quietUntil = new Map<string, { key: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<RunOutcome[]>>();
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: DigestSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.lateWindowMs = options.lateWindowMs ?? DAY;
  }

  /** Catches up (posts what was missed within the late window, skips older), then schedules. */
  async start(): Promise<RunOutcome[]> {
    this.stopped = false;
    const outcomes = await this.runDue();
    if (this.options.timers !== false && !this.stopped) {
      this.sweep = setInterval(
        () => void this.runDue().catch((e: unknown) => this.options.logger.error({ err: e }, "digest sweep failed")),
        this.options.sweepMs ?? 60_000,
      );
      this.sweep.unref();
    }
    return outcomes;
  }

  /** Stops the timers and waits for posts in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
    await Promise.allSettled(this.inFlight.values());
  }

  /** Runs every digest due at `at` (default now) that is not settled yet. */
  async runDue(at: Date = this.now()): Promise<RunOutcome[]> {
    const subscriptions = (await this.options.subscriptions.list()).filter((s) => this.options.handles?.(s) ?? true);
    this.schedule(subscriptions);
    const outcomes: RunOutcome[] = [];
    const queue = [...subscriptions];
    const worker = async () => {
      for (let sub = queue.shift(); sub; sub = queue.shift()) outcomes.push(...(await this.runChannel(sub, at)));
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency ?? 4) }, worker));
    return outcomes;
  }

  /** `/digest now`: today's digest (in the channel's zone) now, unless today's is already posted. */
  async postNow(channelId: string): Promise<RunOutcome | undefined> {
    const sub = await this.options.subscriptions.get(channelId);
    if (!sub) return undefined;
    return this.runOnce(sub, this.now(), true);
  }

  async subscribe(channelId: string, guildId: string, options: SubscriptionOptions): Promise<Subscription> {
    const sub = await this.options.subscriptions.subscribe(channelId, guildId, options);
    this.settled.delete(channelId);
    this.quietUntil.delete(channelId);
    if (this.options.handles?.(sub) ?? true) this.scheduleOne(sub);
    return sub;
  }

  /** Ends the subscription and cancels its timer: no further posts. */
  async unsubscribe(channelId: string): Promise<boolean> {
    this.cancel(channelId);
    return this.options.subscriptions.unsubscribe(channelId);
  }

  /** The digest date it is now in a time zone, by the scheduler's clock (what `/digest preview` shows). */
  today(timeZone: string): DigestDate {
    return digestDate(this.now(), timeZone);
  }

  /** When this process will next post to the channel (undefined without real timers or subscription). */
  nextRun(channelId: string): Date | undefined {
    return this.jobs.get(channelId)?.job.nextRun() ?? undefined;
  }

  private async runChannel(sub: Subscription, at: Date): Promise<RunOutcome[]> {
    if (this.inFlight.has(sub.channelId)) return [];
    const failure = this.failures.get(sub.channelId);
    if (failure && at.getTime() < failure.retryAt) return [];
    const key = `${sub.time} ${sub.timeZone} ${sub.createdAt}`;
    const quiet = this.quietUntil.get(sub.channelId);
    if (quiet?.key === key && at.getTime() < quiet.until) return [];
    const run = this.runChannelNow(sub, at)
      .then((outcomes) => {
        // All settled: nothing more to do for this channel until its next time.
        if (outcomes.every((o) => isSettled(o.status)))
          this.quietUntil.set(sub.channelId, { key, until: nextDigestAt(sub, at)?.getTime() ?? Infinity });
        return outcomes;
      })
      .catch((error: unknown) => {
        // E.g. the ledger folder cannot be written: this channel waits and retries, the others go on.
        this.failed(sub.channelId, at, error);
        return [];
      })
      .finally(() => this.inFlight.delete(sub.channelId));
    this.inFlight.set(sub.channelId, run);
    return run;
  }

  private async runChannelNow(sub: Subscription, at: Date): Promise<RunOutcome[]> {
    const { ledger, logger } = this.options;
    let settled = this.settled.get(sub.channelId);
    if (settled === undefined) {
      const latest = await ledger.latest(sub.channelId);
      settled = latest ? new Date(latest.scheduledFor).getTime() : 0;
    }
    const from = Math.max(new Date(sub.createdAt).getTime(), settled, at.getTime() - LOOKBACK_MS);
    const times = digestTimesBetween(sub, new Date(from), at);
    if (times.length === 0) return [];
    const latest = times.at(-1)!;
    const due = at.getTime() - latest.getTime() <= this.lateWindowMs ? latest : undefined;
    const missed = due ? times.slice(0, -1) : times;
    const outcomes: RunOutcome[] = [];
    if (missed.length > 0) {
      // Only the newest missed date gets a record (enough to not look again); the log names them all.
      const newest = missed.at(-1)!;
      const dates = missed.map((t) => digestDate(t, sub.timeZone));
      const tooOld = at.getTime() - newest.getTime() > this.lateWindowMs;
      const reason = tooOld
        ? `missed by more than ${Math.round(this.lateWindowMs / HOUR)} hours`
        : `superseded by the digest of ${digestDate(due!, sub.timeZone)}`;
      const outcome = await this.skip(sub, newest, reason);
      outcomes.push(outcome);
      if (outcome.status === "skipped")
        logger.warn({ channelId: sub.channelId, dates, reason }, `missed digests skipped (${reason}): ${dates.join(", ")}`);
      if (!due && isSettled(outcome.status)) this.settled.set(sub.channelId, newest.getTime());
    }
    if (due) {
      const outcome = await this.runOnce(sub, due, false, at);
      outcomes.push(outcome);
      if (isSettled(outcome.status)) this.settled.set(sub.channelId, due.getTime());
    }
    return outcomes;
  }

  private async skip(sub: Subscription, scheduledFor: Date, reason: string): Promise<RunOutcome> {
    const date = digestDate(scheduledFor, sub.timeZone);
    const claimed = await this.options.ledger.claim(sub.channelId, date, scheduledFor);
    if (claimed.status !== "claimed") return outcomeOf(sub.channelId, date, scheduledFor, claimed);
    const claim = claimed.claim;
    try {
      // A crashed owner may have posted it: then it is recorded as posted, so that "since" stays right.
      const found = claim.previous ? await this.findPosted(claim) : undefined;
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

  /** Claim → reconcile → post → record, for one (channel, date). */
  private async runOnce(scheduled: Subscription, scheduledFor: Date, manual: boolean, at: Date = this.now()): Promise<RunOutcome> {
    const { ledger, poster, logger } = this.options;
    const channelId = scheduled.channelId;
    const date = digestDate(scheduledFor, scheduled.timeZone);
    const base = { channelId, date, scheduledFor };
    // Unsubscribed (maybe in another process) since the list was read: no post.
    const sub = manual ? scheduled : await this.options.subscriptions.get(channelId);
    if (!sub) {
      this.cancel(channelId);
      return { ...base, status: "unsubscribed" };
    }
    const claimed = await ledger.claim(channelId, date, scheduledFor);
    if (claimed.status !== "claimed") return outcomeOf(channelId, date, scheduledFor, claimed);
    const claim = claimed.claim;
    try {
      const found = await this.findPosted(claim);
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
        this.failures.delete(channelId);
        return { ...base, status: "reconciled", record };
      }
      if (!(await claim.isCurrent())) {
        claim.release();
        return { ...base, status: "busy" };
      }
      const late = !manual && at.getTime() - scheduledFor.getTime() > 60_000;
      const result = await poster.post(channelId, date, sub, { scheduledFor, since: await digestSince(ledger, channelId), late });
      const { record, written } = await claim.finish(
        "skipped" in result ? { state: "skipped", reason: result.skipped } : { state: "posted", ...result, guildId: sub.guildId },
      );
      if (!written) logger.error({ channelId, date, record }, "digest recorded by another owner while this one posted it");
      this.failures.delete(channelId);
      if (record.state === "posted")
        logger.info({ channelId, date, late, papers: record.paperIds.length, messageIds: record.messageIds }, "digest posted");
      else logger.info({ channelId, date, reason: record.reason }, "digest skipped");
      return { ...base, status: record.state, record };
    } catch (error) {
      claim.release();
      this.failed(channelId, at, error, date);
      return { ...base, status: "failed", error: errorMessage(error) };
    }
  }

  /** Backs off: retried after 1, 2, 4 … minutes, at most an hour. */
  private failed(channelId: string, at: Date, error: unknown, date?: DigestDate): void {
    const count = (this.failures.get(channelId)?.count ?? 0) + 1;
    const retryInMs = Math.min(HOUR, 60_000 * 2 ** (count - 1));
    this.failures.set(channelId, { count, retryAt: at.getTime() + retryInMs });
    this.options.logger.error({ err: error, channelId, date, retryInMs }, "digest failed; will retry");
  }

  /**
   * What the channel shows for the date. After taking over a stale claim this decides
   * between posting and recording, so if the channel cannot be read the post waits
   * (the error is retried); on a fresh claim it is only a safety net.
   */
  private async findPosted(claim: DigestClaim) {
    try {
      // A date's digest is posted on that local date or, late, within a day of its time: never 26 h before it.
      return await this.options.poster.findPosted(claim.channelId, claim.date, {
        after: new Date(claim.scheduledFor.getTime() - 26 * HOUR),
      });
    } catch (error) {
      if (claim.previous) throw error;
      this.options.logger.warn(
        { err: error, channelId: claim.channelId, date: claim.date },
        "could not read the channel before posting the digest",
      );
      return undefined;
    }
  }

  /** One croner job per subscription, re-made when its time or zone changes; jobs of gone subscriptions stop. */
  private schedule(subscriptions: Subscription[]): void {
    if (this.options.timers === false || this.stopped) return;
    const ids = new Set(subscriptions.map((s) => s.channelId));
    for (const channelId of this.jobs.keys()) if (!ids.has(channelId)) this.cancel(channelId);
    for (const sub of subscriptions) this.scheduleOne(sub);
  }

  private scheduleOne(sub: Subscription): void {
    if (this.options.timers === false || this.stopped) return;
    const key = `${sub.time} ${sub.timeZone}`;
    if (this.jobs.get(sub.channelId)?.key === key) return;
    this.cancel(sub.channelId);
    // croner fires no earlier than the due instant, so `now` then includes it.
    const job = new Cron(dailyPattern(sub), { timezone: sub.timeZone, unref: true, protect: true }, async () => {
      try {
        const fresh = await this.options.subscriptions.get(sub.channelId);
        if (!fresh) this.cancel(sub.channelId);
        else await this.runChannel(fresh, this.now());
      } catch (error) {
        this.options.logger.error({ err: error, channelId: sub.channelId }, "digest run failed");
      }
    });
    this.jobs.set(sub.channelId, { key, job });
  }

  private cancel(channelId: string): void {
    this.jobs.get(channelId)?.job.stop();
    this.jobs.delete(channelId);
    this.settled.delete(channelId);
    this.failures.delete(channelId);
    this.quietUntil.delete(channelId);
  }
}

function isSettled(status: RunStatus): boolean {
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

export { digestDate, nextDigestAt };

export interface DigestService {
  subscriptions: SubscriptionStore;
  ledger: DigestLedger;
  scheduler: DigestScheduler;
  /** Stops the scheduler (waiting for posts in progress) and closes the store. */
  close(): Promise<void>;
}

/**
 * Everything the bot needs for the digest, from the configuration: subscriptions in the
 * library's database, the ledger in DIGEST_STATE_DIR, and a scheduler (call `start()`).
 */
export async function openDigestService(
  config: Pick<Config, "lancedb" | "digest">,
  logger: Logger,
  poster: DigestPoster,
  options: Partial<Omit<DigestSchedulerOptions, "subscriptions" | "ledger" | "poster" | "logger">> = {},
): Promise<DigestService> {
  const subscriptions = await SubscriptionStore.open({
    uri: config.lancedb.uri,
    storageOptions: config.lancedb.storageOptions,
    ...(options.now ? { now: options.now } : {}),
  });
  const ledger = await DigestLedger.open(config.digest.stateDir);
  const scheduler = new DigestScheduler({ ...options, subscriptions, ledger, poster, logger: logger.child({ component: "digest" }) });
  return {
    subscriptions,
    ledger,
    scheduler,
    async close() {
      await scheduler.stop();
      subscriptions.close();
    },
  };
}
