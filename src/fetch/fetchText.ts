import { setTimeout as sleep } from "node:timers/promises";
import ky, { isHTTPError, isTimeoutError } from "ky";
import type { Config } from "../config.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";

/*
 * The one way paperbot asks the outside world for text: URLs given to `ingest`
 * and the digest's sources. ky does each request: a timeout per attempt, retries
 * with backoff on 408/429/5xx and on connections that fail, a 429's or 503's
 * Retry-After / RateLimit-Reset honoured. A Fetcher adds what one run needs
 * around it: a host that gave no answer is not asked again in the run, an
 * optional budget for all of the run's requests, spacing for hosts that ask for it
 * (arXiv) in a beforeRequest hook, and events for progress lines.
 */

/** arXiv asks for no more than one request every three seconds. */
export const ARXIV_MIN_INTERVAL_MS = 3_000;

/** Sent with every request, so that a source's operators can tell who is asking. */
export const USER_AGENT = "paperbot/0.1 (research-paper Q&A bot and daily digest; Node.js)";

/**
 * Keeps calls to one host apart: each call starts at least `intervalMs` after
 * the previous one started and after its answer arrived (so a slow answer never
 * lets the next request in early).
 */
export interface RateGate {
  readonly intervalMs: number;
  /**
   * Waits for this call's turn. Returns false at once, without taking a turn,
   * when the turn would come after `deadline` (a performance.now() time).
   */
  turn(deadline?: number, signal?: AbortSignal): Promise<boolean>;
  /** An answer arrived: the next call waits `intervalMs` from now as well. */
  answered(): void;
}

export function createRateGate(intervalMs: number): RateGate {
  // The earliest moment the next call may start.
  let next = Number.NEGATIVE_INFINITY;
  return {
    intervalMs,
    async turn(deadline = Number.POSITIVE_INFINITY, signal) {
      const start = Math.max(performance.now(), next);
      if (start > deadline) return false;
      next = start + intervalMs;
      // Timers may fire a little early by the high-resolution clock: wait until the turn has really come.
      for (let wait = start - performance.now(); wait > 0; wait = start - performance.now())
        await sleep(Math.ceil(wait), undefined, signal ? { signal } : undefined);
      return true;
    },
    answered() {
      next = Math.max(next, performance.now() + intervalMs);
    },
  };
}

/** One gate for the whole process, so that the bot's digests and an ingest in it still pace arXiv together. */
export const arxivRateGate: RateGate = createRateGate(ARXIV_MIN_INTERVAL_MS);

export interface RetryPolicy {
  /** Retries after the first attempt, for 408/429/5xx. A timeout is never retried. */
  retries: number;
  /** Backoff before the first retry; doubled for each further one, up to `maxDelayMs`, randomised by ±25%. */
  minDelayMs: number;
  maxDelayMs: number;
  /** Retries when no connection can be made at all (refused, unknown host): one is plenty. */
  connectionRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, minDelayMs: 1_000, maxDelayMs: 15_000, connectionRetries: 1 };

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
/** Statuses whose Retry-After / RateLimit-Reset is waited for. */
const AFTER_STATUSES = [429, 503];
/** The headers ky reads a reset from, in its order. */
const RESET_HEADERS = ["retry-after", "ratelimit-reset", "x-ratelimit-retry-after", "x-ratelimit-reset", "x-rate-limit-reset"];

/**
 * Why a request failed:
 * - `status`: the host answered with an error status (after any retries);
 * - `rate-limited`: it asked us to wait longer than we wait;
 * - `timeout`, `connection`: it gave no answer in time / none at all;
 * - `host-down`: not asked, because it gave no answer earlier in this run;
 * - `budget`: the run's time for requests ran out.
 */
export type FetchFailure = "status" | "rate-limited" | "timeout" | "connection" | "host-down" | "budget";

export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    readonly failure: FetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** The host gave no answer in this run: asking it for anything more would only wait again. */
  get hostUnavailable(): boolean {
    return this.failure === "timeout" || this.failure === "connection" || this.failure === "host-down";
  }
}

/** What a Fetcher reports as it goes; the CLI prints these on stderr, the bot logs them. */
export type FetchEvent =
  | { kind: "start"; url: string; label: string }
  | { kind: "retry"; url: string; label: string; reason: string; attempt: number; waitMs?: number }
  | { kind: "done"; url: string; label: string; status: number; bytes: number; ms: number }
  | { kind: "failed"; url: string; label: string; reason: string; ms: number };

export interface FetcherOptions {
  /** Time for each attempt, from sending the request to the last byte of the answer. */
  timeoutMs: number;
  /** A Retry-After / RateLimit-Reset further away than this is not waited for: the request fails at once. */
  maxRetryAfterMs: number;
  retry?: Partial<RetryPolicy>;
  /** Time for all of this run's requests together; `what` names them in the message ("the digest's sources"). */
  budget?: { ms: number; what: string };
  /** The gate a URL's calls wait on, when its host asks for spacing. */
  gateFor?: (url: URL) => RateGate | undefined;
  logger?: Logger;
  onEvent?: (event: FetchEvent) => void;
}

