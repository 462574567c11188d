import { Field, Schema, Utf8 } from "apache-arrow";
import type { VoteKind } from "../digest/channelProfile.js";
import { rowsToArrow } from "./arrowRows.js";
import type { StoreOptions } from "./paperStore.js";
import { sqlString } from "./sql.js";
import { newestPerKey, SharedTable } from "./sharedTable.js";

/*
 * 👍/👎 on the bot's answers, in the library's database (LanceDB table `answer_votes`) beside the votes
 * on digest papers (digestVotes.ts), so they survive restarts, every bot process writes to the same place
 * and `paperbot votes` reads them (the eval can replay the questions users disliked). One vote per member
 * and answer: a new vote replaces the member's earlier one.
 *
 * Each vote keeps what was answered: the question, the answer's text, its citations, whether it was
 * grounded and who wrote it. The bot remembers that only in memory, so a vote after a restart may come
 * with the message's text alone: then the question and citations are taken from an earlier vote on the
 * same answer when there is one, and otherwise left unknown. A vote is never refused for it.
 */

export const ANSWER_VOTES = "answer_votes";

export interface CitedPaper {
  n: number;
  paperId: string;
  title: string;
}

export interface AnswerVote {
  /** The answer's id (in its buttons). */
  answerId: string;
  userId: string;
  vote: VoteKind;
  /** ISO instant of the (latest) vote. */
  at: string;
  channelId: string;
  /** Undefined in a DM. */
  guildId?: string;
  /** The message the buttons were under (the answer's last part). */
  messageId?: string;
  /** Undefined when the bot no longer remembered the question (a vote after a restart). */
  question?: string;
  /** The answer as written; after a restart, the message's text as shown. */
  answer: string;
  citations: CitedPaper[];
  grounded?: boolean;
  mode?: string;
}

const votesSchema = new Schema([
  new Field("key", new Utf8(), false),
  new Field("answerId", new Utf8(), false),
  new Field("userId", new Utf8(), false),
  new Field("vote", new Utf8(), false),
  new Field("at", new Utf8(), false),
  new Field("channelId", new Utf8(), false),
  new Field("guildId", new Utf8(), true),
  new Field("messageId", new Utf8(), true),
  new Field("question", new Utf8(), true),
  new Field("answer", new Utf8(), false),
  // JSON text ([{n, paperId, title}]): only ever read whole, with the vote.
  new Field("citations", new Utf8(), false),
  // "true" / "false", not a Bool: apache-arrow 18.1 writes a Bool column whose cells are all null (a vote
  // after a restart) with no values buffer, which LanceDB refuses ("Need at least 1 bytes for bitmap").
  new Field("grounded", new Utf8(), true),
  new Field("mode", new Utf8(), true),
]);

interface StoredRow {
  key: string;
  answerId: string;
  userId: string;
  vote: string;
  at: string;
  channelId: string;
  guildId: string | null;
  messageId: string | null;
  question: string | null;
  answer: string;
  citations: string;
  grounded: string | null;
  mode: string | null;
}

const keyOf = (v: Pick<AnswerVote, "answerId" | "userId">) => JSON.stringify([v.answerId, v.userId]);

export class AnswerVoteStore {
  private constructor(private readonly shared: SharedTable) {}

  static async open(options: StoreOptions): Promise<AnswerVoteStore> {
    return new AnswerVoteStore(await SharedTable.open(options, ANSWER_VOTES, votesSchema));
  }

  /**
   * Records the member's vote on the answer, replacing their earlier one. A vote that does not know the
   * question takes it (and the answer and citations) from an earlier vote on the same answer.
   */
  async vote(vote: AnswerVote): Promise<{ previous?: VoteKind; stored: AnswerVote }> {
    const table = await this.shared.existing();
    const earlier = table
      ? toVotes(
          (await table
            .query()
            .where(`answerId = ${sqlString(vote.answerId)}`)
            .toArray()) as StoredRow[],
        )
      : [];
    const previous = earlier.find((v) => v.userId === vote.userId)?.vote;
    const known = earlier.findLast((v) => v.question !== undefined);
    const stored: AnswerVote =
      vote.question === undefined && known
        ? {
            ...vote,
            question: known.question,
            answer: known.answer,
            citations: known.citations,
            ...(known.grounded !== undefined ? { grounded: known.grounded } : {}),
            ...(known.mode !== undefined ? { mode: known.mode } : {}),
          }
        : vote;
    // The same vote again changes nothing (and LanceDB writes a version for every write).
    if (previous === vote.vote) return { previous, stored: earlier.find((v) => v.userId === vote.userId)! };
    const row: StoredRow = {
      key: keyOf(stored),
      answerId: stored.answerId,
      userId: stored.userId,
      vote: stored.vote,
      at: stored.at,
      channelId: stored.channelId,
      guildId: stored.guildId ?? null,
      messageId: stored.messageId ?? null,
      question: stored.question ?? null,
      answer: stored.answer,
      citations: JSON.stringify(stored.citations.map(({ n, paperId, title }) => ({ n, paperId, title }))),
      grounded: stored.grounded === undefined ? null : String(stored.grounded),
      mode: stored.mode ?? null,
    };
    await (
      await this.shared.ensure()
    )
      .mergeInsert("key")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute(rowsToArrow([row], votesSchema));
    return { ...(previous ? { previous } : {}), stored };
  }

  /** Every member's latest vote on each answer (since a day, YYYY-MM-DD, when given), oldest first. */
  async votes(options: { since?: string } = {}): Promise<AnswerVote[]> {
    const table = await this.shared.existing();
    if (!table) return [];
    const query = table.query();
    return toVotes((await (options.since ? query.where(`at >= ${sqlString(options.since)}`) : query).toArray()) as StoredRow[]);
  }

  close(): void {
    this.shared.close();
  }
}

function toVotes(rows: StoredRow[]): AnswerVote[] {
  return newestPerKey(rows).map((row) => {
    const vote: AnswerVote = {
      answerId: row.answerId,
      userId: row.userId,
      vote: row.vote === "down" ? "down" : "up",
      at: row.at,
      channelId: row.channelId,
      answer: row.answer,
      citations: readCitations(row.citations),
    };
    if (row.guildId !== null) vote.guildId = row.guildId;
    if (row.messageId !== null) vote.messageId = row.messageId;
    if (row.question !== null) vote.question = row.question;
    if (row.grounded !== null) vote.grounded = row.grounded === "true";
    if (row.mode !== null) vote.mode = row.mode;
    return vote;
  });
}

function readCitations(text: string): CitedPaper[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as CitedPaper[]) : [];
  } catch {
    return [];
  }
}
