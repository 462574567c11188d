import { measureBot } from "./measureBot.js";
import { load, seconds, thousands } from "./report.js";

/** The bot's start-up and memory with this library open, printed. */
export async function printBot(library: string, asked: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  const bot = await measureBot(library, asked, cwd, env);
  console.log(
    `  bot: ready (logged in, library open) ${seconds(bot.readyMs)}, search ready ${seconds(bot.searchReadyMs)}, first answer ${seconds(bot.firstAnswerMs)} after start   floor ≤ 20 s at 1M   (${load()})`,
  );
  console.log(`  bot: RSS after ${asked.length} answers ${thousands(bot.rssMb)} MB   floor ≤ 2,500 MB at 1M`);
}
