/**
 * Time limits for a model a user is waiting on. A limit is a moment (`performance.now()`), so
 * that several steps share one budget: the follow-up rewrite, the first token, the whole answer.
 */

/** The model's first token, after it is asked (LLM_FIRST_TOKEN_MS). */
export const DEFAULT_FIRST_TOKEN_MS = 8_000;
/**
 * The whole written answer, after the question (LLM_ANSWER_MS). With the quoted answer that
 * replaces a late one (milliseconds with the local embedder), a user has an answer within 15 s.
 */
export const DEFAULT_ANSWER_MS = 12_000;

export interface AnswerDeadlines {
  firstTokenMs: number;
  answerMs: number;
}

export const DEFAULT_DEADLINES: AnswerDeadlines = { firstTokenMs: DEFAULT_FIRST_TOKEN_MS, answerMs: DEFAULT_ANSWER_MS };

/** The model ran out of the time a waiting user gives it; the message completes "The language model …". */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/** "8 s", "0.3 s". */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * Settles as `work` does, unless the moment `at` comes first: then `expire()` runs (it aborts the
 * work) and its error is thrown. `work` is left to settle on its own; its rejection is handled.
 */
export function before<T>(work: Promise<T>, at: number, expire: () => Error): Promise<T> {
  // setTimeout takes an overlong delay as 1 ms: no limit means no timer.
  if (!Number.isFinite(at)) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(expire()), Math.max(0, at - performance.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
