import { MessageFlags, type InteractionReplyOptions, type RepliableInteraction } from "discord.js";
import { errorMessage, failureReply } from "../errors.js";
import type { Logger } from "../logger.js";
import { NO_MENTIONS } from "./discordText.js";

export type ReplyPayload = string | (Omit<InteractionReplyOptions, "flags" | "allowedMentions"> & { ephemeral?: boolean });

/**
 * The one place that decides how to answer an interaction: `reply` if nothing
 * was sent yet, `editReply` after a defer, `followUp` after a reply.
 * Every payload goes out with mentions off.
 */
export async function respond(interaction: RepliableInteraction, payload: ReplyPayload): Promise<void> {
  const { ephemeral = false, ...rest } = typeof payload === "string" ? { content: payload } : payload;
  const options = { ...rest, allowedMentions: NO_MENTIONS };
  if (interaction.deferred && !interaction.replied) {
    await interaction.editReply(options);
  } else if (interaction.replied) {
    await interaction.followUp({ ...options, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  } else {
    await interaction.reply({ ...options, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}

/**
 * Runs a command. A UserFacingError is shown as it is; anything else is logged
 * with its stack and an id, and the user sees the id. Never throws: one bad
 * interaction must not take the bot down.
 */
export async function runInteraction(interaction: RepliableInteraction, logger: Logger, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const { text, errorId } = failureReply(error, (id) =>
      logger.error({ err: error, errorId: id, interaction: describe(interaction) }, "interaction failed"),
    );
    await respond(interaction, { content: text, ephemeral: true }).catch((e: unknown) =>
      logger.warn({ err: errorMessage(e), errorId }, "could not tell the user about a failure"),
    );
  }
}

function describe(interaction: RepliableInteraction): Record<string, unknown> {
  return {
    id: interaction.id,
    command: interaction.isChatInputCommand() ? interaction.commandName : undefined,
    customId: interaction.isMessageComponent() ? interaction.customId : undefined,
    userId: interaction.user.id,
    channelId: interaction.channelId,
  };
}
