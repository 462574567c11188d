import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { DISCORD_LIMITS, truncate } from "../src/discord/discordText.js";
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

  async autocomplete(interaction, { suggestTitles }) {
    const choices = await suggestTitles(interaction.options.getFocused(), DISCORD_LIMITS.autocompleteChoices);
    await interaction.respond(choices.map((c) => ({ name: truncate(c.title, DISCORD_LIMITS.autocompleteChoiceName), value: c.paperId })));
  },
} satisfies Command;
