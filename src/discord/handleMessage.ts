import { ChannelType, type Message, type SendableChannels } from "discord.js";
import { errorMessage, failureReply } from "../errors.js";
import type { Answer } from "../answer/createAnswerer.js";
import { digestPapersFor, type BotServices } from "./botServices.js";
import { recordAskedAbout } from "./digestVotes.js";
import { THINKING } from "./answerMessages.js";
import { channelSink, deliverAnswer } from "./deliverAnswer.js";
import { NO_MENTIONS, threadNameFrom } from "./discordText.js";
import { stripBotMention, threadHistory } from "./threadHistory.js";
import { digestChannelOf } from "./digestHistory.js";

/** Threads the bot opens archive after a day of silence. */
const THREAD_ARCHIVE_MINUTES = 1440;
const ACK_EMOJI = "👀";

/**
 * Questions in chat: answered when the bot is mentioned, in an answer channel,
 * in a thread the bot started, or (as configured) in a DM. The answer goes in a
 * thread named from the question, streamed by editing one message.
 */
export function createMessageHandler(services: BotServices, botId: () => string) {
  const { config, logger, gate, answerer, votes } = services;

  function shouldAnswer(message: Message): boolean {
    if (message.author.bot || message.system || message.webhookId) return false;
    const channel = message.channel;
    if (channel.type === ChannelType.DM) return true;
    if (channel.isThread() && channel.ownerId === botId()) return true;
    if (config.discord.answerChannelIds.includes(message.channelId)) return true;
    return new RegExp(`<@!?${botId()}>`).test(message.content);
  }

  return async function handleMessage(message: Message): Promise<void> {
    if (!shouldAnswer(message)) return;
    const channel = message.channel;
    // Acknowledge at once: the reaction is the first thing the user sees.
    const ack = message.react(ACK_EMOJI).catch((e: unknown) => logger.debug({ err: errorMessage(e) }, "could not react"));
    try {
      if (channel.type === ChannelType.DM && config.bot.dmMode === "refuse") {
        await message.reply({
          content: "I only answer questions in servers — mention me in a channel there, or use `/ask`.",
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      const question = stripBotMention(message.content, botId());
      if (!question) {
        await message.reply({
          content: "Ask me about a paper — for example: *which method detects replaced tokens?* Or try `/help`.",
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      gate.admit(message.author.id);
      if ("sendTyping" in channel) void channel.sendTyping().catch(() => undefined);

      const ownThread = channel.isThread() && channel.ownerId === botId();
      const history = ownThread ? await threadHistory(channel, botId(), message) : [];
      // Under a digest, "about today's papers": those papers are looked at first.
      const digestPapers = ownThread ? await digestPapersFor(services, channel.id, channel.parentId) : undefined;
      const filters = digestPapers ? { preferPaperIds: digestPapers } : undefined;
      // The channel whose past digests a question may ask about: a thread's parent, a server channel itself.
      const channelId = digestChannelOf(channel);
      const target: SendableChannels =
        channel.isThread() || channel.type === ChannelType.DM || !("threads" in channel)
          ? (channel as SendableChannels)
          : await message.startThread({ name: threadNameFrom(question), autoArchiveDuration: THREAD_ARCHIVE_MINUTES });

      const sink = channelSink(target);
      const answer: Answer = await gate.run(
        async () => {
          await sink.show(THINKING);
          return deliverAnswer(question, answerer.stream(question, { history, filters, ...(channelId ? { channelId } : {}) }), sink, votes);
        },
        (ahead) => sink.show(`-# ⏳ ${ahead} question${ahead === 1 ? " is" : "s are"} ahead of yours — I'll answer here shortly.`),
      );
      // A question in a digest's thread tells that channel's digest what it wants to know more about.
      if (digestPapers && channel.isThread() && channel.parentId) {
        const parentId = channel.parentId;
        await recordAskedAbout(services, { channelId: parentId, userId: message.author.id, answer }).catch((error: unknown) =>
          logger.warn({ err: errorMessage(error), channelId: parentId }, "could not record the papers asked about in a digest thread"),
        );
      }
    } catch (error) {
      await tellUser(message, error);
    } finally {
      await ack;
    }
  };

  async function tellUser(message: Message, error: unknown): Promise<void> {
    const { text, errorId } = failureReply(error, (id) =>
      logger.error({ err: error, errorId: id, messageId: message.id, channelId: message.channelId }, "answering a message failed"),
    );
    await message
      .reply({ content: text, allowedMentions: NO_MENTIONS })
      .catch((e: unknown) => logger.warn({ err: errorMessage(e), errorId }, "could not tell the user about a failure"));
  }
}
