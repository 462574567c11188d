import PQueue from "p-queue";
import { UserFacingError } from "../errors.js";

/**
 * Keeps answering fair and bounded: one question per user per cooldown, and at
 * most `concurrency` answers (each may hold an LLM call) at a time. Anyone beyond
 * that waits in a queue and is told how many are ahead.
 */
export class AnswerGate {
  private readonly queue: PQueue;
  private readonly lastAsked = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: { concurrency: number; cooldownSeconds: number; now?: () => number }) {
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Throws a UserFacingError when the user asked too recently; otherwise starts their cooldown. */
  admit(userId: string): void {
    if (this.closed) throw new UserFacingError("I'm restarting and not taking new questions for a moment — please ask again shortly.");
    const last = this.lastAsked.get(userId);
    const wait = last === undefined ? 0 : last + this.options.cooldownSeconds * 1000 - this.now();
    if (wait > 0) throw new UserFacingError(`You're asking quickly — please wait ${Math.ceil(wait / 1000)} s before your next question.`);
    this.lastAsked.set(userId, this.now());
    if (this.lastAsked.size > 10_000) this.forgetOld();
  }

  /** How many answers would run before one queued now. */
  get ahead(): number {
    return Math.max(0, this.queue.size + this.queue.pending - this.options.concurrency + 1);
  }

  /** Runs `work` when a slot is free; `onQueued(n)` is called first if n answers are ahead of it. */
  async run<T>(work: () => Promise<T>, onQueued?: (ahead: number) => Promise<unknown>): Promise<T> {
    const ahead = this.ahead;
    if (ahead > 0 && onQueued) await onQueued(ahead).catch(() => undefined);
    return (await this.queue.add(work)) as T;
  }

  /** Stops admitting questions; resolves when answers in flight and queued have finished. */
  async drain(): Promise<void> {
    this.closed = true;
    await this.queue.onIdle();
  }

  get busy(): number {
    return this.queue.pending + this.queue.size;
  }

  private forgetOld(): void {
    const horizon = this.now() - this.options.cooldownSeconds * 1000;
    for (const [user, at] of this.lastAsked) if (at < horizon) this.lastAsked.delete(user);
  }
}
