import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { DEFAULT_ANSWER_MS, DEFAULT_FIRST_TOKEN_MS } from "./answer/deadline.js";

/**
 * The only place that reads the environment. Everything else receives a frozen,
 * typed `Config`. A bad value stops start-up with the key and what is allowed.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const idList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^\d{5,25}$/, "must be a comma-separated list of Discord ids (digits)")));

function isTimeZone(zone: string): boolean {
  // The default needs no check; the first Intl formatter costs ~25 ms of start-up (ICU data).
  if (zone === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const LEVEL = "(?:off|error|warn|info|debug|trace)";
/** Rust env_logger directives: a level, or `module=level` pairs, comma-separated. */
const NATIVE_LOG = new RegExp(`^(?:[\\w:]+=)?${LEVEL}(?:,(?:[\\w:]+=)?${LEVEL})*$`, "i");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  LANCEDB_URI: z.string().trim().min(1).default("./data/lancedb"),
  LANCEDB_STORAGE_OPTIONS: z
    .string()
    .default("{}")
    .transform((v, ctx) => {
      try {
        const parsed: unknown = JSON.parse(v);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, string>;
      } catch {
        /* reported below */
      }
      ctx.addIssue({ code: "custom", message: 'must be a JSON object, e.g. {"region":"us-east-1"}' });
      return z.NEVER;
    }),
  LANCEDB_LOG: z
    .string()
    .trim()
    .default("off")
    .pipe(z.string().regex(NATIVE_LOG, 'must be off, error, warn, info, debug or trace, or directives such as "lance=debug,warn"')),
  EMBEDDINGS_PROVIDER: z.enum(["local", "openai"]).default("local"),
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_BATCH_SIZE: positiveInt(256),
  INGEST_BATCH_PAPERS: positiveInt(2000),
  SEARCH_MEMORY_MAX_CHUNKS: z.coerce.number().int().min(0).default(200_000),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
  OPENAI_TIMEOUT_MS: positiveInt(30_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  CHAT_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
  CHAT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.1),
  ANSWER_MODE: z.enum(["auto", "llm", "extractive"]).default("auto"),
  LLM_FIRST_TOKEN_MS: positiveInt(DEFAULT_FIRST_TOKEN_MS),
  LLM_ANSWER_MS: positiveInt(DEFAULT_ANSWER_MS),
  HF_API_URL: httpUrl.default("https://huggingface.co"),
  ARXIV_API_URL: httpUrl.default("https://export.arxiv.org/api/query"),
  FETCH_TIMEOUT_MS: positiveInt(20_000),
  FETCH_MAX_RETRY_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
  DISCORD_TOKEN: optionalString,
  DISCORD_CLIENT_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_API_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
  ANSWER_CHANNEL_IDS: idList,
  DISCORD_DM_MODE: z.enum(["answer", "refuse"]).default("answer"),
  ASK_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  MAX_CONCURRENT_ANSWERS: positiveInt(4),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  BOT_SHARDS: z
    .string()
    .trim()
    .default("off")
    .refine((v) => v === "off" || v === "auto" || /^[1-9]\d*$/.test(v), 'must be "off", "auto" or a number of shards')
    .transform((v) => (v === "off" || v === "auto" ? v : Number(v))),
  SHARDING_MANAGER: z
    .string()
    .optional()
    .transform((v) => v === "true"),
  DIGEST_DEFAULT_TZ: z.string().trim().default("UTC").refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Berlin"),
  DIGEST_DEFAULT_TIME: z
    .string()
    .trim()
    .default("09:00")
    .pipe(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)")),
  DIGEST_MAX_PAPERS: z.coerce.number().int().min(1).max(25).default(10),
  DIGEST_ARXIV_CATEGORIES: z
    .string()
    .default("cs.CL,cs.LG")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, "must be arXiv categories like cs.CL,cs.LG"))),
  DIGEST_FETCH_BUDGET_MS: positiveInt(30_000),
  DIGEST_POST_WHEN_EMPTY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  DIGEST_STATE_DIR: z.string().trim().min(1).default("./data/digest"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
});

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

