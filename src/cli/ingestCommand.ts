import { readInputs } from "../../ingest/readInputs.js";
import { runIngest, type IngestSummary } from "../../ingest/runIngest.js";
import type { SourceFormat } from "../../ingest/parsers/types.js";
import type { App } from "../app.js";
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
  const embedder = await app.embedder();
  const store = await openStore();
  // Loaded only for a terminal: scripts and re-runs should not pay for it at start-up.
  const progress = process.stderr.isTTY && !flags.json ? await import("cli-progress") : undefined;
  const bar = progress ? new progress.SingleBar({ format: "ingest [{bar}] {value}/{total} papers | {eta_formatted} left", stream: process.stderr }, progress.Presets.shades_classic) : undefined;
  let started = false;
  try {
    const { inputs, failed } = await readInputs(args, { fetcher: sourcesFetcher(config, { logger, onEvent: fetchProgress() }) });
    const summary = await runIngest(
      inputs,
      {
        store,
        logger,
        embeddings: embedder.embeddings,
        embedder: await embedder.info(),
        embedBatchSize: config.embeddings.batchSize,
        writeBatchSize: config.ingest.batchPapers,
        onProgress: (done, total) => {
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
    bar?.stop();
    store.close();
  }
}

export function formatSummary(s: IngestSummary, dryRun: boolean): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const total = s.papers.added + s.papers.updated + s.papers.unchanged;
  const lines = [
    `${dryRun ? "Would ingest" : "Ingested"} ${n(total)} papers: ${n(s.papers.added)} added, ${n(s.papers.updated)} updated, ${n(s.papers.unchanged)} unchanged.`,
    `Chunks: ${n(s.chunks.written)} ${dryRun ? "to write" : "written"}, ${n(s.chunks.unchanged)} unchanged.`,
  ];
  if (s.skipped.length > 0) {
    lines.push(`Skipped ${n(s.skipped.length)}:`);
    for (const k of s.skipped) lines.push(`  ${k.source}${k.line > 0 ? ` line ${k.line}` : ""}: ${k.reason}`);
  }
  return `${lines.join("\n")}\n`;
}
