import pRetry from "p-retry";

/** Another writer committed first; LanceDB asks for the operation to be tried again. */
const COMMIT_CONFLICT = /Retryable commit conflict|Commit conflict/i;

/**
 * Retries an idempotent write that lost a commit race to a writer outside this
 * machine's write lock (another host on the same object store, a reader building a
 * missing index), with randomised backoff: 2.5–4 s in all before it gives up.
 */
export function retryCommitConflicts<T>(work: () => Promise<T>): Promise<T> {
  return pRetry(work, {
    retries: 6,
    minTimeout: 50,
    maxTimeout: 1_000,
    randomize: true,
    shouldRetry: ({ error }) => COMMIT_CONFLICT.test(error.message),
  });
}
