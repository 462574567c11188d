import { randomBytes } from "node:crypto";

/**
 * An error whose message is written for the user and shown as it is
 * ("No file at ./papers.json"). Anything else is unexpected: it is logged with
 * its stack and the user sees only a short id to quote.
 */
export class UserFacingError extends Error {
  override name = "UserFacingError";
}

/** A short id that links what a user saw to the log line with the stack. */
export function newErrorId(): string {
  return randomBytes(4).toString("hex");
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
