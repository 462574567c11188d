import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";

/*
 * HTTP for the paper sources: a timeout per request, retries with exponential
 * backoff (p-retry) on 408/429/5xx, timeouts and network errors, a 429's reset
 * honoured (bounded), and an optional rate gate that keeps calls to one host apart.
 */

/** arXiv asks for no more than one request every three seconds. */
export const ARXIV_MIN_INTERVAL_MS = 3_000;

/**
 * Serialises calls and keeps at least `intervalMs` between the end of one call
 * and the start of the next (measured from the end, so a slow answer never lets
 * the next request arrive early). A call that could not even connect does not count.
 */
export interface RateGate {
  readonly intervalMs: number;
  run<T>(call: () => Promise<T>): Promise<T>;
}

export function createRateGate(intervalMs: number): RateGate {
  let tail: Promise<unknown> = Promise.resolve();
  let lastEnd = Number.NEGATIVE_INFINITY;
  return {
    intervalMs,
    run<T>(call: () => Promise<T>): Promise<T> {
      const result = tail.then(async () => {
        const wait = lastEnd + intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        let reached = true;
        try {
          return await call();
        } catch (error) {
          // A request that never reached the host (connection refused, unknown host) cost it nothing.
          if (error instanceof ConnectionFailure && !error.timedOut) reached = false;
          throw error;
        } finally {
          if (reached) lastEnd = performance.now();
        }
      });
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

/** One gate for the whole process, so that digests for several channels still pace arXiv together. */
export const arxivRateGate: RateGate = createRateGate(ARXIV_MIN_INTERVAL_MS);

export interface RetryPolicy {
  /** Retries after the first attempt, for 408/429/5xx and timeouts. */
  retries: number;
  /** Backoff before the first retry; doubled for each further one. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** A 429 whose reset is further away than this is not waited for: the source counts as failed. */
  maxRateLimitWaitMs: number;
  /** Retries when nothing answers at all (connection refused, unknown host): one is plenty. */
  connectionRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  minTimeoutMs: 1_000,
  maxTimeoutMs: 15_000,
  maxRateLimitWaitMs: 60_000,
  connectionRetries: 1,
};

/** A response with an error status; `resetMs` is how long a 429 asked us to wait, when it said. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    statusText: string,
    readonly resetMs?: number,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ""}`);
  }
}

export interface FetchTextOptions {
  fetchImpl?: typeof fetch;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  gate?: RateGate;
  logger?: Logger;
  accept?: string;
  /** For log lines: "huggingface", "arxiv cs.CL". */
  label?: string;
}

export interface FetchedText {
  text: string;
  status: number;
  contentType: string | undefined;
  attempts: number;
}

const USER_AGENT = "paperbot/0.1 (daily paper digest)";

/**
 * GETs `url` and returns its body. Throws the last error once retries are
 * exhausted, a non-retryable status (e.g. 404) at once, and a 429 whose reset is
 * too far away at once, with a message saying so.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchedText> {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetchImpl ?? fetch;
  const label = options.label ?? url;
  let connectionFailures = 0;
  let attempts = 0;

  const attempt = async (): Promise<FetchedText> => {
    attempts++;
    let response: Response;
    try {
      response = await doFetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { accept: options.accept ?? "*/*", "user-agent": USER_AGENT },
      });
    } catch (error) {
      throw describeFetchFailure(error, options.timeoutMs);
    }
    if (response.ok) {
      try {
        return { text: await response.text(), status: response.status, contentType: response.headers.get("content-type") ?? undefined, attempts };
      } catch (error) {
        throw describeFetchFailure(error, options.timeoutMs);
      }
    }
    // Drain the body so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    const error = new HttpStatusError(response.status, response.statusText, response.status === 429 ? rateLimitResetMs(response.headers) : undefined);
    if (response.status === 429 || response.status === 408 || response.status >= 500) throw error;
    throw new AbortError(error);
  };

  return pRetry(() => (options.gate ? options.gate.run(attempt) : attempt()), {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    factor: 2,
    randomize: true,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      options.logger?.info({ source: label, attempt: attemptNumber, retriesLeft, err: errorMessage(error) }, "paper source request failed");
      if (retriesLeft === 0 || !(error instanceof HttpStatusError) || error.status !== 429) return;
      const wait = error.resetMs ?? 0;
      if (wait > policy.maxRateLimitWaitMs) {
        // Throwing here ends the retries with this error.
        throw new Error(`HTTP 429: rate limited for ${Math.ceil(wait / 1000)} s, longer than the ${Math.round(policy.maxRateLimitWaitMs / 1000)} s we wait`);
      }
      if (wait > 0) {
        options.logger?.info({ source: label, waitMs: wait }, "rate limited: waiting for the reset");
        await sleep(wait);
      }
    },
    shouldRetry: ({ error }) => !isConnectionFailure(error) || ++connectionFailures <= policy.connectionRetries,
  });
}

/** Raised when no HTTP answer came at all (refused, unknown host, reset, timed out). */
export class ConnectionFailure extends Error {
  override name = "ConnectionFailure";
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

function describeFetchFailure(error: unknown, timeoutMs: number): Error {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ConnectionFailure(`no answer within ${timeoutMs} ms`, true);
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return new ConnectionFailure(`cannot connect: ${code ?? errorMessage(cause ?? error)}`, false);
}

/** Timeouts are retried like a 5xx; a connection that cannot even be made only `connectionRetries` times. */
function isConnectionFailure(error: unknown): boolean {
  return error instanceof ConnectionFailure && !error.timedOut;
}

/**
 * How long a 429 asks us to wait, in ms: `Retry-After` (seconds or an HTTP date),
 * `RateLimit-Reset` / `X-RateLimit-Reset` (seconds, or an epoch time in seconds
 * when it is that large), or the `t=` of a structured `RateLimit` header.
 * Undefined when the response says nothing usable.
 */
export function rateLimitResetMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  for (const name of ["ratelimit-reset", "x-ratelimit-reset"]) {
    const value = headers.get(name)?.trim();
    if (value && /^\d+(\.\d+)?$/.test(value)) {
      const n = Number(value);
      // Some servers send the epoch second of the reset rather than a delay.
      return n > 1_000_000_000 ? Math.max(0, n * 1000 - now) : Math.round(n * 1000);
    }
  }
  const structured = /(?:^|[;,\s])t=(\d+)/.exec(headers.get("ratelimit") ?? "");
  if (structured?.[1]) return Number(structured[1]) * 1000;
  return undefined;
}
