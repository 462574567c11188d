/** A Discord id (a snowflake) as the API and the client show it: digits only. */
export const DISCORD_ID = /^\d{5,25}$/;

export function isDiscordId(id: string): boolean {
  return DISCORD_ID.test(id);
}

/** The link to a message, as discord.js gives it (`Message.url`): for records that kept only ids. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}
