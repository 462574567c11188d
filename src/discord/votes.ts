import { randomUUID } from "node:crypto";
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type ButtonInteraction } from "discord.js";
import type { Source } from "../answer/citations.js";
import type { AnswerVoteStore } from "../store/answerVotes.js";
import type { BotServices } from "./botServices.js";
import { respond } from "./interactionReply.js";

/**
 * 👍/👎 on answers. The bot remembers its recent answers (question, answer, citations) so that a vote is
 * stored with what it judged; the votes live in the library (src/store/answerVotes.ts), next to the
 * votes on digest papers, and `paperbot votes` reports them.
 */

export interface AnsweredQuestion {
  question: string;
  answer: string;
  citations: Pick<Source, "n" | "paperId" | "title">[];
  grounded: boolean;
  mode: string;
}

const REMEMBERED = 1000;
const PREFIX = "vote";

export class AnswerVotes {
  private readonly answers = new Map<string, AnsweredQuestion>();

  constructor(readonly store: AnswerVoteStore) {}

  /** Keeps a recent answer so a vote on it can be stored with its question; returns its id. */
  remember(answered: AnsweredQuestion): string {
    const id = randomUUID().slice(0, 13);
    this.answers.set(id, answered);
    if (this.answers.size > REMEMBERED) this.answers.delete(this.answers.keys().next().value!);
    return id;
  }

  /** The question and answer behind an id, while it is remembered. */
  recall(answerId: string): AnsweredQuestion | undefined {
    return this.answers.get(answerId);
  }

  close(): void {
    this.store.close();
  }
}

export function voteButtons(answerId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`${PREFIX}:up:${answerId}`).setEmoji("👍").setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(`${PREFIX}:down:${answerId}`).setEmoji("👎").setStyle(ButtonStyle.Secondary),
  );
}

export function parseVoteId(customId: string): { vote: "up" | "down"; answerId: string } | undefined {
  const m = /^vote:(up|down):([\w-]+)$/.exec(customId);
  return m ? { vote: m[1] as "up" | "down", answerId: m[2]! } : undefined;
}

/**
 * Stores a member's 👍/👎 on an answer (replacing their earlier vote) and thanks them, only them. After a
 * restart the bot no longer remembers the answer: the message's text as shown stands in, so no vote is lost.
 */
export async function pressAnswerVote(
  interaction: ButtonInteraction,
  pressed: { vote: "up" | "down"; answerId: string },
  services: Pick<BotServices, "votes">,
): Promise<void> {
  const known = services.votes.recall(pressed.answerId);
  const { previous } = await services.votes.store.vote({
    answerId: pressed.answerId,
    userId: interaction.user.id,
    vote: pressed.vote,
    at: new Date().toISOString(),
    channelId: interaction.channelId,
    ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
    messageId: interaction.message.id,
    ...(known ?? { answer: interaction.message.content, citations: [] }),
  });
  const emoji = (vote: "up" | "down") => (vote === "up" ? "👍" : "👎");
  const content =
    previous === pressed.vote
      ? `You had already voted ${emoji(pressed.vote)} on this answer.`
      : (pressed.vote === "up" ? "Thanks — glad it helped. 👍" : "Thanks — noted, this helps improve answers. 👎") +
        (previous ? ` (was ${emoji(previous)})` : "");
  await respond(interaction, { content, ephemeral: true });
}
