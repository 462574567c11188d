import { readInputs } from "../../ingest/readInputs.js";
import { runIngest, type IngestPhase, type IngestSummary } from "../../ingest/runIngest.js";
import type { SourceFormat } from "../../ingest/parsers/types.js";
import { ingestDepsFor, type App } from "../app.js";
import { sourcesFetcher } from "../fetch/fetchText.js";
import { fetchProgress } from "./fetchProgress.js";

export interface IngestFlags {
  format?: SourceFormat;
  dryRun?: boolean;
  json?: boolean;
  reembed?: boolean;
}

export async function ingestCommand(app: App, args: string[], flags: IngestFlags): Promise<void> {
  const { config, logger, openStore } = app;
  await app.embedder(); // a misconfigured embedder stops the run before the library is opened
  const store = await openStore();
  // Loaded only for a terminal: scripts and re-runs should not pay for it at start-up.
  const progress = process.stderr.isTTY && !flags.json ? await import("cli-progress") : undefined;
  const bar = progress
    ? new progress.SingleBar(
        { format: "ingest [{bar}] {value}/{total} papers | {eta_formatted} left", stream: process.stderr },
        progress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  const reached = { phase: "comparing" as IngestPhase, done: 0, total: 0 };
  // A signal ends the process at once (LanceDB's commits are atomic, so this is as safe
  // as a kill), but first says what was stored and how to finish.
  const interrupted = (signal: NodeJS.Signals) => {
    bar?.stop();
    const command = [...args, ...(flags.format ? ["--format", flags.format] : []), ...(flags.reembed ? ["--reembed"] : [])];
    process.stderr.write(interruptedMessage(signal, reached, command));
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const { inputs, failed } = await readInputs(args, { fetcher: sourcesFetcher(config, { logger, onEvent: fetchProgress() }) });
    const summary = await runIngest(
      inputs,
      {
        ...(await ingestDepsFor(app, store)),
        onPhase: (phase) => (reached.phase = phase),
        onProgress: (done, total) => {
          reached.done = done;
          reached.total = total;
          if (!bar) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      },
      { format: flags.format, dryRun: flags.dryRun, reembed: flags.reembed },
    );
    bar?.stop();
    summary.skipped.unshift(...failed);
    process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, flags.dryRun ?? false));
    const ingested = summary.papers.added + summary.papers.updated + summary.papers.unchanged;
    // An input that is validly empty (an arXiv query with no hits) is not a failure; nothing read at all is.
    if (ingested === 0 && (summary.skipped.length > 0 || inputs.length === 0)) process.exitCode = 1;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    bar?.stop();
    store.close();
  }
}

/** What an interrupted ingest leaves, and the command that finishes it. */
export function interruptedMessage(
  signal: NodeJS.Signals,
  at: { phase: IngestPhase; done: number; total: number },
  args: readonly string[],
): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const again = `npx paperbot ingest ${args.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ")}`;
  const what = {
    waiting: "while waiting for another ingest to finish: nothing was written.",
    comparing: "before writing any paper.",
    writing: `after storing ${n(at.done)} of ${n(at.total)} papers (each stored paper is complete; the other ${n(at.total - at.done)} were not written).`,
    indexing: "while compacting and indexing: every paper is stored, but search needs the indexes this step builds.",
  }[at.phase];
  const finish =
    at.phase === "indexing"
      ? `Run \`${again}\` again (or any ingest) to finish them; until then \`search\` and \`ask\` build them on first use.`
      : `Run \`${again}\` again to finish: papers already stored are kept, not written twice.`;
  return `\nIngest interrupted (${signal}) ${what}\n${finish}\n`;
}

export function formatSummary(s: IngestSummary, dryRun: boolean): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const total = s.papers.added + s.papers.updated + s.papers.unchanged;
  const lines = [
    `${dryRun ? "Would ingest" : "Ingested"} ${n(total)} papers: ` +
      `${n(s.papers.added)} added, ${n(s.papers.updated)} updated, ${n(s.papers.unchanged)} unchanged.`,
    `Chunks: ${n(s.chunks.written)} ${dryRun ? "to write" : "written"}, ${n(s.chunks.unchanged)} unchanged.`,
  ];
  if (s.skipped.length > 0) {
    lines.push(`Skipped ${n(s.skipped.length)}:`);
    for (const k of s.skipped) lines.push(`  ${k.source}${k.line > 0 ? ` line ${k.line}` : ""}: ${k.reason}`);
  }
  return `${lines.join("\n")}\n`;
}
