import { UserFacingError } from "../errors.js";

/** A `--k`-style flag: a whole number within bounds, or a message saying what was expected. One rule for every command. */
export function countFlag(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1 || n > max)
    throw new UserFacingError(`${flag} "${value}": expected a whole number from 1 to ${max}`);
  return n;
}
