import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { titleAutocomplete } from "../src/discord/titleAutocomplete.js";
import { paperListEmbed } from "../src/discord/listEmbed.js";
import { resolvePaper } from "../src/discord/resolvePaper.js";
import { similarPapers } from "../src/retrieve/similarPapers.js";

export default {
  data: new SlashCommandBuilder()
    .setName("similar")
    .setDescription("Papers closest to a given paper")
    .addStringOption((o) =>
      o.setName("paper").setDescription("A title or arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300),
    )
    .addIntegerOption((o) => o.setName("k").setDescription("How many papers (1–10, default 5)").setMinValue(1).setMaxValue(10)),

  async execute(interaction, { store, searcher }) {
    await interaction.deferReply();
    const { paper } = await resolvePaper(store, interaction.options.getString("paper", true));
    const similar = await similarPapers(searcher, paper, interaction.options.getInteger("k") ?? 5);
    const embed = paperListEmbed(
      `Similar to: ${paper.title}`,
      similar.map((s) => ({
        title: s.title,
        url: s.url,
        facts: [...(s.year ? [String(s.year)] : []), `similarity ${s.similarity.toFixed(2)}`],
      })),
      "No other paper in the library is close to this one.",
    );
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },

  autocomplete: titleAutocomplete,
} satisfies Command;
