import type { SearchFilters } from "./searchPapers.js";
import { contentWords } from "../text/words.js";

/**
 * "What's new this week on X": a time phrase in a question becomes a filter on
 * the papers' publication date (or year), and leaves the rest of the question to
 * search. A closed set of phrases, matched whole, so that a title word such as
 * "May" or a number in a question is never taken for a date.
 */
export interface TimeWindow {
  filters: Pick<SearchFilters, "publishedAfter" | "publishedBefore" | "yearFrom" | "yearTo">;
  /** How the window reads in an answer: "this week (since 16 Nov 2026)". */
  label: string;
  /** The question without the time phrase. */
  rest: string;
}

const DAY_MS = 86_400_000;
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  few: 3,
  couple: 2,
};
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
const YEAR = String.raw`((?:19|20)\d{2})`;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
export const readable = (date: Date) =>
  date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const daysBefore = (today: Date, days: number) => new Date(today.getTime() - days * DAY_MS);

interface Rule {
  pattern: RegExp;
  window(match: RegExpExecArray, today: Date): Pick<TimeWindow, "filters" | "label">;
}

/** Published in the last `days` days (as `/recent` counts them), and not after today (a mis-dated paper is not news). */
function lastDays(days: number, today: Date, name: string): Pick<TimeWindow, "filters" | "label"> {
  const since = daysBefore(today, days);
  return { filters: { publishedAfter: isoDay(since), publishedBefore: isoDay(today) }, label: `${name} (since ${readable(since)})` };
}

function years(from: number | undefined, to: number | undefined, label: string): Pick<TimeWindow, "filters" | "label"> {
  return { filters: { ...(from !== undefined ? { yearFrom: from } : {}), ...(to !== undefined ? { yearTo: to } : {}) }, label };
}

