/**
 * One ingest, in a process of its own so that its peak RSS is the ingest's alone:
 * `node ingestRun.js <uri> <day> <input>…` prints one line of JSON (IngestFigures).
 * `day` is "today" for the ingest (the memo of inputs that print dates without a year
 * holds on that day only). With BENCH_FORGET_MEMO=1 the last run's memo is dropped first,
 * so that every record is parsed and compared. With BENCH_EMBED_IN_THREAD=0 the local
 * embedder runs on the main thread, as it did before the embedding thread, for a
 * same-run comparison.
 */
import { forgetRun } from "../../../ingest/ingestMemo.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { capturingLogger } from "../../helpers/capturingLogger.js";
import { ingestInto } from "../../helpers/library.js";

export interface IngestFigures {
  papers: number;
  chunksWritten: number;
  /** Parse, chunk, embed and write, without the index builds. */
  writeMs: number;
  /** Compaction and index builds (full-text, id, vector). */
  indexMs: number;
  totalMs: number;
  peakRssMb: number;
  /** What became of the last run's memo: "holds", or why it did not (undefined: there was none to look at, as on a new library). */
  memo: string | undefined;
}

const [uri, day, ...inputs] = process.argv.slice(2);
if (!uri || !day || inputs.length === 0) throw new Error("usage: ingestRun <uri> <day> <input>…");

let indexMs = 0;
const refresh = PaperStore.prototype.refreshIndexes;
PaperStore.prototype.refreshIndexes = async function (this: PaperStore, ...args: Parameters<typeof refresh>) {
  const start = performance.now();
  try {
    return await refresh.apply(this, args);
  } finally {
    indexMs += performance.now() - start;
  }
};
const local = new LocalEmbeddings();
// The local embedder without its thread path: ingest then embeds on the main thread.
const onMainThread = {
  embedQuery: (text: string) => local.embedQuery(text),
  embedDocuments: (texts: string[]) => local.embedDocuments(texts),
  embedFloat32: (texts: readonly string[]) => local.embedFloat32(texts),
};
const inThread = process.env.BENCH_EMBED_IN_THREAD !== "0";
if (process.env.BENCH_FORGET_MEMO === "1") {
  const store = await PaperStore.open({ uri });
  await forgetRun(store);
  store.close();
}
const { logger, lines } = capturingLogger();
const start = performance.now();
const summary = await ingestInto(uri, inputs, {
  now: new Date(`${day}T12:00:00Z`),
  logger,
  ...(inThread ? {} : { embeddings: onMainThread }),
});
const totalMs = performance.now() - start;
const figures: IngestFigures = {
  papers: summary.papers.added + summary.papers.updated + summary.papers.unchanged,
  chunksWritten: summary.chunks.written,
  writeMs: totalMs - indexMs,
  indexMs,
  totalMs,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  memo: lines.find((line) => "memo" in line)?.memo as string | undefined,
};
console.log(JSON.stringify(figures));
