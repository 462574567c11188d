import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "./paths.js";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `paperbot …` as a user would: a separate process, settings only from the
 * environment given here (never from a developer's .env: cwd is a temp dir).
 */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function spawnCli(args: string[], options: { env?: Record<string, string>; cwd: string }): ChildProcess {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", LOG_FORMAT: "json", LOG_LEVEL: "warn", ...options.env };
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
}
