import { EmbedBuilder } from "discord.js";
import { paperLinks, paperUrl, type Paper } from "../paper.js";
import { DISCORD_LIMITS, escapeForDiscord } from "./discordText.js";
import { truncate } from "../text/truncate.js";

const SUMMARY_EXCERPT = 900;
const AUTHORS_SHOWN = 6;
const PAPER_COLOUR = 0xff9d00;

export function authorLine(paper: Pick<Paper, "authors" | "authorCount">, shown = AUTHORS_SHOWN): string | undefined {
  if (paper.authors.length === 0) return paper.authorCount ? `${paper.authorCount} authors` : undefined;
  const names = paper.authors.slice(0, shown).join(", ");
  return paper.authors.length > shown ? `${names} et al.` : names;
}

/** One paper as an embed: title (linked), authors, date, section, summary excerpt, links, upvotes. */
export function paperEmbed(paper: Paper): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(PAPER_COLOUR)
    .setTitle(truncate(paper.title, DISCORD_LIMITS.embedTitle))
    .setDescription(
      paper.summary
        ? escapeForDiscord(truncate(paper.summary, SUMMARY_EXCERPT))
        : "*Known by title only: the library has no summary for this paper.*",
    );
  const url = paperUrl(paper);
  if (url) embed.setURL(url);
  const authors = authorLine(paper);
  const fields: { name: string; value: string; inline?: boolean }[] = [];
  if (authors) fields.push({ name: "Authors", value: escapeForDiscord(truncate(authors, DISCORD_LIMITS.embedFieldValue)) });
  if (paper.publishedAt ?? paper.year) fields.push({ name: "Published", value: String(paper.publishedAt ?? paper.year), inline: true });
  if (paper.section) fields.push({ name: "Section", value: escapeForDiscord(truncate(paper.section, 200)), inline: true });
  if (paper.upvotes !== undefined) fields.push({ name: "Upvotes", value: `▲ ${paper.upvotes}`, inline: true });
  const links = Object.entries(paperLinks(paper)).map(([kind, href]) => `[${kind}](${href})`);
  if (links.length > 0) fields.push({ name: "Links", value: truncate(links.join(" · "), DISCORD_LIMITS.embedFieldValue) });
  return embed.addFields(fields).setFooter({ text: `id ${paper.id}` });
}
