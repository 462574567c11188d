import { escapeMarkdown } from "discord.js";
import { splitSentences } from "../answer/citations.js";
import { truncate } from "../text/truncate.js";

/**
 * Discord's limits and text rules, in one place. Discord enforces these on its
 * side (discord.js does not), so everything the bot sends passes through here.
 */

export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthor: 256,
  /** Across all embeds of one message. */
  embedsTotal: 6000,
  threadName: 100,
  autocompleteChoiceName: 100,
  autocompleteChoices: 25,
} as const;

/** Nobody is ever pinged: not users, not roles, not @everyone/@here, not the replied-to author. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

/**
 * Text from papers or users, made inert: markdown can't restyle the message and
 * `@everyone`/`@here` can't even look like a mention (pings are already off via
 * NO_MENTIONS; this keeps the text readable and harmless if quoted elsewhere).
 */
export function escapeForDiscord(text: string): string {
  return defuseMentions(escapeMarkdown(text, { inlineCode: true, codeBlock: true, maskedLink: true }));
}

/** Breaks @everyone, @here, role/user/channel mentions with a zero-width space. */
export function defuseMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, "@\u200b$1").replace(/<(@[!&]?|#)(\d+)>/g, "<$1\u200b$2>");
}

/** A thread name from a question: one line, no mentions, within Discord's 100 characters. */
export function threadNameFrom(question: string): string {
  const line = question
    .replace(/<(@[!&]?|#)\d+>/g, "")
    .replace(/@(everyone|here)\b/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return truncate(line || "Question", DISCORD_LIMITS.threadName);
}

/** A link that Discord shows without a preview card: `<url>` inside a masked link. */
export function quietLink(title: string, url: string | undefined): string {
  const safe = escapeForDiscord(title).replace(/[[\]]/g, (c) => `\\${c}`);
  return url ? `[${safe}](<${url}>)` : safe;
}

/**
 * Splits text into messages of at most `limit` characters, preferring paragraph
 * breaks, then line breaks, then sentence ends, then spaces. A `[n]` citation,
 * a `<url>` and a masked link are never cut in two.
 */
export function splitForDiscord(text: string, limit: number = DISCORD_LIMITS.content): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = bestCut(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/** Spans that must stay whole: citations, angle-bracket URLs, masked links. */
const ATOMS = /\[[^\]\n]{1,300}\]\(<[^>\s]+>\)|\[[^\]\n]{1,300}\]\([^)\s]+\)|<https?:[^>\s]+>|\[\d+(?:\s*,\s*\d+)*\]/g;

function bestCut(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const insideAtom = (i: number) => [...window.matchAll(ATOMS)].some((m) => m.index < i && i < m.index + m[0].length);
  const safe = (i: number) => i > 0 && i <= limit && !insideAtom(i);
  const floor = Math.floor(limit * 0.5);

  for (const separator of ["\n\n", "\n"]) {
    for (let i = window.lastIndexOf(separator, limit); i >= floor; i = window.lastIndexOf(separator, i - 1)) {
      if (safe(i)) return i;
    }
  }
  let offset = 0;
  let sentenceCut = 0;
  for (const sentence of splitSentences(window)) {
    const end = offset + sentence.length;
    if (end > limit) break;
    offset = end;
    if (safe(end)) sentenceCut = end;
  }
  if (sentenceCut >= floor) return sentenceCut;
  for (let i = window.lastIndexOf(" ", limit); i > 0; i = window.lastIndexOf(" ", i - 1)) {
    if (safe(i)) return i;
  }
  return limit;
}
