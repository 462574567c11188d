/**
 * `npm run bench:bot`: the bot's floors, measured and printed (not asserted).
 * The real bot (discord.js client, services, commands) answers questions sent
 * by a Discord stand-in on 127.0.0.1, from the seeds on disk, extractive mode.
 *  1. MESSAGE_CREATE dispatched → the bot's first REST call (the 👀 acknowledgement): p50 / p95;
 *  2. overhead beyond retrieval and answering: (dispatch → final answer message) minus the
 *     answerer alone on the same question in the same process, medians;
 *  3. resident memory of `paperbot bot` as its own process (VmRSS) with the seeds loaded,
 *     after it has answered questions.
 * Questions are sent one at a time, so queueing is not measured here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBotHarness } from "../helpers/botHarness.js";
import { seedQuestions } from "../eval/evalQuestions.js";
import { ingestInto } from "../helpers/library.js";
import { SEEDS } from "../helpers/paths.js";
import { measureBot } from "./measure/measureBot.js";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const work = await mkdtemp(join(tmpdir(), "paperbot-bench-bot-"));
try {
  const library = join(work, "db");
  await ingestInto(library, [SEEDS]);
  const questions = seedQuestions().slice(0, 40);
  const h = await startBotHarness({ libraryUri: library, settings: { LOG_LEVEL: "warn" } });
  const { discord, services } = h;
  const ack: number[] = [];
  const endToEnd: number[] = [];
  const answererAlone: number[] = [];
  try {
    for (const [i, question] of [...questions, ...questions.slice(0, 5)].entries()) {
      const warmUp = i >= questions.length;
      const sent = await discord.sendMessage({
        channelId: discord.channelIds.general,
        content: question,
        mentionBot: true,
        authorId: discord.user(i + 1),
      });
      const dispatched = discord.dispatchedAt(sent.id)!;
      const first = await discord.waitForRequest((r) => r.at >= dispatched && r.authorized, 10_000);
      const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === sent.id), 10_000);
      const final = await discord.waitFor(
        () => discord.messagesSent.filter((s) => s.channelId === thread.id && (s.body.components?.length ?? 0) > 0).at(-1),
        10_000,
      );
      const finalAt = discord.requests.filter((r) => r.path.includes(thread.id) && r.at >= dispatched).at(-1)!.at;
      void final;
      if (warmUp) continue;
      ack.push(first.at - dispatched);
      endToEnd.push(finalAt - dispatched);
      const start = performance.now();
      await services.answerer.answer(question);
      answererAlone.push(performance.now() - start);
    }
  } finally {
    await h.close();
  }
  const overhead = percentile(endToEnd, 0.5) - percentile(answererAlone, 0.5);
  const { rssMb: rss } = await measureBot(library, questions.slice(0, 20), work);
  console.log(`bot benchmark over ${ack.length} questions on the seeds (extractive answers)`);
  console.log(
    `  MESSAGE_CREATE → first REST call (ack): p50 ${ms(percentile(ack, 0.5))}, p95 ${ms(percentile(ack, 0.95))}   (floor p50 ≤ 50 ms)`,
  );
  console.log(`  dispatch → final answer: p50 ${ms(percentile(endToEnd, 0.5))}; answerer alone: p50 ${ms(percentile(answererAlone, 0.5))}`);
  console.log(`  overhead beyond retrieval and answering: p50 ${ms(overhead)}   (floor ≤ 100 ms)`);
  console.log(`  resident memory of the bot process after ${20} answers: ${rss.toFixed(0)} MB   (floor ≤ 300 MB)`);
} finally {
  await rm(work, { recursive: true, force: true });
}
