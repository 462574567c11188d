import type { Logger } from "../logger.js";
import type { DigestDate } from "./digestLedger.js";

const HOUR = 3_600_000;

/** Per channel, how often its digest has failed in a row and when to try again: one failing channel waits, the others go on. */
export class RetryBackoff {
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  constructor(private readonly logger: Logger) {}

  /** Whether the channel is still waiting to be retried at `at`. */
  waiting(channelId: string, at: Date): boolean {
    const failure = this.failures.get(channelId);
    return failure !== undefined && at.getTime() < failure.retryAt;
  }

  /** Backs off: retried after 1, 2, 4 … minutes, at most an hour. */
  failed(channelId: string, at: Date, error: unknown, date?: DigestDate): void {
    const count = (this.failures.get(channelId)?.count ?? 0) + 1;
    const retryInMs = Math.min(HOUR, 60_000 * 2 ** (count - 1));
    this.failures.set(channelId, { count, retryAt: at.getTime() + retryInMs });
    this.logger.error({ err: error, channelId, date, retryInMs }, "digest failed; will retry");
  }

  /** The channel's digest went through (or it is gone): the next failure starts the backoff afresh. */
  clear(channelId: string): void {
    this.failures.delete(channelId);
  }
}
