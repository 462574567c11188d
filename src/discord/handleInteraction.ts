import type { Interaction } from "discord.js";
import { errorMessage } from "../errors.js";
import type { BotServices } from "./botServices.js";
import type { Command } from "./command.js";
import { runInteraction } from "./interactionReply.js";
import { parseVoteId, pressAnswerVote } from "./votes.js";
import { parseDigestVoteId, pressDigestVote } from "./digestVotes.js";
import { parsePaperButton } from "./paperButtons.js";
import { pressPaperButton } from "./pressPaperButton.js";

/** Routes every interaction: slash commands, autocomplete, and the 👍/👎 buttons. */
export function createInteractionHandler(services: BotServices, commands: ReadonlyMap<string, Command>) {
  const { logger } = services;

  return async function handleInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      const command = commands.get(interaction.commandName);
      try {
        await command?.autocomplete?.(interaction, services);
      } catch (error) {
        // Autocomplete is a convenience: an empty list beats an error popup.
        logger.warn({ err: errorMessage(error), command: interaction.commandName }, "autocomplete failed");
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
      }
      return;
    }
    if (interaction.isChatInputCommand()) {
      const command = commands.get(interaction.commandName);
      await runInteraction(interaction, logger, async () => {
        if (!command) throw new Error(`no handler for /${interaction.commandName}`);
        await command.execute(interaction, services);
      });
      return;
    }
    if (interaction.isButton()) {
      const vote = parseVoteId(interaction.customId);
      if (vote) {
        await runInteraction(interaction, logger, () => pressAnswerVote(interaction, vote, services));
        return;
      }
      const digestVote = parseDigestVoteId(interaction.customId);
      if (digestVote) {
        await runInteraction(interaction, logger, () => pressDigestVote(interaction, digestVote, services));
        return;
      }
      const button = parsePaperButton(interaction.customId);
      if (button) await runInteraction(interaction, logger, () => pressPaperButton(interaction, button, services));
    }
  };
}
