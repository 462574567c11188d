import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { titleAutocomplete } from "../src/discord/titleAutocomplete.js";
import { paperEmbed } from "../src/discord/paperEmbed.js";
import { resolvePaper } from "../src/discord/resolvePaper.js";

export default {
  data: new SlashCommandBuilder()
    .setName("paper")
    .setDescription("Look a paper up by title (typos forgiven) or arXiv id")
    .addStringOption((o) => o.setName("query").setDescription("A title, part of one, or an arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300)),

  async execute(interaction, { store }) {
    await interaction.deferReply();
    const paper = await resolvePaper(store, interaction.options.getString("query", true));
    await interaction.editReply({ embeds: [paperEmbed(paper)], allowedMentions: { parse: [] } });
  },

  autocomplete: titleAutocomplete,
} satisfies Command;
