import type { Logger } from "../logger.js";
import { DailyJobs } from "./dailyJobs.js";
import type { DigestDate, DigestLedger } from "./digestLedger.js";
import { isSettled, postDigest, skipDigest, type DigestPoster, type RunOutcome } from "./digestRun.js";
import { digestDate, digestTimesBetween, nextDigestAt } from "./digestSchedule.js";
import { RetryBackoff } from "./retryBackoff.js";
import type { Subscription, SubscriptionOptions, SubscriptionStore } from "./subscriptions.js";

/**
 * Posts each subscribed channel's daily digest once per date, at its local time: which
 * dates are due, missed or settled, per channel; each date's run is digestRun's. Timers
 * are croner jobs (one per subscription, dailyJobs) plus a sweep every minute that picks
 * up other processes' (un)subscribes, retries failures (retryBackoff) and catches up;
 * tests drive `runDue(at)` with their own clock instead.
 */

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
  private readonly jobs = new DailyJobs();
  /** Per channel: the latest due time settled (posted, skipped, or found done). */
  private readonly settled = new Map<string, number>();
  private readonly retries: RetryBackoff;
  /** Per channel: nothing to do before this instant (computing times in a zone is slow: ~3 ms). */
  private readonly quietUntil = new Map<string, { key: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<RunOutcome[]>>();
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: DigestSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.lateWindowMs = options.lateWindowMs ?? DAY;
    this.retries = new RetryBackoff(options.logger);
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
    this.jobs.stopAll();
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
    return this.jobs.nextRun(channelId);
  }

  private async runChannel(sub: Subscription, at: Date): Promise<RunOutcome[]> {
    if (this.inFlight.has(sub.channelId)) return [];
    if (this.retries.waiting(sub.channelId, at)) return [];
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
        this.retries.failed(sub.channelId, at, error);
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
      const outcome = await skipDigest(this.options, sub, newest, reason);
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

  /** One (channel, date) through digestRun; what the outcome means for the channel's timer and backoff. */
  private async runOnce(scheduled: Subscription, scheduledFor: Date, manual: boolean, at: Date = this.now()): Promise<RunOutcome> {
    const { outcome, failed } = await postDigest(this.options, scheduled, scheduledFor, manual, at);
    if (outcome.status === "unsubscribed") this.cancel(outcome.channelId);
    else if (failed) this.retries.failed(outcome.channelId, at, failed.error, outcome.date);
    else if (outcome.status === "posted" || outcome.status === "reconciled" || outcome.status === "skipped")
      this.retries.clear(outcome.channelId);
    return outcome;
  }

  /** One croner job per subscription, re-made when its time or zone changes; jobs of gone subscriptions stop. */
  private schedule(subscriptions: Subscription[]): void {
    if (this.options.timers === false || this.stopped) return;
    const ids = new Set(subscriptions.map((s) => s.channelId));
    for (const channelId of this.jobs.channels()) if (!ids.has(channelId)) this.cancel(channelId);
    for (const sub of subscriptions) this.scheduleOne(sub);
  }

  private scheduleOne(sub: Subscription): void {
    if (this.options.timers === false || this.stopped) return;
    this.jobs.ensure(sub, async () => {
      try {
        const fresh = await this.options.subscriptions.get(sub.channelId);
        if (!fresh) this.cancel(sub.channelId);
        else await this.runChannel(fresh, this.now());
      } catch (error) {
        this.options.logger.error({ err: error, channelId: sub.channelId }, "digest run failed");
      }
    });
  }

  private cancel(channelId: string): void {
    this.jobs.cancel(channelId);
    this.settled.delete(channelId);
    this.retries.clear(channelId);
    this.quietUntil.delete(channelId);
  }
}
