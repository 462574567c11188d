import type { ButtonInteraction, Message } from "discord.js";
import type { Answer } from "../answer/createAnswerer.js";
import type { DigestEntry } from "../digest/buildDigest.js";
import { describeProfile, learnProfile, paperText, type ChannelProfile, type PaperVote } from "../digest/channelProfile.js";
import type { BotServices } from "./botServices.js";
import { truncate } from "../text/truncate.js";
import { escapeForDiscord } from "./discordText.js";
import { respond } from "./interactionReply.js";

/*
 * 👍/👎 on each paper of a posted digest: a row of two buttons under it (buttons, not reactions: a
 * button press says who voted and on which paper, works after a restart with no message cache, and
 * replaces the member's earlier vote). The votes live in the library (src/store/digestVotes.ts) and
 * teach the channel's profile (src/digest/channelProfile.ts), which ranks its next digests.
 */

const PREFIX = "dvote";
/** Discord's limit on a button's custom id and on its label. */
const CUSTOM_ID_MAX = 100;
const LABEL_MAX = 80;

/** An action row as Discord's API takes it (discord.js sends it as is). */
export interface DigestVoteRow {
  type: 1;
  components: { type: 2; style: 2; custom_id: string; label: string; emoji: { name: string } }[];
}

/** The 👍/👎 row for the paper at `rank`; undefined when its id is too long for a button. */
export function digestVoteRow(entry: Pick<DigestEntry, "id" | "title">, rank: number): DigestVoteRow | undefined {
  const up = `${PREFIX}:up:${entry.id}`;
  if (up.length + 2 > CUSTOM_ID_MAX) return undefined;
  const title = entry.title.replace(/\s+/g, " ").trim();
  return {
    type: 1,
    components: [
      { type: 2, style: 2, custom_id: up, label: truncate(`${rank}. ${title}`, LABEL_MAX), emoji: { name: "👍" } },
      { type: 2, style: 2, custom_id: `${PREFIX}:down:${entry.id}`, label: "not for us", emoji: { name: "👎" } },
    ],
  };
}

export function parseDigestVoteId(customId: string): { vote: "up" | "down"; paperId: string } | undefined {
  const m = /^dvote:(up|down):(.+)$/.exec(customId);
  return m ? { vote: m[1] as "up" | "down", paperId: m[2]! } : undefined;
}

/** The papers a posted digest message holds, named by its 👍 buttons. */
export function digestVotePaperIds(message: Pick<Message, "components">): string[] {
  const ids: string[] = [];
  for (const row of message.components) {
    if (!("components" in row)) continue;
    for (const c of row.components) {
      const vote = "customId" in c && c.customId ? parseDigestVoteId(c.customId) : undefined;
      if (vote?.vote === "up") ids.push(vote.paperId);
    }
  }
  return ids;
}

/** Where a vote's paper text comes from when the library no longer has the paper: the button's label. */
function labelTitle(interaction: ButtonInteraction, paperId: string): string {
  for (const row of interaction.message.components) {
    if (!("components" in row)) continue;
    for (const c of row.components) {
      if ("customId" in c && c.customId === `${PREFIX}:up:${paperId}` && "label" in c && c.label) return c.label.replace(/^\d+\.\s*/, "");
    }
  }
  return paperId;
}

/** Records a member's 👍/👎 on a digest paper (replacing their earlier vote) and says so, only to them. */
export async function pressDigestVote(
  interaction: ButtonInteraction,
  pressed: { vote: "up" | "down"; paperId: string },
  services: BotServices,
): Promise<void> {
  const paper = await services.store.paperById(pressed.paperId);
  const title = paper?.title ?? labelTitle(interaction, pressed.paperId);
  const { previous } = await services.digestVotes.vote({
    channelId: interaction.channelId,
    paperId: pressed.paperId,
    userId: interaction.user.id,
    vote: pressed.vote,
    at: new Date().toISOString(),
    title,
    text: paper ? paperText(paper) : title,
    keywords: paper?.keywords ?? [],
  });
  const shown = escapeForDiscord(truncate(title.replace(/\s+/g, " "), 120));
  const said =
    previous === pressed.vote
      ? `You had already voted ${pressed.vote === "up" ? "👍" : "👎"} on “${shown}”.`
      : `${pressed.vote === "up" ? "👍" : "👎"} on “${shown}”${previous ? " (was " + (previous === "up" ? "👍" : "👎") + ")" : ""}` +
        ": this channel's next digests will rank with it.";
  await respond(interaction, { content: said, ephemeral: true });
}

