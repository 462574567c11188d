import type { App } from "../app.js";
import { AnswerVoteStore, type AnswerVote } from "../store/answerVotes.js";
import { DigestVoteStore, type ChannelVoteCounts } from "../store/digestVotes.js";
import { truncate } from "../text/truncate.js";
import { dateFlag } from "./dateFlag.js";

export interface VotesFlags {
  down?: boolean;
  since?: string;
  json?: boolean;
}

/** 👎 questions the summary lists without --down (the newest). */
const LATEST_DOWN = 10;

/**
 * `paperbot votes`: the 👍/👎 members gave the bot's answers in Discord, with the question, the answer and
 * its citations (so the eval can replay the questions users disliked), and the votes on each channel's
 * digest papers, counted. Reads the library only.
 */
export async function votesCommand(app: App, flags: VotesFlags): Promise<void> {
  const since = flags.since === undefined ? undefined : dateFlag("--since", flags.since);
  const library = { uri: app.config.lancedb.uri, storageOptions: app.config.lancedb.storageOptions };
  const [answerVotes, digestVotes] = await Promise.all([AnswerVoteStore.open(library), DigestVoteStore.open(library)]);
  try {
    const [all, channels] = await Promise.all([answerVotes.votes({ since }), digestVotes.countsByChannel({ since })]);
    const counts = { up: all.filter((v) => v.vote === "up").length, down: all.filter((v) => v.vote === "down").length };
    const newestFirst = [...all].reverse();
    const downs = newestFirst.filter((v) => v.vote === "down");
    if (flags.json) {
      const listed = flags.down ? downs : newestFirst;
      process.stdout.write(
        `${JSON.stringify({ since: since ?? null, answers: { counts, votes: listed.map(voteJson) }, digest: { channels } })}\n`,
      );
      return;
    }
    process.stdout.write(
      summary({
        since,
        counts,
        downs: flags.down ? downs : downs.slice(0, LATEST_DOWN),
        more: flags.down ? 0 : Math.max(0, downs.length - LATEST_DOWN),
        channels,
      }),
    );
  } finally {
    answerVotes.close();
    digestVotes.close();
  }
}

function voteJson(v: AnswerVote) {
  return {
    at: v.at,
    vote: v.vote,
    question: v.question ?? null,
    answer: v.answer,
    citations: v.citations.map(({ n, paperId, title }) => ({ n, paperId, title })),
    grounded: v.grounded ?? null,
    mode: v.mode ?? null,
    userId: v.userId,
    channelId: v.channelId,
    guildId: v.guildId ?? null,
    messageId: v.messageId ?? null,
    answerId: v.answerId,
  };
}

/** "2026-12-05 14:03" (UTC). */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
const oneLine = (text: string, max: number) => truncate(text.replace(/\s+/g, " ").trim(), max);

function summary(s: {
  since: string | undefined;
  counts: { up: number; down: number };
  downs: AnswerVote[];
  more: number;
  channels: ChannelVoteCounts[];
}): string {
  const period = s.since ? ` since ${s.since}` : "";
  const lines: string[] = [];
  if (s.counts.up + s.counts.down === 0) lines.push(`No votes on answers${period} yet.`);
  else {
    lines.push(`Votes on answers${period}: ${s.counts.up} 👍, ${s.counts.down} 👎`);
    if (s.downs.length > 0) lines.push("", "Latest 👎, newest first:");
    for (const v of s.downs) {
      lines.push(
        `  ${when(v.at)}  ${v.question !== undefined ? `“${oneLine(v.question, 200)}”` : "(question not known: voted after a restart)"}`,
      );
      lines.push(`                    answer: “${oneLine(v.answer, 160)}”`);
      const facts = [
        ...(v.citations.length > 0 ? [`cited: ${v.citations.map((c) => `[${c.n}] ${oneLine(c.title, 60)}`).join("; ")}`] : []),
        ...(v.grounded === false ? ["no answer found"] : []),
        ...(v.mode ? [v.mode] : []),
      ];
      if (facts.length > 0) lines.push(`                    ${facts.join(" · ")}`);
    }
    if (s.more > 0) lines.push(`  … and ${s.more} more: \`npx paperbot votes --down\` lists them all, \`--json\` with everything.`);
  }
  lines.push("");
  if (s.channels.length === 0) lines.push(`No votes on digest papers${period} yet.`);
  else {
    lines.push(`Votes on digest papers${period}, by channel:`);
    for (const c of s.channels) {
      lines.push(
        `  ${c.channelId}  ${c.up} 👍, ${c.down} 👎, ${c.asked} asked about in the thread · ` +
          `${c.papers} paper${c.papers === 1 ? "" : "s"} · latest ${c.latestAt.slice(0, 10)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
