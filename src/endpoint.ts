import type { Config } from "./config.js";
import { errorMessage } from "./errors.js";

/** Where the OpenAI client goes when OPENAI_BASE_URL is empty. */
export const OPENAI_API_URL = "https://api.openai.com/v1";

/** The OpenAI-compatible endpoint the chat model and the openai embedder talk to. */
export function endpointOf(openai: Pick<Config["openai"], "baseURL">): string {
  return openai.baseURL ?? OPENAI_API_URL;
}

/** Key-shaped text (`sk-…`, a bearer token) and the given secrets, cut from a message. Servers echo keys, masked or not. */
export function withoutSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("[redacted]");
  return out.replace(/\bsk-[\w*.-]+/g, "sk-[redacted]").replace(/\b(Bearer|Bot)\s+[\w*.~+/=-]{8,}/gi, "$1 [redacted]");
}

/**
 * A failure of an OpenAI-compatible endpoint, saying which endpoint (the base URL, never the key).
 * The original error is not kept as `cause`: its message may quote the key, and loggers print causes.
 */
export class EndpointError extends Error {
  override name = "EndpointError";
  /** The HTTP status the endpoint answered with, when it answered. */
  readonly status: number | undefined;

  constructor(
    what: string,
    readonly endpoint: string,
    error: unknown,
    apiKey?: string,
  ) {
    super(`${what} at ${endpoint} failed: ${withoutSecrets(errorMessage(error), [apiKey]).trim()}`);
    const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
    this.status = typeof status === "number" ? status : undefined;
  }
}
