import { readFile } from "node:fs/promises";
import { startDiscordStandIn } from "../../helpers/discordStandIn.js";
import { spawnCli } from "../../helpers/runCli.js";

export interface BotFigures {
  /** From spawning `paperbot bot` to its "bot ready" log line (logged in, library open). */
  readyMs: number;
  /** From spawning to "search ready" (what search holds in memory read). */
  searchReadyMs: number;
  /** From spawning to the first answer posted: ready with search warm. */
  firstAnswerMs: number;
  /** VmRSS after answering `asked`, MB. */
  rssMb: number;
}

/**
 * Runs `paperbot bot` as its own process against a Discord stand-in, asks the
 * questions one at a time (the first as soon as the bot is ready), and reads the
 * process's VmRSS at the end.
 */
export async function measureBot(
  library: string,
  asked: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<BotFigures> {
  const discord = await startDiscordStandIn();
  const started = performance.now();
  const child = spawnCli(["bot"], {
    cwd,
    env: {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      LANCEDB_URI: library,
      LOG_LEVEL: "info",
      ASK_COOLDOWN_SECONDS: "0",
      ...env,
    },
  });
  let stderr = "";
  const seen = new Map<string, number>();
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const line of ["bot ready", "search ready"])
      if (!seen.has(line) && stderr.includes(`"${line}"`)) seen.set(line, performance.now() - started);
  });
  try {
    await discord.waitFor(() => seen.has("bot ready"), 120_000, "the bot process to be ready");
    let firstAnswerMs = 0;
    for (const [i, question] of asked.entries()) {
      const sent = await discord.sendMessage({
        channelId: discord.channelIds.general,
        content: question,
        mentionBot: true,
        authorId: discord.user(500 + i),
      });
      const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === sent.id), 60_000);
      await discord.waitFor(
        () => discord.messagesSent.some((s) => s.channelId === thread.id && (s.body.components?.length ?? 0) > 0),
        60_000,
      );
      if (i === 0) firstAnswerMs = performance.now() - started;
    }
    await discord.waitFor(() => seen.has("search ready"), 120_000, "search to be ready");
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    return { readyMs: seen.get("bot ready")!, searchReadyMs: seen.get("search ready")!, firstAnswerMs, rssMb };
  } finally {
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    await exited;
    await discord.close();
  }
}
