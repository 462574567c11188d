import { UserFacingError } from "../errors.js";

/** A day flag (`--date`, `--after`, `--since`…): YYYY-MM-DD naming a real day, or a message saying what was expected. One rule for every command. */
export function dateFlag(flag: string, value: string): string {
  const date = value.trim();
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
  // Date accepts 2026-02-30 as 2 March: the day must come back as written.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new UserFacingError(`${flag} "${value}": expected a day as YYYY-MM-DD, e.g. 2026-11-23`);
  }
  return date;
}