export interface Config {
  /** `nativeLog`: what LanceDB's own (Rust) logger prints; see applyNativeLogLevel. */
  lancedb: { uri: string; storageOptions: Record<string, string>; nativeLog: string };
  embeddings: { provider: "local" | "openai"; model: string | undefined; batchSize: number };
  ingest: { batchPapers: number };
  /** The biggest library (in chunks) the bot holds in memory to search faster; 0 = only small ones. */
  search: { memoryChunks: number };
  /** What a user waiting for an answer gives the model (and the endpoint, for a question's embedding). */
  deadlines: {
    /** To start its answer (its first token), after it is asked. */
    firstTokenMs: number;
    /** To finish its answer, after the question; later, the papers are quoted instead. */
    answerMs: number;
  };
  openai: { apiKey: string | undefined; baseURL: string | undefined; timeoutMs: number; maxRetries: number };
  chat: { model: string; temperature: number; mode: "auto" | "llm" | "extractive" };
  /** Every outside request (ingest URLs, the digest's sources): time per attempt, and the longest Retry-After waited for. */
  sources: { hfApiUrl: string; arxivApiUrl: string; fetchTimeoutMs: number; maxRetryAfterMs: number };
  discord: {
    token: string | undefined;
    clientId: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    answerChannelIds: readonly string[];
  };
  bot: {
    dmMode: "answer" | "refuse";
    cooldownSeconds: number;
    maxConcurrentAnswers: number;
    shutdownGraceMs: number;
    shards: "off" | "auto" | number;
    /** True inside a process started by discord.js's ShardingManager. */
    isShard: boolean;
  };
  digest: {
    defaultTimeZone: string;
    defaultTime: string;
    maxPapers: number;
    arxivCategories: readonly string[];
    postWhenEmpty: boolean;
    /** Time for all of a digest's requests to its sources; a source not done by then is reported and left out. */
    fetchBudgetMs: number;
    /** Local folder for the digest's state (subscriptions, claims, posted records); shared by every bot process on the machine. */
    stateDir: string;
  };
  log: { level: Parsed["LOG_LEVEL"]; format: Parsed["LOG_FORMAT"] };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Validates raw settings (environment variables by name) into the frozen Config. */
export function buildConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k]]));
  const result = configSchema.safeParse(known);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join(".");
      return `  ${key}=${JSON.stringify(env[key] ?? "")}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every setting.`);
  }
  const c = result.data;
  // Settings valid one by one that cannot work together: stop now rather than fail (slowly) on first use.
  const conflicts: string[] = [];
  if (c.EMBEDDINGS_PROVIDER === "openai" && !c.OPENAI_API_KEY) {
    conflicts.push('EMBEDDINGS_PROVIDER="openai": needs OPENAI_API_KEY (or use EMBEDDINGS_PROVIDER=local)');
  }
  if (c.ANSWER_MODE === "llm" && !c.OPENAI_API_KEY) {
    conflicts.push(
      'ANSWER_MODE="llm": needs OPENAI_API_KEY (any value for a server that asks for none, with OPENAI_BASE_URL), or use ANSWER_MODE=auto or extractive',
    );
  }
  if (c.LLM_FIRST_TOKEN_MS > c.LLM_ANSWER_MS) {
    conflicts.push(
      `LLM_FIRST_TOKEN_MS=${c.LLM_FIRST_TOKEN_MS}: must be at most LLM_ANSWER_MS=${c.LLM_ANSWER_MS}, the time the whole answer gets`,
    );
  }
  if (conflicts.length > 0)
    throw new ConfigError(
      `Invalid configuration:\n${conflicts.map((line) => `  ${line}`).join("\n")}\nSee .env.example for every setting.`,
    );
  return deepFreeze({
    lancedb: { uri: c.LANCEDB_URI, storageOptions: c.LANCEDB_STORAGE_OPTIONS, nativeLog: c.LANCEDB_LOG },
    embeddings: { provider: c.EMBEDDINGS_PROVIDER, model: c.EMBEDDINGS_MODEL, batchSize: c.EMBEDDINGS_BATCH_SIZE },
    ingest: { batchPapers: c.INGEST_BATCH_PAPERS },
    search: { memoryChunks: c.SEARCH_MEMORY_MAX_CHUNKS },
    deadlines: { firstTokenMs: c.LLM_FIRST_TOKEN_MS, answerMs: c.LLM_ANSWER_MS },
    openai: { apiKey: c.OPENAI_API_KEY, baseURL: c.OPENAI_BASE_URL, timeoutMs: c.OPENAI_TIMEOUT_MS, maxRetries: c.OPENAI_MAX_RETRIES },
    chat: { model: c.CHAT_MODEL, temperature: c.CHAT_TEMPERATURE, mode: c.ANSWER_MODE },
    sources: {
      hfApiUrl: c.HF_API_URL,
      arxivApiUrl: c.ARXIV_API_URL,
      fetchTimeoutMs: c.FETCH_TIMEOUT_MS,
      maxRetryAfterMs: c.FETCH_MAX_RETRY_AFTER_MS,
    },
    discord: {
      token: c.DISCORD_TOKEN,
      clientId: c.DISCORD_CLIENT_ID,
      guildId: c.DISCORD_GUILD_ID,
      apiUrl: c.DISCORD_API_URL,
      answerChannelIds: c.ANSWER_CHANNEL_IDS,
    },
    bot: {
      dmMode: c.DISCORD_DM_MODE,
      cooldownSeconds: c.ASK_COOLDOWN_SECONDS,
      maxConcurrentAnswers: c.MAX_CONCURRENT_ANSWERS,
      shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
      shards: c.BOT_SHARDS,
      isShard: c.SHARDING_MANAGER,
    },
    digest: {
      defaultTimeZone: c.DIGEST_DEFAULT_TZ,
      defaultTime: c.DIGEST_DEFAULT_TIME,
      maxPapers: c.DIGEST_MAX_PAPERS,
      arxivCategories: c.DIGEST_ARXIV_CATEGORIES,
      postWhenEmpty: c.DIGEST_POST_WHEN_EMPTY,
      fetchBudgetMs: c.DIGEST_FETCH_BUDGET_MS,
      stateDir: c.DIGEST_STATE_DIR,
    },
    log: { level: c.LOG_LEVEL, format: c.LOG_FORMAT },
  } satisfies Config);
}

/**
 * Reads the process environment, with `.env` in the working directory filling
 * in what the environment does not set (the environment wins, as with dotenv).
 */
export function loadConfig(envFile = ".env"): Config {
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const config = buildConfig({ ...fromFile, ...process.env });
  applyNativeLogLevel(config);
  return config;
}

/**
 * LanceDB's native code logs with Rust's env_logger straight to stderr, past pino:
 * lines like "[… WARN lance_index::vector::kmeans] KMeans: more than 10% of clusters
 * are empty" in the middle of a command's output. No JavaScript hook reaches that
 * logger; it reads LANCEDB_LOG once, when the module loads. So the setting is handed
 * to it here, before anything imports LanceDB (the CLI loads the config first): off by
 * default, since every failure LanceDB has also reaches paperbot as an error, which
 * goes through the logger.
 */
function applyNativeLogLevel(config: Config): void {
  process.env.LANCEDB_LOG = config.lancedb.nativeLog;
}
