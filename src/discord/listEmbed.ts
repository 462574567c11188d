import { EmbedBuilder } from "discord.js";
import { DISCORD_LIMITS, escapeForDiscord, quietLink } from "./discordText.js";
import { truncate } from "../text/truncate.js";

export interface ListedPaper {
  title: string;
  url: string | undefined;
  /** Short facts after the title: year, score, upvotes. */
  facts: string[];
  /** A line quoted under the title. */
  snippet?: string;
}

/**
 * A numbered list of papers in one embed (4096 characters of description):
 * entries that would not fit are left out, and the footer says how many.
 */
export function paperListEmbed(title: string, papers: readonly ListedPaper[], empty: string): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(0x5865f2).setTitle(truncate(title, DISCORD_LIMITS.embedTitle));
  if (papers.length === 0) return embed.setDescription(empty);
  const lines: string[] = [];
  let used = 0;
  for (const [i, p] of papers.entries()) {
    const facts = p.facts.length > 0 ? ` — ${p.facts.join(" · ")}` : "";
    const quote = p.snippet ? `\n> ${escapeForDiscord(truncate(p.snippet.replace(/\s+/g, " "), 220))}` : "";
    const entry = `**${i + 1}.** ${quietLink(truncate(p.title, 200), p.url)}${facts}${quote}`;
    if (used + entry.length + 2 > DISCORD_LIMITS.embedDescription - 60) {
      embed.setFooter({ text: `${papers.length - i} more not shown` });
      break;
    }
    lines.push(entry);
    used += entry.length + 2;
  }
  return embed.setDescription(lines.join("\n\n"));
}
