import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { deliverAnswer, type AnswerSink } from "../src/discord/deliverAnswer.js";
import { NO_MENTIONS } from "../src/discord/discordText.js";
import { THINKING } from "../src/discord/answerMessages.js";
import { digestChannelOf } from "../src/discord/digestHistory.js";

export default {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask a question; the answer cites the papers it comes from")
    .addStringOption((o) => o.setName("question").setDescription("Your question").setRequired(true).setMaxLength(1000))
    .addBooleanOption((o) => o.setName("private").setDescription("Only you see the answer")),

  async execute(interaction, { gate, answerer, votes }) {
    const question = interaction.options.getString("question", true);
    const ephemeral = interaction.options.getBoolean("private") ?? false;
    gate.admit(interaction.user.id);
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
    const sink: AnswerSink = {
      show: async (content, components = []) => void (await interaction.editReply({ content, components, allowedMentions: NO_MENTIONS })),
      add: async (content, components = []) =>
        void (await interaction.followUp({ content, components, allowedMentions: NO_MENTIONS, ...(flags ? { flags } : {}) })),
    };
    await gate.run(
      async () => {
        await sink.show(`**Q:** ${question.slice(0, 200)}\n${THINKING}`);
        // Asked in a server channel, a question about its past digests is answered from them.
        const channelId = digestChannelOf(interaction.channel);
        await deliverAnswer(question, answerer.stream(question, channelId ? { channelId } : {}), sink, votes);
      },
      (ahead) => sink.show(`-# ⏳ ${ahead} question${ahead === 1 ? " is" : "s are"} ahead of yours — your answer will appear here.`),
    );
  },
} satisfies Command;