export interface RequestOptions {
  accept?: string;
  /** How progress lines and logs name the request ("arXiv cs.CL"); default the URL. */
  label?: string;
  /** The reason an error answer's body gives, when the caller can read one (arXiv's error feed). */
  explainErrorBody?: (body: string) => string | undefined;
}

export interface FetchedText {
  text: string;
  status: number;
  contentType: string | undefined;
  attempts: number;
}

/** One run's requests (an `ingest`, one digest's sources). Throws FetchError. */
export interface Fetcher {
  text(url: string, options?: RequestOptions): Promise<FetchedText>;
}

export function createFetcher(options: FetcherOptions): Fetcher {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const { timeoutMs, maxRetryAfterMs, budget } = options;
  const deadline = budget ? performance.now() + budget.ms : Number.POSITIVE_INFINITY;
  const budgetSignal = budget ? AbortSignal.timeout(budget.ms) : undefined;
  /** Hosts that gave no answer in this run, with what happened. */
  const unavailable = new Map<string, string>();

  const emit = (event: FetchEvent) => {
    const message = { start: "request", done: "answer", retry: "request failed: trying again", failed: "request failed" }[event.kind];
    // Where progress is shown (the CLI) a log line would say it twice; elsewhere (the bot) failures are worth a line.
    const worthALine = !options.onEvent && (event.kind === "retry" || event.kind === "failed");
    options.logger?.[worthALine ? "info" : "debug"]({ ...event }, message);
    options.onEvent?.(event);
  };
  const budgetError = () =>
    new FetchError("budget", `no answer within the ${duration(budget?.ms ?? 0)} allowed for ${budget?.what ?? "these requests"}`);

  return {
    async text(url, request = {}) {
      const target = new URL(url);
      const host = target.host;
      const label = request.label ?? url;
      const gate = options.gateFor?.(target);
      // Aborts this call's body read when it runs past the attempt's time; the budget aborts everything.
      const call = new AbortController();
      const signal = budgetSignal ? AbortSignal.any([budgetSignal, call.signal]) : call.signal;
      const started = performance.now();
      let attempts = 0;
      let attemptStarted = started;
      let connectionFailures = 0;
      let bodyTimedOut = false;
      /** Set when a retry is declined for a reason that deserves its own message. */
      let declined: FetchError | undefined;

      const shouldRetry = (error: unknown): boolean | undefined => {
        if (signal.aborted || error instanceof FetchError || isTimeoutError(error)) return false;
        if (isHTTPError(error)) {
          const { status, statusText, headers } = error.response;
          if (!RETRY_STATUSES.includes(status)) return false;
          const announced = AFTER_STATUSES.includes(status) && RESET_HEADERS.some((name) => headers.has(name));
          const waitMs = announced ? retryAfterMs(headers) : undefined;
          // A reset nobody can read would have ky wait the whole cap: back off as for any other failure.
          if (announced && waitMs === undefined) {
            emit({ kind: "retry", url, label, reason: httpStatus(status, statusText), attempt: attempts });
            return true;
          }
          if (waitMs !== undefined && waitMs > maxRetryAfterMs) {
            declined = new FetchError(
              "rate-limited",
              `HTTP ${status}: rate limited for ${duration(waitMs)}, longer than the ${duration(maxRetryAfterMs)} we wait`,
              status,
            );
            return false;
          }
          if (waitMs !== undefined && performance.now() + waitMs > deadline) {
            declined = new FetchError(
              "budget",
              `HTTP ${status}: asked to wait ${duration(waitMs)}, longer than what is left of the ${duration(budget?.ms ?? 0)} allowed for ${budget?.what}`,
              status,
            );
            return false;
          }
          emit({
            kind: "retry",
            url,
            label,
            reason: httpStatus(status, statusText),
            attempt: attempts,
            ...(waitMs === undefined ? {} : { waitMs }),
          });
          // Undefined: ky retries these statuses, after the Retry-After when there is one.
          return undefined;
        }
        if (++connectionFailures > policy.connectionRetries) return false;
        emit({ kind: "retry", url, label, reason: connectionReason(error), attempt: attempts });
        return undefined;
      };

      try {
        const response = await ky.get(target, {
          timeout: timeoutMs,
          signal,
          headers: { accept: request.accept ?? "*/*", "user-agent": USER_AGENT },
          retry: {
            limit: policy.retries,
            statusCodes: RETRY_STATUSES,
            afterStatusCodes: AFTER_STATUSES,
            maxRetryAfter: maxRetryAfterMs,
            delay: (attempt) => Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1)),
            jitter: (delay) => delay * (0.75 + Math.random() * 0.5),
            shouldRetry: ({ error }) => shouldRetry(error),
          },
          hooks: {
            beforeRequest: [
              async () => {
                const earlier = unavailable.get(host);
                if (earlier) throw new FetchError("host-down", `not asked: ${host} gave no answer earlier in this run (${earlier})`);
                if (gate && !(await gate.turn(deadline, signal))) {
                  throw new FetchError(
                    "budget",
                    `not asked: ${host} wants ${duration(gate.intervalMs)} between calls, ` +
                      `and the ${duration(budget?.ms ?? 0)} allowed for ${budget?.what} end sooner`,
                  );
                }
                attempts++;
                attemptStarted = performance.now();
                if (attempts === 1) emit({ kind: "start", url, label });
              },
            ],
            afterResponse: [() => gate?.answered()],
            // The failed answer's body is not needed; cancelling it frees the connection.
            beforeRetry: [({ error }) => void (isHTTPError(error) ? error.response.body?.cancel().catch(() => undefined) : undefined)],
          },
        });
        // ky's timeout ends when the headers arrive: the body gets what is left of the attempt's time.
        const text = await withDeadline(response.text(), attemptStarted + timeoutMs, call, () => (bodyTimedOut = true));
        emit({ kind: "done", url, label, status: response.status, bytes: Buffer.byteLength(text), ms: performance.now() - started });
        return { text, status: response.status, contentType: response.headers.get("content-type") ?? undefined, attempts };
      } catch (error) {
        const failure = await describe(error);
        if (failure.failure === "timeout" || failure.failure === "connection") unavailable.set(host, failure.message);
        emit({ kind: "failed", url, label, reason: failure.message, ms: performance.now() - started });
        throw failure;
      }

      async function describe(error: unknown): Promise<FetchError> {
        if (error instanceof FetchError) return error;
        if (declined) return declined;
        if (budgetSignal?.aborted) return budgetError();
        if (bodyTimedOut) return new FetchError("timeout", `the answer did not finish within ${duration(timeoutMs)}`);
        if (isTimeoutError(error)) return new FetchError("timeout", `no answer within ${duration(timeoutMs)}`);
        if (isHTTPError(error)) {
          const { status, statusText } = error.response;
          const body = request.explainErrorBody
            ? await withDeadline(error.response.text(), attemptStarted + timeoutMs, call).catch(() => undefined)
            : undefined;
          if (body === undefined) void error.response.body?.cancel().catch(() => undefined);
          const reason = body === undefined ? undefined : request.explainErrorBody?.(body);
          return new FetchError("status", reason ? `${reason} (HTTP ${status})` : httpStatus(status, statusText), status);
        }
        return new FetchError("connection", connectionReason(error));
      }
    },
  };
}

