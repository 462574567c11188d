import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from "discord.js";
import { composeDigest, digestSettings } from "../src/digest/composeDigest.js";
import { digestSince } from "../src/digest/channelSince.js";
import { DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS, lastDaysRange } from "../src/digest/digestArchive.js";
import { historyMessages, withPostLinks } from "../src/discord/digestHistory.js";
import { gatherDigestPapers, todayIn } from "../src/digest/digestSources.js";
import { renderDigest } from "../src/discord/renderDigest.js";
import { channelProfileFor, profileSummary } from "../src/discord/digestVotes.js";
import { MAX_PAPERS_PER_DIGEST, parseTopics } from "../src/digest/subscriptions.js";
import { UserFacingError } from "../src/errors.js";
import type { BotServices } from "../src/discord/botServices.js";
import type { Command } from "../src/discord/command.js";
import { isDiscordId } from "../src/discord/discordIds.js";
import { escapeForDiscord } from "../src/discord/discordText.js";

function requireManageServer(interaction: ChatInputCommandInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError("Only members with the **Manage Server** permission can change this channel's digest.");
  }
}

function digestService(services: BotServices) {
  if (!services.digest) throw new UserFacingError("The digest is not running in this bot right now.");
  return services.digest;
}

export default {
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("This channel's daily digest of new papers")
    .addSubcommand((s) =>
      s
        .setName("subscribe")
        .setDescription("Post the digest in this channel every day (Manage Server)")
        .addStringOption((o) => o.setName("time").setDescription("Local time, HH:MM (default 09:00)").setMaxLength(5))
        .addStringOption((o) => o.setName("timezone").setDescription("IANA time zone, e.g. Europe/Berlin (default UTC)").setMaxLength(64))
        .addStringOption((o) => o.setName("topics").setDescription('Rank by these, e.g. "diffusion, RLHF"').setMaxLength(500))
        .addIntegerOption((o) =>
          o
            .setName("max")
            .setDescription(`Papers per digest (1–${MAX_PAPERS_PER_DIGEST})`)
            .setMinValue(1)
            .setMaxValue(MAX_PAPERS_PER_DIGEST),
        ),
    )
    .addSubcommand((s) => s.setName("unsubscribe").setDescription("Stop the digest in this channel (Manage Server)"))
    .addSubcommand((s) => s.setName("preview").setDescription("See today's digest for this channel, only for you"))
    .addSubcommand((s) => s.setName("now").setDescription("Post today's digest here now, if not yet posted (Manage Server)"))
    .addSubcommand((s) => s.setName("profile").setDescription("What this channel's 👍/👎 on digest papers have taught the digest"))
    .addSubcommand((s) => s.setName("reset").setDescription("Forget this channel's 👍/👎 on digest papers (Manage Server)"))
    .addSubcommand((s) =>
      s
        .setName("history")
        .setDescription("The digests posted in this channel: their papers and links to the posts, only for you")
        .addIntegerOption((o) =>
          o
            .setName("days")
            .setDescription(`How many days back (1–${MAX_HISTORY_DAYS}, default ${DEFAULT_HISTORY_DAYS})`)
            .setMinValue(1)
            .setMaxValue(MAX_HISTORY_DAYS),
        ),
    ),

  async execute(interaction, services) {
    const { config } = services;
    const sub = interaction.options.getSubcommand();
    if (!interaction.inGuild()) throw new UserFacingError("Digests are posted in server channels: use this command in one.");

    if (sub === "subscribe") {
      requireManageServer(interaction);
      // The core keys subscriptions by these ids without knowing Discord: the rule for them is checked here.
      if (!isDiscordId(interaction.channelId) || !isDiscordId(interaction.guildId))
        throw new Error(`not Discord ids: channel ${interaction.channelId}, guild ${interaction.guildId}`);
      await interaction.deferReply();
      const subscription = await digestService(services).scheduler.subscribe(interaction.channelId, interaction.guildId, {
        time: interaction.options.getString("time") ?? config.digest.defaultTime,
        timeZone: interaction.options.getString("timezone") ?? config.digest.defaultTimeZone,
        topics: parseTopics(interaction.options.getString("topics") ?? undefined),
        max: interaction.options.getInteger("max") ?? undefined,
      });
      const topics = subscription.topics.length > 0 ? ` on ${escapeForDiscord(subscription.topics.join(", "))}` : "";
      await interaction.editReply({
        content:
          `📰 This channel will get the daily digest at ${subscription.time} (${subscription.timeZone})${topics}, ` +
          `up to ${subscription.max ?? config.digest.maxPapers} papers.`,
        allowedMentions: { parse: [] },
      });
    } else if (sub === "unsubscribe") {
      requireManageServer(interaction);
      await interaction.deferReply();
      const removed = await digestService(services).scheduler.unsubscribe(interaction.channelId);
      await interaction.editReply(
        removed ? "This channel will no longer get the daily digest." : "This channel had no digest subscription.",
      );
    } else if (sub === "profile") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const votes = await services.digestVotes.votes(interaction.channelId);
      await interaction.editReply({
        content: profileSummary(votes, await channelProfileFor(services, interaction.channelId)),
        allowedMentions: { parse: [] },
      });
    } else if (sub === "reset") {
      requireManageServer(interaction);
      await interaction.deferReply();
      const removed = await services.digestVotes.reset(interaction.channelId);
      await interaction.editReply(
        removed > 0
          ? `Forgot this channel's ${removed} vote${removed === 1 ? "" : "s"} on digest papers: its digests rank by upvotes and topics again.`
          : "This channel has no votes on digest papers to forget.",
      );
    } else if (sub === "history") {
      const days = interaction.options.getInteger("days") ?? DEFAULT_HISTORY_DAYS;
      // Discord checks the bounds it was given; a client that skips them is answered here.
      if (!Number.isInteger(days) || days < 1 || days > MAX_HISTORY_DAYS)
        throw new UserFacingError(`\`days\` must be a whole number from 1 to ${MAX_HISTORY_DAYS}.`);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      // Digest dates are the channel's: its days are counted in its time zone.
      const timeZone = (await services.digest?.subscriptions.get(interaction.channelId))?.timeZone ?? config.digest.defaultTimeZone;
      const today = services.digest?.scheduler.today(timeZone) ?? todayIn(timeZone);
      const digests = await services.digestArchive.digests(interaction.channelId, lastDaysRange(days, today));
      const [first, ...rest] = historyMessages(
        digests.map((d) => withPostLinks(d, interaction.guildId)),
        days,
      );
      await interaction.editReply({ content: first ?? "", allowedMentions: { parse: [] } });
      for (const content of rest) await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    } else if (sub === "preview") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const subscription = await services.digest?.subscriptions.get(interaction.channelId);
      const timeZone = subscription?.timeZone ?? config.digest.defaultTimeZone;
      const date = services.digest?.scheduler.today(timeZone) ?? todayIn(timeZone);
      // What the post would be: the papers the library holds for today, new since the channel's digests before today.
      const gathered = await gatherDigestPapers({ date, config, logger: services.logger, store: services.store, offline: true });
      const since = services.digest ? await digestSince(services.digest.ledger, interaction.channelId, { before: date }) : undefined;
      // Without today's papers, the library's latest day is shown under its own date, as `digest` shows it: the
      // preview asks no source, so it cannot say (as the post does) that they could not be read.
      const profile = await channelProfileFor(services, interaction.channelId);
      const digest = await composeDigest(
        {
          date: gathered.libraryDate ?? date,
          gathered,
          settings: digestSettings(config, subscription),
          since,
          ...(profile ? { profile } : {}),
        },
        await services.digestClients(),
      );
      const [first, ...rest] = renderDigest(digest);
      await interaction.editReply({ content: first?.content ?? "Nothing to show.", allowedMentions: { parse: [] } });
      for (const m of rest)
        await interaction.followUp({ content: m.content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    } else {
      requireManageServer(interaction);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const outcome = await digestService(services).scheduler.postNow(interaction.channelId);
      const said: Record<string, string> = {
        posted: "Posted today's digest.",
        reconciled: "Today's digest was already posted here.",
        already: "Today's digest was already posted here.",
        skipped: "Nothing new to post today.",
        busy: "Another bot process is posting today's digest right now.",
        failed: "Posting failed; it will be retried shortly.",
      };
      await interaction.editReply(
        outcome ? (said[outcome.status] ?? outcome.status) : "This channel has no digest subscription: use `/digest subscribe` first.",
      );
    }
  },
} satisfies Command;
