import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SkippedRecord } from "../src/paper.js";
import type { PaperStore } from "../src/store/paperStore.js";
import type { InputText } from "./readInputs.js";

/**
 * Re-running an ingest over the same folder (a cron job, a deploy script) is the
 * common case, and parsing and comparing every record only to find nothing new
 * costs more than starting the process. So a finished run leaves a memo: a
 * fingerprint of what it read, the totals it reported, and the table versions it
 * left. The next run with the same fingerprint, on tables still at those
 * versions, has nothing to do and says so at once, provided the library is
 * complete: a run killed while building indexes leaves no memo, but a library
 * written before that rule may hold one, and a memo must never stand for a library
 * that search cannot read. Anything else (another input, another embedder, changed
 * ingest code, any write in between, unfinished indexes) takes the full path, which
 * is idempotent in its own right and finishes the indexes.
 *
 * The day is not part of the fingerprint: most inputs read the same on any day. An
 * input whose parse read the day (a page's dates without a year, see parseInputs)
 * makes the memo hold on that day only (`day`), as the same text read on another
 * day may give other dates.
 */
interface IngestMemo {
  fingerprint: string;
  /** Set when some input's parse read the day: the (UTC) day it was read, the only one the memo holds on. */
  day?: string;
  versions: { papers: number; chunks: number };
  papers: number;
  chunks: number;
  skipped: SkippedRecord[];
}

/** The code that turns texts into papers: when it changes, old memos no longer apply. Read on first use. */
let codeDigest: string | undefined;

function digestIngestCode(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [...codeFiles(here), join(here, "..", "src", "paper.js")].sort();
  const hash = createHash("sha256");
  for (const file of files) {
    try {
      hash.update(file).update(readFileSync(file));
    } catch {
      hash.update(`${file}: unreadable`); // then memos simply never match
    }
  }
  return hash.digest("hex");
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return /\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Order-independent: the same files in another order make the same library. */
export function ingestFingerprint(inputs: readonly InputText[], context: { format?: string; embedderId: string }): string {
  const perInput = inputs.map((input) => createHash("sha256").update(input.source).update("\0").update(input.text).digest("hex")).sort();
  return createHash("sha256")
    .update(
      JSON.stringify({
        code: (codeDigest ??= digestIngestCode()),
        format: context.format ?? "auto",
        embedder: context.embedderId,
        inputs: perInput,
      }),
    )
    .digest("hex");
}

/** Meta row holding the last finished ingest's memo. */
const MEMO_KEY = "lastIngest";

/** Why a run cannot be answered from the memo, for the log of a re-run that takes longer than expected. */
export type MemoMiss =
  | "no memo"
  | "other inputs, format, embedder or ingest code"
  | "another day, and an input has dates without a year"
  | "library written since"
  | "library incomplete";

/**
 * The totals of the run that left the memo, if this run would repeat it exactly on
 * `day` (the UTC day, as "YYYY-MM-DD"); else why not.
 */
export async function repeatedRun(store: PaperStore, fingerprint: string, day: string): Promise<{ memo: IngestMemo } | { miss: MemoMiss }> {
  const memo = parseMemo((await store.metaValues([MEMO_KEY]))[MEMO_KEY]);
  if (!memo) return { miss: "no memo" };
  if (memo.fingerprint !== fingerprint) return { miss: "other inputs, format, embedder or ingest code" };
  if (memo.day !== undefined && memo.day !== day) return { miss: "another day, and an input has dates without a year" };
  const now = await store.versions();
  if (now.papers !== memo.versions.papers || now.chunks !== memo.versions.chunks) return { miss: "library written since" };
  return (await store.unfinishedWork()).length === 0 ? { memo } : { miss: "library incomplete" };
}

/** Records a finished run's totals with the table versions it left; called once its indexes are complete. */
export async function rememberRun(store: PaperStore, run: Omit<IngestMemo, "versions">): Promise<void> {
  const { papers, chunks } = await store.versions();
  if (papers === undefined || chunks === undefined) return; // nothing was stored: nothing to repeat
  await store.setMetaValues({ [MEMO_KEY]: JSON.stringify({ ...run, versions: { papers, chunks } } satisfies IngestMemo) });
}

/** Drops the memo, so that the next run parses and compares every record (the benchmarks measure that path so). */
export async function forgetRun(store: PaperStore): Promise<void> {
  await store.setMetaValues({ [MEMO_KEY]: "" });
}

function parseMemo(value: string | undefined): IngestMemo | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as IngestMemo;
  } catch {
    return undefined; // a memo only ever saves work: an unreadable one is ignored
  }
}
