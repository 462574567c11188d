import type { AnyThreadChannel, Message } from "discord.js";
import type { Turn } from "../answer/followUp.js";
import { sourceTitlesIn } from "./answerMessages.js";

/** How far back a follow-up looks. */
const HISTORY_MESSAGES = 30;

/**
 * The questions asked earlier in one of the bot's threads, each with the
 * titles its answer cited, read from the thread itself so follow-ups work
 * after a restart too. Oldest first; the current message is left out.
 */
export async function threadHistory(thread: AnyThreadChannel, botId: string, current: Message): Promise<Turn[]> {
  const fetched = await thread.messages.fetch({ limit: HISTORY_MESSAGES, before: current.id });
  const messages = [...fetched.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp);
  const turns: Turn[] = [];
  const starter = await thread.fetchStarterMessage().catch(() => null);
  // A thread under the bot's own post (a digest) starts with no question.
  if (starter) {
    if (starter.author.id !== botId) turns.push({ question: stripBotMention(starter.content, botId) });
  } else if (thread.name) turns.push({ question: thread.name });
  for (const message of messages) {
    if (message.author.id === botId) {
      const titles = sourceTitlesIn(message.content);
      const last = turns.at(-1);
      if (titles && last && !last.sourceTitles) last.sourceTitles = titles;
    } else if (!message.author.bot) {
      const question = stripBotMention(message.content, botId);
      if (question) turns.push({ question });
    }
  }
  return turns;
}

export function stripBotMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`<@!?${botId}>`, "g"), "")
    .replace(/\s+/g, " ")
    .trim();
}
