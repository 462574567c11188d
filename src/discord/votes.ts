import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { randomUUID } from "node:crypto";
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from "discord.js";
import type { Source } from "../answer/citations.js";

/**
 * 👍/👎 on answers. Each vote is appended as one JSON line with the question,
 * the answer and its citations, so the eval can learn from real questions.
 */

export interface AnsweredQuestion {
  question: string;
  answer: string;
  citations: Pick<Source, "n" | "paperId" | "title">[];
  grounded: boolean;
  mode: string;
}

export interface VoteRecord extends Partial<AnsweredQuestion> {
  at: string;
  answerId: string;
  vote: "up" | "down";
  userId: string;
}

const REMEMBERED = 1000;
const PREFIX = "vote";

export class VoteLog {
  private readonly answers = new Map<string, AnsweredQuestion>();

  constructor(private readonly file: string) {}

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

  /** Appends the vote. After a restart the answer is no longer in memory: `shown` (the message text) stands in. */
  async record(answerId: string, vote: "up" | "down", userId: string, shown?: string): Promise<VoteRecord> {
    const known = this.answers.get(answerId);
    const record: VoteRecord = {
      at: new Date().toISOString(),
      answerId,
      vote,
      userId,
      ...(known ?? (shown !== undefined ? { answer: shown } : {})),
    };
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(record)}\n`);
    return record;
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
