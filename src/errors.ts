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
function newErrorId(): string {
  return randomBytes(4).toString("hex");
}

export interface FailureReply {
  /** What the user is told. */
  text: string;
  /** Set when the failure was unexpected: the id logged with its stack and named in `text`. */
  errorId?: string;
}

/**
 * The one reply to a failure, for the bot's messages, its slash commands and the CLI:
 * a UserFacingError's message as it is; anything else gets a new id, is handed to
 * `logUnexpected` with it (to be logged with its stack), and the user sees the id.
 */
export function failureReply(error: unknown, logUnexpected: (errorId: string) => void): FailureReply {
  if (error instanceof UserFacingError) return { text: error.message };
  const errorId = newErrorId();
  logUnexpected(errorId);
  return {
    text: `Something went wrong on my side: it failed unexpectedly (error id ${errorId}). It has been logged; please try again.`,
    errorId,
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
