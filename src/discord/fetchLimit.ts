import { UserFacingError } from "../errors.js";

/**
 * At most a few arXiv fetches per user per minute: each one is a request to arXiv
 * (which asks for 3 s between calls) and a write to the library.
 */
export class FetchLimit {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly options: { perMinute: number; now?: () => number }) {}

  /** Counts a fetch for `userId`, or throws a UserFacingError saying how long to wait. */
  take(userId: string): void {
    const now = this.options.now?.() ?? Date.now();
    const within = (this.recent.get(userId) ?? []).filter((at) => at > now - 60_000);
    if (within.length >= this.options.perMinute) {
      const wait = Math.ceil((within[0]! + 60_000 - now) / 1000);
      throw new UserFacingError(`You've fetched ${within.length} papers from arXiv in the last minute — please wait ${wait} s.`);
    }
    within.push(now);
    this.recent.set(userId, within);
  }
}
