import { DISCORD_LIMITS, escapeForDiscord, quietLink } from "./discordText.js";
import { truncate } from "../text/truncate.js";
import type { Digest, DigestEntry } from "../digest/buildDigest.js";
import { digestVoteRow, type DigestVoteRow } from "./digestVotes.js";

/*
 * A digest as Discord message payloads, within Discord's limits. Every piece of
 * paper text (and the channel's topics) is escaped, so a title with markdown or
 * `@everyone` shows as text and can do nothing; links are quiet (no preview cards).
 *
 * Each message starts with a marker line holding the date ("📰 Daily papers — 2026-11-23",
 * then " (2/3)" on a digest split over several messages), which is how the
 * scheduler recognises a digest already in a channel: see `findDigestMarker`.
 */

export interface DigestEmbed {
  title: string;
  url?: string;
  description: string;
}

/** Shaped like discord.js's message options: pass as `channel.send(message)`. */
export interface DigestMessage {
  content: string;
  embeds?: DigestEmbed[];
  /** Nobody is pinged, whatever the text says. */
  allowedMentions: { parse: [] };
  /** 👍/👎 buttons, one row per paper of the message (with `votes`). */
  components?: DigestVoteRow[];
}

export interface RenderOptions {
  /** "text" (the default): everything in message content. "embeds": one embed per paper. */
  style?: "text" | "embeds";
  /**
   * A 👍/👎 row under each paper. Discord allows 5 rows of buttons per message, so a message then holds
   * at most 5 papers.
   */
  votes?: boolean;
}

export const DIGEST_MARKER = "📰 Daily papers — ";
const MARKER_LINE = /^(?:\*\*)?📰 Daily papers — (\d{4}-\d{2}-\d{2})(?: \((\d+)\/(\d+)\))?/;

/** The first-line marker of a digest for `date`: "📰 Daily papers — 2026-11-23". */
export function digestMarker(date: string): string {
  return `${DIGEST_MARKER}${date}`;
}

/**
 * The date (and part, when split) of a digest message, from its first line
 * (shown in bold: "**📰 Daily papers — 2026-11-23 (2/3)**"); undefined for any other message.
 * `content.includes(digestMarker(date))` finds a day's digest too.
 */
export function findDigestMarker(content: string): { date: string; part: number; parts: number } | undefined {
  const m = MARKER_LINE.exec(content);
  if (!m?.[1]) return undefined;
  return { date: m[1], part: Number(m[2] ?? 1), parts: Number(m[3] ?? 1) };
}

// Sizes each piece is cut to before escaping (which can at most double it), so
// that one paper always fits a message with its header.
const TITLE_MAX = 180;
const AUTHORS_MAX = 120;
const TLDR_MAX = 320;
const REASON_MAX = 120;
const TOPICS_MAX = 150;
const EMBEDS_PER_MESSAGE = 10;
/** Discord's limit on action rows per message: one per paper when votes are on. */
export const PAPERS_PER_MESSAGE_WITH_VOTES = 5;

const noMentions = (): { parse: [] } => ({ parse: [] });

export function renderDigest(digest: Digest, options: RenderOptions = {}): DigestMessage[] {
  if (digest.entries.length === 0) return renderEmptyDigest(digest.date, digest.topics ?? undefined);
  const perMessage = options.votes ? PAPERS_PER_MESSAGE_WITH_VOTES : Number.POSITIVE_INFINITY;
  const messages =
    options.style === "embeds" ? renderEmbeds(digest, Math.min(perMessage, EMBEDS_PER_MESSAGE)) : renderText(digest, perMessage);
  if (!options.votes) return messages.map((m) => m.message);
  return messages.map(({ message, first, count }) => ({
    ...message,
    components: digest.entries.slice(first, first + count).flatMap((entry, i) => digestVoteRow(entry, first + i + 1) ?? []),
  }));
}

interface Rendered {
  message: DigestMessage;
  /** Index of its first paper in the digest, and how many it holds. */
  first: number;
  count: number;
}

function numbered<T>(groups: T[][], toMessage: (group: T[], i: number) => DigestMessage): Rendered[] {
  let first = 0;
  return groups.map((group, i) => {
    const rendered = { message: toMessage(group, i), first, count: group.length };
    first += group.length;
    return rendered;
  });
}

/** The message for a day with nothing new (posted only when the channel wants one; see DIGEST_POST_WHEN_EMPTY). */
export function renderEmptyDigest(date: string, topics?: string): DigestMessage[] {
  const lines = [`**${digestMarker(date)}**`, "No new papers today."];
  if (topics) lines.push(`-# Topics: ${escapeForDiscord(truncate(oneLine(topics), TOPICS_MAX))}`);
  return [{ content: lines.join("\n"), allowedMentions: noMentions() }];
}

