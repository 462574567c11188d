import type { Channel } from "discord.js";
import type { ArchivedDigest } from "../digest/digestArchive.js";
import { truncate } from "../text/truncate.js";
import { messageLink } from "./discordIds.js";
import { DISCORD_LIMITS, quietLink, splitForDiscord } from "./discordText.js";

/*
 * A channel's past digests as Discord messages (`/digest history`) and as the CLI prints them
 * (`digest --history`): each digest's date, links to its post, and its papers' titles as links.
 */

/** Enough to read a long history; a longer one asks for fewer days rather than flooding the channel. */
export const HISTORY_MAX_MESSAGES = 5;
const TITLE_MAX = 150;

/** The digest with links to its messages: recorded ones, else made from its ids (records from before the links were kept). */
export function withPostLinks(digest: ArchivedDigest, guildId?: string): ArchivedDigest {
  const guild = digest.guildId ?? guildId;
  if (digest.messageUrls.length > 0 || !guild) return digest;
  return { ...digest, messageUrls: digest.messageIds.map((id) => messageLink(guild, digest.channelId, id)) };
}

/** The channel whose digests a message or command there can ask about: a thread's parent; none in a DM. */
export function digestChannelOf(channel: Channel | null): string | undefined {
  if (!channel || channel.isDMBased()) return undefined;
  return channel.isThread() ? (channel.parentId ?? undefined) : channel.id;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function postLinks(digest: ArchivedDigest): string {
  return digest.messageUrls.map((url, i) => quietLink(i === 0 ? "post" : `part ${i + 1}`, url)).join(" · ");
}

function digestBlock(digest: ArchivedDigest): string {
  const links = postLinks(digest);
  const head = `**${digest.date}**${links ? ` · ${links}` : ""} · ${count(digest.papers.length, "paper")}`;
  const papers = digest.papers.map((p) => `• ${quietLink(truncate(p.title.replace(/\s+/g, " ").trim(), TITLE_MAX), p.url)}`);
  return [head, ...papers].join("\n");
}

/**
 * `/digest history`: the digests newest first, within Discord's limits (messages of at most 2,000
 * characters, a digest never split when it fits one, at most HISTORY_MAX_MESSAGES); older digests that
 * do not fit are counted at the end.
 */
export function historyMessages(digests: readonly ArchivedDigest[], days: number): string[] {
  const span = days === 1 ? "today" : `in the last ${days} days`;
  if (digests.length === 0) return [`No digest was posted in this channel ${span}.`];
  const header = `**Digests posted in this channel ${span}** · ${digests.length}`;
  const all = digests.map(digestBlock);
  // Start from what can fit at all by length (splitting leaves some room unused), then drop digests until the split fits.
  let budget = HISTORY_MAX_MESSAGES * DISCORD_LIMITS.content - header.length;
  let fits = 0;
  while (fits < all.length && (budget -= all[fits]!.length + 2) >= 0) fits++;
  for (let shown = Math.max(1, fits); ; shown--) {
    const left = digests.length - shown;
    const blocks = [header, ...all.slice(0, shown)];
    if (left > 0) blocks.push(`-# ${count(left, "earlier digest")} not shown: ask for fewer days.`);
    const parts = splitForDiscord(blocks.join("\n\n"), DISCORD_LIMITS.content);
    if (parts.length <= HISTORY_MAX_MESSAGES || shown === 1) return parts.slice(0, HISTORY_MAX_MESSAGES);
  }
}
