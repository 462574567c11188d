import type { ActionRowBuilder, ButtonBuilder, Message, SendableChannels } from "discord.js";
import { NO_MENTIONS } from "./discordText.js";
import { fetchButton, fetchTitleButton } from "./paperButtons.js";
import type { Answer, AnswerEvent } from "../answer/createAnswerer.js";
import { answerMessages, progressMessage } from "./answerMessages.js";
import { voteButtons, type AnswerVotes } from "./votes.js";

/**
 * Where an answer goes: a message the bot edits (in a thread, or an
 * interaction's reply), then more messages if it is long. The channel and the
 * slash command each implement this; the pacing and splitting live here once.
 */
export interface AnswerSink {
  /** Shows (or replaces) the first message. */
  show(content: string, components?: ActionRowBuilder<ButtonBuilder>[]): Promise<void>;
  /** Sends a further message after the first. */
  add(content: string, components?: ActionRowBuilder<ButtonBuilder>[]): Promise<void>;
}

/** Discord allows about 5 edits per 5 s per channel; one a second leaves room for everything else. */
export const EDIT_INTERVAL_MS = 1000;

export async function deliverAnswer(
  question: string,
  events: AsyncIterable<AnswerEvent>,
  sink: AnswerSink,
  votes: AnswerVotes,
  now: () => number = Date.now,
): Promise<Answer> {
  let lastShown = 0;
  let answer: Answer | undefined;
  for await (const event of events) {
    if (event.type === "done") {
      answer = event.answer;
    } else if (now() - lastShown >= EDIT_INTERVAL_MS) {
      lastShown = now();
      await sink.show(progressMessage(event.text));
    }
  }
  if (!answer) throw new Error("the answer stream ended without an answer");

  const parts = answerMessages(answer);
  const answerId = votes.remember({
    question,
    answer: answer.answer,
    citations: answer.citations.map(({ n, paperId, title }) => ({ n, paperId, title })),
    grounded: answer.grounded,
    mode: answer.mode,
  });
  // A question naming an arXiv paper the library lacks: offer to fetch it.
  const fetch = answer.missingArxivId
    ? fetchButton(answer.missingArxivId, answerId)
    : answer.missingTitle
      ? fetchTitleButton(answerId)
      : undefined;
  const buttons = [voteButtons(answerId), ...(fetch ? [fetch] : [])];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (i === 0) await sink.show(part, last ? buttons : []);
    else await sink.add(part, last ? buttons : []);
  }
  return answer;
}

/** An answer in a channel or thread: one message edited as it grows, then more if it is long. */
export function channelSink(channel: SendableChannels): AnswerSink {
  let first: Message | undefined;
  return {
    async show(content, components = []) {
      if (first) first = await first.edit({ content, components, allowedMentions: NO_MENTIONS });
      else first = await channel.send({ content, components, allowedMentions: NO_MENTIONS });
    },
    async add(content, components = []) {
      await channel.send({ content, components, allowedMentions: NO_MENTIONS });
    },
  };
}
