import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { titleAutocomplete } from "../src/discord/titleAutocomplete.js";
import { paperEmbed } from "../src/discord/paperEmbed.js";
import { respond } from "../src/discord/interactionReply.js";
import { bibtexButton } from "../src/discord/paperButtons.js";
import { resolvePaper } from "../src/discord/resolvePaper.js";

export default {
  data: new SlashCommandBuilder()
    .setName("paper")
    .setDescription("Look a paper up by title (typos forgiven) or arXiv id; an arXiv paper not in the library is fetched")
    .addStringOption((o) =>
      o.setName("query").setDescription("A title, part of one, or an arXiv id").setRequired(true).setAutocomplete(true).setMaxLength(300),
    ),

  async execute(interaction, { store, addFromArxiv, fetchLimit }) {
    await interaction.deferReply();
    const fetchMissing = (arxivId: string) => {
      fetchLimit.take(interaction.user.id);
      return addFromArxiv.byId(arxivId);
    };
    const { paper, added } = await resolvePaper(store, interaction.options.getString("query", true), fetchMissing);
    await respond(interaction, {
      ...(added ? { content: "📥 Fetched from arXiv and added to the library." } : {}),
      embeds: [paperEmbed(paper)],
      components: [bibtexButton(paper.id)],
    });
  },

  autocomplete: titleAutocomplete,
} satisfies Command;
