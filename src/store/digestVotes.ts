import { Field, List, Schema, Utf8 } from "apache-arrow";
import type { PaperSignal, PaperVote, VoteKind } from "../digest/channelProfile.js";
import { rowsToArrow } from "./arrowRows.js";
import type { StoreOptions } from "./paperStore.js";
import { sqlIn, sqlString } from "./sql.js";
import { newestPerKey, SharedTable } from "./sharedTable.js";

/*
 * 👍/👎 on the papers of a channel's digests, in the library's database (LanceDB table `digest_votes`),
 * so they survive restarts and every bot process sees them. One vote per member, paper and channel: a
 * new vote replaces the member's earlier one. Each vote keeps the paper's title, text and keywords as
 * they were, so a paper later removed from the library still counts and is never an error.
 *
 * The same table keeps the papers a member asked about in a digest's thread (vote "asked": the answer to
 * their question cited the paper), once per member, paper and channel, beside (not replacing) their 👍/👎:
 * the profile weighs the two (channelProfile.ts).
 *
 * LanceDB's mergeInsert is not atomic between two writers, so reads keep the newest row per key
 * (newestPerKey, as the answer votes do).
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

const keyOf = (v: Pick<ChannelVote, "channelId" | "paperId" | "userId" | "vote">) =>
  JSON.stringify(v.vote === "asked" ? [v.channelId, v.paperId, v.userId, "asked"] : [v.channelId, v.paperId, v.userId]);

/** The digest votes of every channel, summed (for `paperbot votes`). */
export interface ChannelVoteCounts {
  channelId: string;
  up: number;
  down: number;
  asked: number;
  /** Papers voted on or asked about. */
  papers: number;
  /** The latest vote's ISO instant. */
  latestAt: string;
}

export class DigestVoteStore {
  private constructor(private readonly shared: SharedTable) {}

  static async open(options: StoreOptions): Promise<DigestVoteStore> {
    return new DigestVoteStore(await SharedTable.open(options, DIGEST_VOTES, votesSchema));
  }

  /** Records the member's vote on the paper in the channel, replacing their earlier one. */
  async vote(vote: ChannelVote & { vote: VoteKind }): Promise<{ previous?: VoteKind }> {
    const previous = (await this.latest(vote))?.vote;
    if (previous === vote.vote) return { previous };
    await this.write([vote]);
    return previous === "up" || previous === "down" ? { previous } : {};
  }

  /**
   * Records that a member asked, in a digest's thread, about these papers (the answer cited them): once per
   * member, paper and channel, the first time, in one write. The papers newly recorded.
   */
  async asked(asked: readonly Omit<ChannelVote, "vote">[]): Promise<string[]> {
    if (asked.length === 0) return [];
    const votes = asked.map((v): ChannelVote => ({ ...v, vote: "asked" }));
    const table = await this.shared.existing();
    const seen = new Set(
      table
        ? (
            (await table
              .query()
              .select(["key"])
              .where(sqlIn("key", votes.map(keyOf)))
              .toArray()) as { key: string }[]
          ).map((r) => r.key)
        : [],
    );
    const fresh = [...new Map(votes.filter((v) => !seen.has(keyOf(v))).map((v) => [keyOf(v), v])).values()];
    if (fresh.length > 0) await this.write(fresh);
    return fresh.map((v) => v.paperId);
  }

  private async latest(vote: ChannelVote): Promise<ChannelVote | undefined> {
    const table = await this.shared.existing();
    if (!table) return undefined;
    return toVotes(
      (await table
        .query()
        .where(`key = ${sqlString(keyOf(vote))}`)
        .toArray()) as StoredRow[],
    )[0];
  }

  private async write(votes: readonly ChannelVote[]): Promise<void> {
    const rows = votes.map((vote) => ({
      key: keyOf(vote),
      channelId: vote.channelId,
      paperId: vote.paperId,
      userId: vote.userId,
      vote: vote.vote,
      at: vote.at,
      title: vote.title,
      text: vote.text,
      keywords: [...vote.keywords],
    }));
    const table = await this.shared.ensure();
    await table.mergeInsert("key").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rowsToArrow(rows, votesSchema));
  }

  /** The channel's votes, one per member and paper (the latest; and whether they asked about it), oldest first. */
  async votes(channelId: string): Promise<ChannelVote[]> {
    const table = await this.shared.existing();
    if (!table) return [];
    return toVotes(
      (await table
        .query()
        .where(`channelId = ${sqlString(channelId)}`)
        .toArray()) as StoredRow[],
    );
  }

  /** Every channel's votes (since a day, YYYY-MM-DD, when given), counted per channel, busiest first. */
  async countsByChannel(options: { since?: string } = {}): Promise<ChannelVoteCounts[]> {
    const table = await this.shared.existing();
    if (!table) return [];
    const query = table.query().select(["key", "channelId", "paperId", "vote", "at"]);
    const rows = (await (options.since ? query.where(`at >= ${sqlString(options.since)}`) : query).toArray()) as Pick<
      StoredRow,
      "key" | "channelId" | "paperId" | "vote" | "at"
    >[];
    const byChannel = new Map<string, ChannelVoteCounts & { paperIds: Set<string> }>();
    for (const row of newestPerKey(rows)) {
      const c = byChannel.get(row.channelId) ?? {
        channelId: row.channelId,
        up: 0,
        down: 0,
        asked: 0,
        papers: 0,
        latestAt: row.at,
        paperIds: new Set<string>(),
      };
      c[signalOf(row.vote)]++;
      c.paperIds.add(row.paperId);
      if (row.at > c.latestAt) c.latestAt = row.at;
      byChannel.set(row.channelId, c);
    }
    return [...byChannel.values()]
      .map(({ paperIds, ...c }) => ({ ...c, papers: paperIds.size }))
      .sort((a, b) => b.up + b.down + b.asked - (a.up + a.down + a.asked) || a.channelId.localeCompare(b.channelId));
  }

  /** Forgets every vote of the channel; how many there were. */
  async reset(channelId: string): Promise<number> {
    return this.shared.deleteRowsWith("channelId", channelId);
  }

  close(): void {
    this.shared.close();
  }
}

function signalOf(stored: string): PaperSignal {
  return stored === "down" || stored === "asked" ? stored : "up";
}

function toVotes(rows: StoredRow[]): ChannelVote[] {
  return newestPerKey(rows).map((row) => ({
    channelId: row.channelId,
    paperId: row.paperId,
    userId: row.userId,
    vote: signalOf(row.vote),
    at: row.at,
    title: row.title,
    text: row.text,
    keywords: Array.isArray(row.keywords) ? [...row.keywords] : Array.from(row.keywords.toArray()),
  }));
}
