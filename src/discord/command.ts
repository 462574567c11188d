import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandBuilder,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
} from "discord.js";
import type { BotServices } from "./botServices.js";

/**
 * One slash command: one file in `commands/`, named as the command, whose
 * default export `satisfies Command`. The same list feeds the bot and
 * `deploy-commands`.
 */
export interface Command {
  data: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  /** Acknowledges within Discord's 3 s (reply or defer first), then answers through the interaction. */
  execute(interaction: ChatInputCommandInteraction, services: BotServices): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, services: BotServices): Promise<void>;
}