/**
 * A question asked in a digest's thread and answered citing papers: for the digest's channel, each cited
 * paper counts as asked about by the member (a weaker 👍, once per member and paper: channelProfile.ts).
 * An answer that found nothing (grounded false) says nothing of what the channel wants. The papers newly
 * recorded.
 */
export async function recordAskedAbout(
  services: Pick<BotServices, "store" | "digestVotes">,
  asked: { channelId: string; userId: string; answer: Pick<Answer, "grounded" | "citations"> },
  at = new Date(),
): Promise<string[]> {
  if (!asked.answer.grounded) return [];
  const papers = await Promise.all(
    asked.answer.citations.map(async (c) => ({ cited: c, paper: await services.store.paperById(c.paperId) })),
  );
  return services.digestVotes.asked(
    papers.map(({ cited, paper }) => ({
      channelId: asked.channelId,
      paperId: cited.paperId,
      userId: asked.userId,
      at: at.toISOString(),
      title: paper?.title ?? cited.title,
      text: paper ? paperText(paper) : cited.title,
      keywords: paper?.keywords ?? [],
    })),
  );
}

/** What the channel has taught its digest, learned with the digest's embedder. */
export async function channelProfileFor(
  services: Pick<BotServices, "digestVotes" | "digestClients">,
  channelId: string,
): Promise<ChannelProfile | undefined> {
  const votes = await services.digestVotes.votes(channelId);
  if (votes.length === 0) return undefined;
  return learnProfile(votes, (await services.digestClients()).embeddings);
}

/** `/digest profile`: what the channel's votes (and questions in its digests' threads) taught its digest, within one message. */
export function profileSummary(votes: readonly Pick<PaperVote, "vote" | "paperId">[], profile: ChannelProfile | undefined): string {
  if (!profile || votes.length === 0)
    return (
      "This channel has not voted on digest papers yet: its digests rank by upvotes (and topics, when subscribed with some). " +
      "Vote with 👍/👎 under each paper."
    );
  const d = describeProfile(profile);
  const askedAbout = new Set(d.askedAbout);
  const titles = (list: string[]) =>
    list
      .slice(0, 5)
      .map((t) => `• ${escapeForDiscord(truncate(t.replace(/\s+/g, " "), 100))}${askedAbout.has(t) ? " (asked about in the thread)" : ""}`);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const asked = votes.filter((v) => v.vote === "asked");
  const askedPapers = new Set(asked.map((v) => v.paperId)).size;
  const counts = [
    ...(votes.length > asked.length ? [plural(votes.length - asked.length, "vote", "votes")] : []),
    ...(askedPapers > 0 ? [`${plural(askedPapers, "paper", "papers")} asked about in its digests' threads`] : []),
  ];
  const lines = [`**What this channel has taught its digest** (${counts.join(", ")})`];
  if (d.liked.length > 0) lines.push(`👍 ${d.liked.length} paper${d.liked.length === 1 ? "" : "s"}, latest:`, ...titles(d.liked));
  if (d.disliked.length > 0)
    lines.push(`👎 ${d.disliked.length} paper${d.disliked.length === 1 ? "" : "s"}, latest:`, ...titles(d.disliked));
  if (d.likedWords.length > 0) lines.push(`More of: ${escapeForDiscord(d.likedWords.join(", "))}`);
  if (d.dislikedWords.length > 0) lines.push(`Less of: ${escapeForDiscord(d.dislikedWords.join(", "))}`);
  lines.push("-# Members with Manage Server can forget it all with `/digest reset`.");
  return truncate(lines.join("\n"), 2000);
}
