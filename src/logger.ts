import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

/**
 * Every path where a secret could appear in a log object. pino replaces them
 * before the line is written, so a token never reaches a terminal or a file.
 */
export const REDACTED_PATHS = [
  "token",
  "apiKey",
  "authorization",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.headers.authorization",
  "config.discord.token",
  "config.openai.apiKey",
  "OPENAI_API_KEY",
  "DISCORD_TOKEN",
];

/**
 * One logger for the process: readable lines on a terminal, JSON lines otherwise
 * (for log shippers). Logs go to stderr so that `--json` output on stdout stays clean.
 */
export function createLogger(log: Config["log"], destination: NodeJS.WritableStream = process.stderr): Logger {
  const pretty = log.format === "pretty" || (log.format === "auto" && "isTTY" in destination && destination.isTTY === true);
  const options = { level: log.level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  if (!pretty) return pino(options, destination);
  return pino({
    ...options,
    transport: { target: "pino-pretty", options: { destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" } },
  });
}
