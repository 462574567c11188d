import { MessageFlags, SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";

const HELP = [
  "**paperbot** answers questions about the papers in its library, citing them.",
  "",
  "**Ask in chat** — mention me with a question (or write in an answer channel). " +
    'I answer in a thread; ask follow-ups there ("what dataset did the second one use?").',
  'Say when, and I keep to papers published then: "what\'s new this week on robot learning?", "anything on speech since 2023?".',
  "`/ask question [private]` — the same, as a command.",
  "`/paper query` — one paper: authors, date, summary, links.",
  "`/search query [k]` — papers matching a topic, best first.",
  "`/similar paper [k]` — papers closest to a paper.",
  "`/recent [days]` — the newest papers in the library.",
  "`/stats` — what the library holds.",
  "",
  "Every `[n]` in an answer points to a numbered source under it. " +
    "If the library doesn't cover a question, I say so and list the closest papers instead of guessing. " +
    "Use 👍/👎 on answers to tell us how we did.",
].join("\n");

export default {
  data: new SlashCommandBuilder().setName("help").setDescription("What paperbot can do"),
  async execute(interaction) {
    await interaction.reply({ content: HELP, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
} satisfies Command;
