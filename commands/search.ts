import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { paperListEmbed } from "../src/discord/listEmbed.js";

export default {
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Find papers by meaning and words; each paper once, best first")
    .addStringOption((o) => o.setName("query").setDescription("What to look for").setRequired(true).setMaxLength(500))
    .addIntegerOption((o) => o.setName("k").setDescription("How many papers (1–10, default 5)").setMinValue(1).setMaxValue(10)),

  async execute(interaction, { searcher }) {
    await interaction.deferReply();
    const query = interaction.options.getString("query", true);
    const hits = await searcher.search(query, { k: interaction.options.getInteger("k") ?? 5 });
    const embed = paperListEmbed(
      `Search: ${query}`,
      hits.map((h) => ({
        title: h.title,
        url: h.url,
        facts: [...(h.year ? [String(h.year)] : []), `score ${h.score.toFixed(2)}`],
        snippet: h.snippet,
      })),
      "No paper in the library matches that.",
    );
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
} satisfies Command;