/**
 * The fetcher for paper sources and URLs given to `ingest`: the configured
 * timeout and Retry-After cap, and arXiv's spacing for arXiv's hosts (the
 * configured ARXIV_API_URL's too).
 */
export function sourcesFetcher(
  config: Pick<Config, "sources">,
  options: Partial<Omit<FetcherOptions, "gateFor">> & { arxivGate?: RateGate } = {},
): Fetcher {
  const { arxivGate = arxivRateGate, ...rest } = options;
  const arxivHost = new URL(config.sources.arxivApiUrl).host;
  return createFetcher({
    timeoutMs: config.sources.fetchTimeoutMs,
    maxRetryAfterMs: config.sources.maxRetryAfterMs,
    gateFor: (url) => (url.host === arxivHost || /(^|\.)arxiv\.org$/i.test(url.hostname) ? arxivGate : undefined),
    ...rest,
  });
}

/** Resolves with `promise`, or aborts `controller` (and rejects) once `deadline` (performance.now() time) passes. */
async function withDeadline<T>(promise: Promise<T>, deadline: number, controller: AbortController, onTimeout?: () => void): Promise<T> {
  const timer = setTimeout(
    () => {
      onTimeout?.();
      controller.abort();
    },
    Math.max(0, deadline - performance.now()),
  );
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}

function httpStatus(status: number, statusText: string): string {
  return `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
}

/** "cannot connect: ECONNREFUSED", from the error undici wraps in fetch's TypeError. */
function connectionReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return `cannot connect: ${code ?? errorMessage(cause ?? error)}`;
}

/**
 * How long an answer asks us to wait, in ms, read the way ky reads it (so that
 * what we decide and what ky waits agree): Retry-After, RateLimit-Reset,
 * X-RateLimit-Retry-After, X-RateLimit-Reset, X-Rate-Limit-Reset; seconds, an
 * HTTP date, or an epoch second. Undefined when the answer says nothing usable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = RESET_HEADERS.map((name) => headers.get(name)).find((v) => v !== null);
  if (value === undefined || value === null) return undefined;
  let after = Number(value) * 1000;
  if (Number.isNaN(after)) after = Date.parse(value) - now;
  // A large number is an epoch time, not a delay (ky draws the line at 2024-01-01).
  else if (after >= Date.parse("2024-01-01")) after -= now;
  return Number.isNaN(after) ? undefined : Math.max(0, after);
}

/** "150 ms", "20 s", "1.5 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
