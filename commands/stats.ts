import { EmbedBuilder, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { lastWrite } from "../src/store/lastWrite.js";

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export default {
  data: new SlashCommandBuilder().setName("stats").setDescription("What the library holds: papers, chunks, last ingest, uptime"),

  async execute(interaction, { store, startedAt }) {
    await interaction.deferReply();
    const [counts, lastIngest] = await Promise.all([store.counts(), lastWrite(store)]);
    const embed = new EmbedBuilder()
      .setTitle("Library")
      .setColor(0x57f287)
      .addFields(
        { name: "Papers", value: `${counts.papers} (${counts.papersWithSummary} with a summary)`, inline: true },
        { name: "Passages", value: String(counts.chunks), inline: true },
        { name: "Last ingest", value: lastIngest ? `<t:${Math.floor(lastIngest.getTime() / 1000)}:R>` : "never", inline: true },
        { name: "Uptime", value: duration(Date.now() - startedAt.getTime()), inline: true },
      );
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
} satisfies Command;
