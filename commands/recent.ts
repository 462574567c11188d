import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { paperListEmbed } from "../src/discord/listEmbed.js";
import { recentPapers } from "../src/retrieve/recentPapers.js";

const SHOWN = 15;

export default {
  data: new SlashCommandBuilder()
    .setName("recent")
    .setDescription("The newest papers in the library")
    .addIntegerOption((o) =>
      o.setName("days").setDescription("Published within this many days (default 7)").setMinValue(1).setMaxValue(365),
    ),

  async execute(interaction, { store }) {
    await interaction.deferReply();
    const days = interaction.options.getInteger("days") ?? 7;
    const papers = await recentPapers(store, days, SHOWN);
    const embed = paperListEmbed(
      `Newest papers — last ${days} day${days === 1 ? "" : "s"}`,
      papers.map((p) => ({ title: p.title, url: p.url, facts: [p.publishedAt, ...(p.upvotes !== undefined ? [`▲ ${p.upvotes}`] : [])] })),
      `No paper in the library was published in the last ${days} day${days === 1 ? "" : "s"}. Try a longer window, e.g. \`/recent days:90\`.`,
    );
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
} satisfies Command;
