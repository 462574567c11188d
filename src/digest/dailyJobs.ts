import { Cron } from "croner";
import { dailyPattern } from "./digestSchedule.js";
import type { Subscription } from "./subscriptions.js";

/** The real timers of the digest: one croner job per subscription, at its daily time in its zone. */
export class DailyJobs {
  private readonly jobs = new Map<string, { key: string; job: Cron }>();

  /** Starts the subscription's job, or re-makes it when its time or zone changed; `fire` runs at each due time. */
  ensure(sub: Subscription, fire: () => Promise<void>): void {
    const key = `${sub.time} ${sub.timeZone}`;
    if (this.jobs.get(sub.channelId)?.key === key) return;
    this.cancel(sub.channelId);
    // croner fires no earlier than the due instant, so `now` then includes it.
    const job = new Cron(dailyPattern(sub), { timezone: sub.timeZone, unref: true, protect: true }, fire);
    this.jobs.set(sub.channelId, { key, job });
  }

  /** The channels that have a job. */
  channels(): string[] {
    return [...this.jobs.keys()];
  }

  /** When the channel's job fires next (undefined without one). */
  nextRun(channelId: string): Date | undefined {
    return this.jobs.get(channelId)?.job.nextRun() ?? undefined;
  }

  cancel(channelId: string): void {
    this.jobs.get(channelId)?.job.stop();
    this.jobs.delete(channelId);
  }

  stopAll(): void {
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
}
