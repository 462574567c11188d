import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

const CENSOR = "[redacted]";
/** Deeper than any log object here; a deeper value is written as it is. */
const MAX_DEPTH = 16;

/**
 * Names of fields and headers that hold secrets, in snake case: `Authorization`, `X-Api-Key`,
 * `apiKey`, `Cookie`, `DISCORD_TOKEN`, and the storage options' `aws_secret_access_key`,
 * `aws_session_token`, `azure_storage_account_key`, `google_service_account_key`, `api_key`…
 * Not `prompt_tokens` or `maxTokens`: counts, not credentials.
 */
const CREDENTIAL =
  /authori[sz]ation|api_?key|secret|passw(?:or)?d|passphrase|cookie|credential|private_?key|access_?key|account_?key|session_?key|(?:^|_)token$|^auth$/;
/** LANCEDB_STORAGE_OPTIONS as the raw JSON text: its keys cannot be told apart, so all of it goes. */
const RAW_STORAGE_OPTIONS = /(?:^|_)storage_options$/;

const snakeCase = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_");

export function isCredentialKey(key: string, value: unknown): boolean {
  const name = snakeCase(key);
  return CREDENTIAL.test(name) || (typeof value === "string" && RAW_STORAGE_OPTIONS.test(name));
}

/** A copy of an object to replace fields in: an Error keeps its class, message and stack. */
function copyOf(value: object): Record<string, unknown> {
  if (value instanceof Error)
    return Object.create(Object.getPrototypeOf(value) as object, Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
  return { ...value } as Record<string, unknown>;
}

/** Dates, buffers, maps, typed arrays: written by their own rules, never holding a field named like a credential. */
const opaque = (value: object) =>
  ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || typeof (value as { toJSON?: unknown }).toJSON === "function";

/**
 * The value with every field named like a credential replaced, at any depth and in any case. The
 * value itself is never changed (the config is frozen): what holds a secret is copied.
 */
export function redactSecrets<T>(value: T): T {
  return redactWithin(value, new Set());
}

/** `ancestors`: the objects above this one, so that a cycle ends (pino writes it as "[Circular]"). */
function redactWithin<T>(value: T, ancestors: Set<object>): T {
  if (typeof value !== "object" || value === null || ancestors.size > MAX_DEPTH || ancestors.has(value) || opaque(value)) return value;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: unknown[] = value.map((item: unknown) => redactWithin(item, ancestors));
      return (items.some((item, i) => item !== value[i]) ? items : value) as T;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, inner] of Object.entries(value)) {
      const replaced = inner !== undefined && inner !== null && isCredentialKey(key, inner) ? CENSOR : redactWithin(inner, ancestors);
      if (replaced === inner) continue;
      copy ??= copyOf(value);
      Object.defineProperty(copy, key, { value: replaced, enumerable: true, writable: true, configurable: true });
    }
    return (copy ?? value) as T;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * One logger for the process: readable lines on a terminal, JSON lines otherwise
 * (for log shippers). Logs go to stderr so that `--json` output on stdout stays clean.
 * Every object logged, and every child logger's bindings, pass through `redactSecrets`
 * before the line is written, so a token or key never reaches a terminal or a file.
 */
export function createLogger(log: Config["log"], destination: NodeJS.WritableStream = process.stderr): Logger {
  const pretty = log.format === "pretty" || (log.format === "auto" && "isTTY" in destination && destination.isTTY === true);
  const options = { level: log.level, formatters: { log: (object: Record<string, unknown>) => redactSecrets(object) } };
  const logger = pretty
    ? pino({
        ...options,
        transport: {
          target: "pino-pretty",
          options: { destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
        },
      })
    : pino(options, destination);
  // pino formats a child's bindings once, without `formatters.bindings` (it keeps that for the root's):
  // redact them on the way in. Children inherit this method, so grandchildren are covered too.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as typeof logger.child;
  return logger;
}
