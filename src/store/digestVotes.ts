import { Field, List, Schema, Utf8 } from "apache-arrow";
import type { PaperVote, VoteKind } from "../digest/channelProfile.js";
import { rowsToArrow } from "./arrowRows.js";
import type { StoreOptions } from "./paperStore.js";
import { SharedTable } from "./sharedTable.js";

/*
 * 👍/👎 on the papers of a channel's digests, in the library's database (LanceDB table `digest_votes`),
 * so they survive restarts and every bot process sees them. One vote per member, paper and channel: a
 * new vote replaces the member's earlier one. Each vote keeps the paper's title, text and keywords as
 * they were, so a paper later removed from the library still counts and is never an error.
 *
 * LanceDB's mergeInsert is not atomic between two writers, so reads keep the newest row per key (as the
 * subscriptions do).
 */

export const DIGEST_VOTES = "digest_votes";

export interface ChannelVote extends PaperVote {
  channelId: string;
}

const votesSchema = new Schema([
  new Field("key", new Utf8(), false),
  new Field("channelId", new Utf8(), false),
  new Field("paperId", new Utf8(), false),
  new Field("userId", new Utf8(), false),
  new Field("vote", new Utf8(), false),
  new Field("at", new Utf8(), false),
  new Field("title", new Utf8(), false),
  new Field("text", new Utf8(), false),
  new Field("keywords", new List(new Field("item", new Utf8(), true)), false),
]);

type ListCell = string[] | { toArray(): ArrayLike<string> };
type StoredRow = Omit<ChannelVote, "keywords"> & { key: string; keywords: ListCell };

const keyOf = (v: Pick<ChannelVote, "channelId" | "paperId" | "userId">) => JSON.stringify([v.channelId, v.paperId, v.userId]);

export class DigestVoteStore {
  private constructor(private readonly shared: SharedTable) {}

  static async open(options: StoreOptions): Promise<DigestVoteStore> {
    return new DigestVoteStore(await SharedTable.open(options, DIGEST_VOTES, votesSchema));
  }

  /** Records the member's vote on the paper in the channel, replacing their earlier one. */
  async vote(vote: ChannelVote): Promise<{ previous?: VoteKind }> {
    const key = keyOf(vote);
    const previous = newestPerKey((await this.shared.rowsWith("key", key)) as StoredRow[])[0];
    if (previous?.vote === vote.vote) return { previous: previous.vote };
    const row = {
      key,
      channelId: vote.channelId,
      paperId: vote.paperId,
      userId: vote.userId,
      vote: vote.vote,
      at: vote.at,
      title: vote.title,
      text: vote.text,
      keywords: [...vote.keywords],
    };
    await this.shared.upsert("key", rowsToArrow([row], votesSchema));
    return previous ? { previous: previous.vote } : {};
  }

  /** The channel's votes, one per member and paper (the latest), oldest first. */
  async votes(channelId: string): Promise<ChannelVote[]> {
    return newestPerKey((await this.shared.rowsWith("channelId", channelId)) as StoredRow[]);
  }

  /** Forgets every vote of the channel; how many there were. */
  async reset(channelId: string): Promise<number> {
    return this.shared.deleteRowsWith("channelId", channelId);
  }

  close(): void {
    this.shared.close();
  }
}

function newestPerKey(rows: StoredRow[]): ChannelVote[] {
  const byKey = new Map<string, ChannelVote>();
  for (const row of rows) {
    const vote: ChannelVote = {
      channelId: row.channelId,
      paperId: row.paperId,
      userId: row.userId,
      vote: row.vote === "down" ? "down" : "up",
      at: row.at,
      title: row.title,
      text: row.text,
      keywords: Array.isArray(row.keywords) ? [...row.keywords] : Array.from(row.keywords.toArray()),
    };
    const seen = byKey.get(row.key);
    if (!seen || seen.at <= vote.at) byKey.set(row.key, vote);
  }
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at));
}
