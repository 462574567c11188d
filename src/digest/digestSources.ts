import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { ingestRecords, type IngestSummary } from "../../ingest/runIngest.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Paper } from "../paper.js";
import type { EmbedderInfo, PaperStore } from "../store/paperStore.js";
import { addDays, fetchNewPapers, type PaperSourceName, type SourceProblem } from "./fetchNewPapers.js";
import type { FetchEvent, RateGate, RetryPolicy } from "../fetch/fetchText.js";
import { listingDays } from "./newPapers.js";
import { digestDate } from "./digestSchedule.js";

/*
 * Where a digest's papers come from: the live sources (and then into the
 * library, so the bot can answer about them the same day), or, when the
 * sources cannot be reached or read, the library itself.
 */

export interface GatherOptions {
  /** YYYY-MM-DD. */
  date: string;
  config: Pick<Config, "sources" | "digest" | "embeddings">;
  logger: Logger;
  store: PaperStore;
  /** Skip the sources and read the library. */
  offline?: boolean;
  /** When given, the fetched papers are ingested into `store` with this embedder. */
  ingest?: { embeddings: EmbeddingsInterface; embedder: EmbedderInfo; writeBatchSize?: number };
  rateGate?: RateGate;
  retry?: Partial<RetryPolicy>;
  /** Progress of each request to the sources (the CLI prints it). */
  onFetch?: (event: FetchEvent) => void;
}

export interface GatheredPapers {
  papers: Paper[];
  /** "sources": fetched live; "library": read from the library (offline, or the sources failed). */
  origin: "sources" | "library";
  /** With origin "library": the day the papers are from (the date asked for, or the most recent before it with papers). */
  libraryDate?: string;
  /** null when the sources were not asked (offline). */
  reachable: Record<PaperSourceName, boolean> | null;
  problems: SourceProblem[];
  /** What an operator should know, one sentence each ("arXiv cannot be reached: …"). */
  notices: string[];
  /** What ingesting the fetched papers did; undefined when nothing was ingested. */
  ingested?: IngestSummary;
}

const SOURCE_NAMES: Record<PaperSourceName, string> = { huggingface: "Hugging Face", arxiv: "arXiv" };

export async function gatherDigestPapers(options: GatherOptions): Promise<GatheredPapers> {
  const { date, logger, store } = options;
  if (options.offline) {
    const library = await papersFromLibrary(store, date);
    return {
      papers: library.papers,
      origin: "library",
      libraryDate: library.date,
      reachable: null,
      problems: [],
      notices: libraryNotices(date, library),
    };
  }

  const fetched = await fetchNewPapers({
    date,
    config: options.config,
    logger,
    rateGate: options.rateGate,
    retry: options.retry,
    onFetch: options.onFetch,
  });
  const notices: string[] = [];
  const down = (Object.keys(fetched.reachable) as PaperSourceName[]).filter((s) => !fetched.reachable[s]);
  const firstProblem = (s: PaperSourceName) => fetched.problems.find((p) => p.source === s)?.message ?? "no answer";
  for (const source of down) notices.push(`${SOURCE_NAMES[source]} cannot be reached: ${firstProblem(source)}.`);

  const unusable = down.length === 2 || (fetched.papers.length === 0 && fetched.problems.length > 0);
  if (unusable) {
    notices.push(
      down.length === 2
        ? "The paper sources are unreachable: building the digest from the library instead."
        : "Nothing could be read from the paper sources: building the digest from the library instead.",
    );
    const library = await papersFromLibrary(store, date);
    notices.push(...libraryNotices(date, library));
    return {
      papers: library.papers,
      origin: "library",
      libraryDate: library.date,
      reachable: fetched.reachable,
      problems: fetched.problems,
      notices,
    };
  }

  let ingested: IngestSummary | undefined;
  if (options.ingest && fetched.records.length > 0) {
    ingested = await ingestRecords(fetched.records, {
      store,
      logger,
      embeddings: options.ingest.embeddings,
      embedder: options.ingest.embedder,
      embedBatchSize: options.config.embeddings.batchSize,
      writeBatchSize: options.ingest.writeBatchSize,
    });
  }
  return { papers: fetched.papers, origin: "sources", reachable: fetched.reachable, problems: fetched.problems, notices, ingested };
}

function libraryNotices(date: string, library: { papers: Paper[]; date?: string; empty: boolean }): string[] {
  if (library.empty) return ["The library is empty: there is nothing to build a digest from."];
  if (library.papers.length === 0) return [`The library has no papers dated ${date} or earlier.`];
  if (library.date !== date) return [`The library has no papers from ${date}: using the most recent day before it, ${library.date}.`];
  return [];
}

/** How far back a Hugging Face listing reaches for most of the papers first published on arXiv. */
const LISTING_LOOKBACK_DAYS = 30;

/**
 * Papers in the library listed on `date` (on that day's Hugging Face list, or
 * published that day by another source), else those of the most recent day
 * before it that has any; `date` is the day they are from.
 */
export async function papersFromLibrary(store: PaperStore, date: string): Promise<{ papers: Paper[]; date?: string; empty: boolean }> {
  if (store.isEmpty) return { papers: [], empty: true };
  const days = (paper: Paper) => listingDays(paper).filter((d) => d <= date);
  const latestDay = (papers: Paper[]) => papers.flatMap(days).sort().at(-1);
  const around = (day: string) => store.papersAround(day, addDays(day, -LISTING_LOOKBACK_DAYS));
  let candidates = await around(date);
  let target = latestDay(candidates);
  if (!target) {
    // Nothing in the weeks before: look around the last day anything was published, however long ago.
    const latest = await store.latestPublication(date);
    if (latest) target = latestDay(await store.papersAround(date, addDays(latest, -LISTING_LOOKBACK_DAYS)));
    if (!target) return { papers: [], empty: false };
  }
  // That day's Hugging Face list may hold papers published before the window around `date`.
  if (target !== date) candidates = await around(target);
  const day = target;
  return { papers: candidates.filter((p) => days(p).includes(day)), date: day, empty: false };
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return digestDate(now, timeZone);
}