function countLine(digest: Digest): string {
  const shown = digest.entries.length;
  const papers = (n: number) => `${n} new paper${n === 1 ? "" : "s"}`;
  return shown < digest.total ? `top ${shown} of ${papers(digest.total)}` : papers(shown);
}

function headerLines(digest: Digest, part: number, parts: number): string[] {
  const marker = `${digestMarker(digest.date)}${parts > 1 ? ` (${part}/${parts})` : ""}`;
  if (part > 1) return [`**${marker}**`];
  const lines = [`**${marker}** · ${countLine(digest)}`];
  // The marker keeps the scheduled day (it is how a posted digest is recognised); this line says whose papers these are.
  if (digest.papersFrom) lines.push(`-# Papers of ${digest.papersFrom}, the latest in the library: the paper sources could not be read.`);
  if (digest.topics) lines.push(`-# Topics: ${escapeForDiscord(truncate(oneLine(digest.topics), TOPICS_MAX))}`);
  return lines;
}

/** The longest header a message of this digest can have. */
function headerBudget(digest: Digest): number {
  return headerLines(digest, 1, 99).join("\n").length + 2;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function metaLine(entry: DigestEntry): string {
  const parts: string[] = [];
  if (entry.authors) parts.push(escapeForDiscord(truncate(oneLine(entry.authors), AUTHORS_MAX)));
  if (entry.upvotes !== undefined) parts.push(`▲ ${entry.upvotes}`);
  return parts.join(" · ");
}

function footLine(entry: DigestEntry): string {
  const parts: string[] = [];
  if (entry.codeUrl) parts.push(`[code](<${entry.codeUrl}>)`);
  if (entry.reason) parts.push(`*${escapeForDiscord(truncate(oneLine(entry.reason), REASON_MAX))}*`);
  return parts.join(" · ");
}

function tldrLine(entry: DigestEntry, max: number): string {
  return entry.tldr ? `> ${escapeForDiscord(truncate(oneLine(entry.tldr), max))}` : "";
}

/** One paper as a block of lines; never longer than `limit` (the TL;DR gives way first). */
function entryBlock(entry: DigestEntry, rank: number, limit: number): string {
  const title = `**${rank}.** ${quietLink(truncate(oneLine(entry.title), TITLE_MAX), entry.url)}`;
  for (let max = TLDR_MAX; ; max = Math.floor(max / 2)) {
    const block = [title, metaLine(entry), tldrLine(entry, max), footLine(entry)].filter(Boolean).join("\n");
    if (block.length <= limit || max < 20) return block.length <= limit ? block : truncate(block, limit);
  }
}

function renderText(digest: Digest, perMessage: number): Rendered[] {
  const limit = DISCORD_LIMITS.content;
  const budget = limit - headerBudget(digest);
  const blocks = digest.entries.map((entry, i) => entryBlock(entry, i + 1, budget));
  // Pack whole papers into messages; a paper is never split across two.
  const groups: string[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const block of blocks) {
    if (size + block.length + 2 > budget || (groups.at(-1)?.length ?? 0) >= perMessage) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(block);
    size += block.length + 2;
  }
  return numbered(groups, (group, i) => ({
    content: [headerLines(digest, i + 1, groups.length).join("\n"), ...group].join("\n\n"),
    allowedMentions: noMentions(),
  }));
}

function embedFor(entry: DigestEntry, rank: number): DigestEmbed {
  const title = truncate(`${rank}. ${escapeForDiscord(truncate(oneLine(entry.title), TITLE_MAX))}`, DISCORD_LIMITS.embedTitle);
  const description = [metaLine(entry), tldrLine(entry, TLDR_MAX), footLine(entry)].filter(Boolean).join("\n") || "\u200b";
  const embed: DigestEmbed = { title, description: truncate(description, DISCORD_LIMITS.embedDescription) };
  if (entry.url) embed.url = entry.url;
  return embed;
}

const embedSize = (e: DigestEmbed) => e.title.length + e.description.length;

function renderEmbeds(digest: Digest, perMessage: number): Rendered[] {
  const embeds = digest.entries.map((entry, i) => embedFor(entry, i + 1));
  const groups: DigestEmbed[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const embed of embeds) {
    const last = groups.at(-1);
    if (!last || last.length >= perMessage || size + embedSize(embed) > DISCORD_LIMITS.embedsTotal) {
      groups.push([embed]);
      size = embedSize(embed);
    } else {
      last.push(embed);
      size += embedSize(embed);
    }
  }
  return numbered(groups, (group, i) => ({
    content: headerLines(digest, i + 1, groups.length).join("\n"),
    embeds: group,
    allowedMentions: noMentions(),
  }));
}
