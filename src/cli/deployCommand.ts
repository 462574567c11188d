import { REST, Routes, type APIApplication } from "discord.js";
import type { App } from "../app.js";
import { UserFacingError } from "../errors.js";
import { isDiscordId } from "../discord/discordIds.js";
import { loadCommands } from "../discord/loadCommands.js";
import { NO_TOKEN_MESSAGE } from "./botCommand.js";

/**
 * `paperbot deploy-commands [--guild ID]`: registers the slash commands the bot
 * loads — in one guild (instant, for development) or globally.
 */
export async function deployCommand(app: App, flags: { guild?: string; global?: boolean }): Promise<void> {
  const { discord } = app.config;
  if (!discord.token) throw new UserFacingError(NO_TOKEN_MESSAGE);
  const rest = new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  const applicationId = discord.clientId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const guildId = flags.global ? undefined : (flags.guild ?? discord.guildId);
  if (guildId !== undefined && !isDiscordId(guildId))
    throw new UserFacingError(`--guild "${guildId}": expected a Discord server id (digits)`);

  const body = [...(await loadCommands()).values()].map((c) => c.data.toJSON());
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as unknown[];
  const where = guildId ? `in server ${guildId} (available now)` : "globally (Discord may take up to an hour to show changes)";
  process.stdout.write(`Registered ${registered.length} slash commands ${where}: ${body.map((c) => `/${c.name}`).join(" ")}\n`);
}