// First match wins: longer phrases come before the shorter ones they contain.
const RULES: Rule[] = [
  {
    pattern:
      /\b(?:in|over|during|within|from)?\s*(?:the\s+)?(?:last|past)\s+(\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|few|couple(?:\s+of)?)\s+(day|week|month|year)s?\b/i,
    window: (m, today) => {
      const count = /^\d+$/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!.toLowerCase().replace(/\s+of$/, "")]!;
      const unit = m[2]!.toLowerCase();
      return lastDays(Math.max(1, count) * UNIT_DAYS[unit]!, today, `in the last ${count} ${unit}${count === 1 ? "" : "s"}`);
    },
  },
  {
    pattern: /\b(?:(?:in|over|during|within)\s+the\s+(?:last|past)|past)\s+(day|week|month|year)\b/i,
    window: (m, today) => lastDays(UNIT_DAYS[m[1]!.toLowerCase()]!, today, `in the past ${m[1]!.toLowerCase()}`),
  },
  { pattern: /\b(?:this|last)\s+week\b/i, window: (m, today) => lastDays(7, today, m[0].toLowerCase()) },
  { pattern: /\b(?:this|last)\s+month\b/i, window: (m, today) => lastDays(30, today, m[0].toLowerCase()) },
  // "today's models" speaks of the present, not of papers published today.
  {
    pattern: /\btoday\b(?!['’]s)/i,
    window: (_, today) => ({
      filters: { publishedAfter: isoDay(today), publishedBefore: isoDay(today) },
      label: `today (${readable(today)})`,
    }),
  },
  {
    pattern: /\byesterday\b/i,
    window: (_, today) => {
      const day = isoDay(daysBefore(today, 1));
      return { filters: { publishedAfter: day, publishedBefore: day }, label: `yesterday (${readable(daysBefore(today, 1))})` };
    },
  },
  {
    pattern: /\bthis\s+year\b/i,
    window: (_, today) => years(today.getUTCFullYear(), today.getUTCFullYear(), `this year (${today.getUTCFullYear()})`),
  },
  {
    pattern: /\blast\s+year\b/i,
    window: (_, today) => years(today.getUTCFullYear() - 1, today.getUTCFullYear() - 1, `last year (${today.getUTCFullYear() - 1})`),
  },
  {
    pattern: new RegExp(String.raw`\bbetween\s+${YEAR}\s+and\s+${YEAR}\b`, "i"),
    window: (m) => years(Number(m[1]), Number(m[2]), `between ${m[1]} and ${m[2]}`),
  },
  {
    pattern: new RegExp(String.raw`\bfrom\s+${YEAR}\s+(?:to|until|through)\s+${YEAR}\b`, "i"),
    window: (m) => years(Number(m[1]), Number(m[2]), `from ${m[1]} to ${m[2]}`),
  },
  { pattern: new RegExp(String.raw`\bsince\s+${YEAR}\b`, "i"), window: (m) => years(Number(m[1]), undefined, `since ${m[1]}`) },
  { pattern: new RegExp(String.raw`\bafter\s+${YEAR}\b`, "i"), window: (m) => years(Number(m[1]) + 1, undefined, `after ${m[1]}`) },
  { pattern: new RegExp(String.raw`\bbefore\s+${YEAR}\b`, "i"), window: (m) => years(undefined, Number(m[1]) - 1, `before ${m[1]}`) },
  {
    pattern: new RegExp(String.raw`\b(?:published|released|out)\s+in\s+${YEAR}\b|\b(?:in|from|during)\s+${YEAR}\b`, "i"),
    window: (m) => years(Number(m[1] ?? m[2]), Number(m[1] ?? m[2]), `in ${m[1] ?? m[2]}`),
  },
];

/** The time window a question asks about, if it names one. */
export function findTimeWindow(question: string, today: Date): TimeWindow | undefined {
  for (const rule of RULES) {
    const match = rule.pattern.exec(question);
    if (!match) continue;
    const rest = `${question.slice(0, match.index)} ${question.slice(match.index + match[0].length)}`
      .replace(/\s+/g, " ")
      .replace(/\s+([?.!,])/g, "$1")
      .trim();
    return { ...rule.window(match, today), rest };
  }
  return undefined;
}

const MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec".split(" ");
const MONTH =
  String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|` +
  String.raw`sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY_OF_MONTH = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const ON = String.raw`(?:(?:on|of|from|for)\s+(?:the\s+)?)?`;
const DAY_RULES: { pattern: RegExp; day(match: RegExpExecArray, today: Date): Date | undefined }[] = [
  { pattern: /\b(?:(?:on|of|from|for)\s+)?(\d{4})-(\d{2})-(\d{2})\b/i, day: (m) => dayOf(Number(m[1]), Number(m[2]), Number(m[3])) },
  {
    pattern: new RegExp(String.raw`\b${ON}${DAY_OF_MONTH}(?:\s+of)?\s+${MONTH}(?:,?\s+${YEAR})?\b`, "i"),
    day: (m, today) => nearestDay(today, monthOf(m[2]!), Number(m[1]), m[3]),
  },
  {
    pattern: new RegExp(String.raw`\b${ON}${MONTH}\s+(?:the\s+)?${DAY_OF_MONTH}(?:,?\s+${YEAR})?\b`, "i"),
    day: (m, today) => nearestDay(today, monthOf(m[1]!), Number(m[2]), m[3]),
  },
  // "today's digest": here the day is meant (findTimeWindow leaves "today's models" alone).
  { pattern: /\b(?:on\s+|from\s+)?today(?:['’]s)?\b/i, day: (_, today) => today },
  { pattern: /\b(?:on\s+|from\s+)?yesterday(?:['’]s)?\b/i, day: (_, today) => daysBefore(today, 1) },
];

/** The month's number; 0 for "may" in lower case, the verb ("how may 3 layers help?"). */
const monthOf = (name: string) => (name === "may" ? 0 : MONTH_NAMES.indexOf(name.slice(0, 3).toLowerCase()) + 1);

function dayOf(year: number, month: number, day: number): Date | undefined {
  if (month < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

/** "3 Dec" without a year: the last 3 December up to today. */
function nearestDay(today: Date, month: number, day: number, year: string | undefined): Date | undefined {
  if (year) return dayOf(Number(year), month, day);
  const thisYear = dayOf(today.getUTCFullYear(), month, day);
  return thisYear && thisYear.getTime() <= today.getTime() ? thisYear : dayOf(today.getUTCFullYear() - 1, month, day);
}

/**
 * One calendar day a question names: "on 3 Dec", "December 3rd, 2026", "2026-12-03", "today's",
 * "yesterday's". Not part of findTimeWindow, whose questions are about publication dates: this is for
 * questions about what was posted on a day (the digest archive).
 */
export function findCalendarDay(question: string, today: Date): TimeWindow | undefined {
  for (const rule of DAY_RULES) {
    const match = rule.pattern.exec(question);
    const day = match && rule.day(match, today);
    if (!match || !day) continue;
    const rest = `${question.slice(0, match.index)} ${question.slice(match.index + match[0].length)}`
      .replace(/\s+/g, " ")
      .replace(/\s+([?.!,])/g, "$1")
      .trim();
    return { filters: { publishedAfter: isoDay(day), publishedBefore: isoDay(day) }, label: `on ${readable(day)}`, rest };
  }
  return undefined;
}

/** Words that ask for newness rather than name a topic ("what's new", "anything interesting out"). */
const NEWNESS_WORDS = new Set(
  "new newest latest recent recently published released out anything something interesting notable happened came come lately show list give tell".split(
    " ",
  ),
);

/** The topic left in a question once its time phrase and newness words are gone; "" for "what's new this week?". */
export function topicOf(rest: string): string {
  return contentWords(rest)
    .filter((w) => !NEWNESS_WORDS.has(w))
    .join(" ");
}
