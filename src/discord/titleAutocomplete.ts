import type { AutocompleteInteraction } from "discord.js";
import type { BotServices } from "./botServices.js";
import { DISCORD_LIMITS } from "./discordText.js";
import { truncate } from "../text/truncate.js";

/** Autocomplete for an option that names a paper: matching titles shown, the paper id as the value. */
export async function titleAutocomplete(interaction: AutocompleteInteraction, { suggestTitles }: BotServices): Promise<void> {
  const choices = await suggestTitles(interaction.options.getFocused(), DISCORD_LIMITS.autocompleteChoices);
  await interaction.respond(choices.map((c) => ({ name: truncate(c.title, DISCORD_LIMITS.autocompleteChoiceName), value: c.paperId })));
}
