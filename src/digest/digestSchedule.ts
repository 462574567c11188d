import { Cron } from "croner";
import type { DigestDate } from "./digestLedger.js";

/**
 * When a subscription's digests are due. croner turns "HH:MM in this IANA zone"
 * into instants, daylight-saving changes included: 09:00 Europe/Berlin is 08:00 UTC
 * in winter and 07:00 UTC in summer; a time that does not exist on a spring-forward
 * day (02:30) runs once, an hour later (03:30); one that happens twice on a
 * fall-back day runs once.
 */

export interface DailyTime {
  /** "HH:MM" as subscriptions have it; "HH:MM:SS" for a schedule that needs seconds (a test's, a second away). */
  time: string;
  timeZone: string;
}

/** The croner pattern (with seconds) of the time of day: the scheduler's jobs fire on it, and due times are computed from it. */
export function dailyPattern({ time }: DailyTime): string {
  const [hours, minutes, seconds = "0"] = time.split(":");
  return `${Number(seconds)} ${Number(minutes)} ${Number(hours)} * * *`;
}

function dailyCron(schedule: DailyTime): Cron {
  return new Cron(dailyPattern(schedule), { timezone: schedule.timeZone, paused: true });
}

/** The first time the digest is due strictly after `after`. */
export function nextDigestAt(schedule: DailyTime, after: Date): Date | undefined {
  return dailyCron(schedule).nextRun(after) ?? undefined;
}

/** Every time the digest was due after `from` (exclusive) up to `to` (inclusive), oldest first; at most `limit`, the latest ones. */
export function digestTimesBetween(schedule: DailyTime, from: Date, to: Date, limit = 400): Date[] {
  const cron = dailyCron(schedule);
  const out: Date[] = [];
  for (let at = cron.nextRun(from); at && at <= to; at = cron.nextRun(at)) {
    out.push(at);
    if (out.length > limit) out.shift();
  }
  return out;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: the digest's date for that channel. */
export function digestDate(at: Date, timeZone: string): DigestDate {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
