/** A Discord id (a snowflake) as the API and the client show it: digits only. */
export const DISCORD_ID = /^\d{5,25}$/;

export function isDiscordId(id: string): boolean {
  return DISCORD_ID.test(id);
}
