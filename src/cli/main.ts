#!/usr/bin/env node
import { Command, Option } from "commander";
import type { App } from "../app.js";
import { ConfigError, loadConfig, type Config } from "../config.js";
import { failureReply } from "../errors.js";

/**
 * The operator's entry point: each sub-command is a thin adapter over the same
 * core the bot uses. Command modules (and the libraries behind them) are imported
 * only when their command runs, so `--help` and quick commands start fast.
 */

let config: Config | undefined;
let app: App | undefined;
async function getApp(): Promise<App> {
  const { createApp } = await import("../app.js");
  app ??= createApp((config ??= loadConfig()));
  return app;
}

const FORMATS = ["daily-page", "papers-list", "hf-daily-api", "arxiv-atom", "json", "jsonl"] as const;

const program = new Command("paperbot")
  .description("Answers questions about research papers with citations. The CLI runs the same core as the Discord bot.")
  .showHelpAfterError()
  // Config is read only when a command runs, so `--help` works with any environment; and
  // before the command's modules load, since LanceDB reads its log setting as it loads.
  .hook("preAction", () => {
    config ??= loadConfig();
  });

program
  .command("ingest")
  .description("read paper listings (files, directories or URLs) into the library; re-running changes nothing")
  .argument("<inputs...>", "files, directories or http(s) URLs")
  .addOption(new Option("--format <format>", "skip detection and read every input as this format").choices(FORMATS))
  .option("--dry-run", "parse and compare with the library, write nothing")
  .option("--json", "print the summary as JSON")
  .option("--reembed", "embed every paper again (after changing the embedder)")
  .action(async (inputs: string[], flags) => (await import("./ingestCommand.js")).ingestCommand(await getApp(), inputs, flags));

program
  .command("ask")
  .description("answer a question from the library, citing the papers it comes from")
  .argument("<question>", "the question")
  .option("--k <n>", 'how many papers to draw on (default 5; 10 listed for "what\'s new this week?")')
  .option("--json", "print the answer as JSON")
  .action(async (question: string, flags) => (await import("./askCommand.js")).askCommand(await getApp(), question, flags));

program
  .command("search")
  .description("find papers by meaning and words (hybrid search); each paper once, best first")
  .argument("<query>", "what to look for")
  .option("--k <n>", "how many papers", "10")
  .option("--year <range>", "a year (2023) or a range (2021..2023, 2021.., ..2023)")
  .option("--section <name>", 'only papers in this section, e.g. "Computer Vision"')
  .option("--source <kind>", "only papers from this kind of source: daily-page, papers-list, hf-daily-api, arxiv, json, jsonl")
  .option("--after <date>", "only papers published on or after YYYY-MM-DD")
  .option("--before <date>", "only papers published on or before YYYY-MM-DD")
  .option("--json", "print results as JSON")
  .action(async (query: string, flags) => (await import("./searchCommand.js")).searchCommand(await getApp(), query, flags));

program
  .command("paper")
  .description(
    "show one paper, by arXiv id or (part of) its title; typos and punctuation are forgiven. An arXiv id the library lacks is fetched from arXiv and added",
  )
  .argument("<query>", "a title, a title fragment, an arXiv id or URL")
  .option("--json", "print as JSON")
  .option("--bibtex", "print the paper's BibTeX entry")
  .option("--no-fetch", "never fetch from arXiv: only look in the library")
  .action(async (query: string, flags) => (await import("./paperCommand.js")).paperCommand(await getApp(), query, flags));

program
  .command("similar")
  .description("papers closest to a given paper")
  .argument("<query>", "a title, a title fragment, an arXiv id or URL")
  .option("--k <n>", "how many papers", "5")
  .option("--json", "print as JSON")
  .action(async (query: string, flags) => (await import("./paperCommand.js")).similarCommand(await getApp(), query, flags));

program
  .command("digest")
  .description("print the daily new-paper digest that would be posted; the fetched papers are ingested unless --dry-run")
  .option("--date <YYYY-MM-DD>", "the day (default: today in DIGEST_DEFAULT_TZ)")
  .option("--topics <text>", 'rank by relevance to keywords or a sentence, e.g. "diffusion, RLHF"')
  .option("--max <n>", "how many papers (1-25; default DIGEST_MAX_PAPERS)")
  .option("--channel <id>", "the Discord channel whose digest settings to use")
  .option("--dry-run", "fetch and show the digest, ingest nothing")
  .option("--offline", "do not fetch: build the digest from the library")
  .option("--json", "print the digest and its messages as JSON")
  .option("--history [days]", "instead, list the digests posted in --channel in the last days (default 30, at most 365)")
  .action(async (flags) =>
    flags.history !== undefined
      ? (await import("./digestHistoryCommand.js")).digestHistoryCommand(await getApp(), flags)
      : (await import("./digestCommand.js")).digestCommand(await getApp(), flags),
  );

program
  .command("votes")
  .description("the 👍/👎 on the bot's answers in Discord (question, answer, citations) and on each channel's digest papers")
  .option("--down", "only the answers voted 👎")
  .option("--since <YYYY-MM-DD>", "only votes from that day on (UTC)")
  .option("--json", "print as JSON")
  .action(async (flags) => (await import("./votesCommand.js")).votesCommand(await getApp(), flags));

program
  .command("stats")
  .description("what the library holds: papers, chunks, sources, embedder, version")
  .option("--json", "print as JSON")
  .action(async (flags) => (await import("./statsCommand.js")).statsCommand(await getApp(), flags));

program
  .command("bot")
  .description("run the Discord bot (needs DISCORD_TOKEN); stops cleanly on SIGTERM")
  .action(async () => (await import("./botCommand.js")).botCommand(await getApp()));

program
  .command("deploy-commands")
  .description("register the slash commands with Discord: in a server (instant) or globally")
  .option("--guild <id>", "a server id to register in (default DISCORD_GUILD_ID; none = global)")
  .option("--global", "register globally even if DISCORD_GUILD_ID is set")
  .action(async (flags) => (await import("./deployCommand.js")).deployCommand(await getApp(), flags));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else {
    const { text } = failureReply(error, (id) => {
      if (app) app.logger.error({ err: error, errorId: id }, "command failed");
      else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    });
    process.stderr.write(`${text}\n`);
    process.exitCode = 1;
  }
}
