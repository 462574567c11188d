import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { bytesUnder } from "./corpora.js";
import type { IngestFigures } from "./ingestRun.js";
import { load, median, seconds, thousands } from "./report.js";

const RUNNER = fileURLToPath(new URL("./ingestRun.js", import.meta.url));

export interface IngestProcessOptions {
  /** false: embed on the main thread (as before the embedding thread). */
  inThread?: boolean;
  /** Drop the last run's memo first: every record is parsed and compared. */
  forgetMemo?: boolean;
  /** Node's heap limit for the ingest (--max-old-space-size), when the default (~4.3 GB here) cannot hold the run. */
  heapMb?: number;
}

/** Runs one ingest in its own process (see ingestRun.ts). */
export function ingestProcess(
  uri: string,
  inputs: string[],
  day = "2025-11-03",
  { inThread = true, forgetMemo = false, heapMb }: IngestProcessOptions = {},
): IngestFigures {
  const heap = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
  const r = spawnSync(process.execPath, [...heap, RUNNER, uri, day, ...inputs], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    env: { ...process.env, LANCEDB_LOG: "off", BENCH_EMBED_IN_THREAD: inThread ? "1" : "0", BENCH_FORGET_MEMO: forgetMemo ? "1" : "0" },
  });
  if (r.status !== 0) throw new Error(`ingest of ${uri} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as IngestFigures;
}

/**
 * First ingest of a new library, then the same inputs again: on the same day and on
 * another day (the ingest memo answers both, as these inputs print no date without a
 * year), and with the memo dropped (every record parsed and compared, as for a Daily
 * Papers page read on another day): chunks/s, index build time, peak RSS, bytes on
 * disk, and what a re-ingest writes and costs. With `compare`, that many more first
 * ingests each with the embedding thread and without.
 */
export async function measureIngest(
  uri: string,
  inputs: string[],
  { compare = 0, heapMb }: { compare?: number; heapMb?: number } = {},
): Promise<void> {
  const first = ingestProcess(uri, inputs, "2025-11-03", { heapMb });
  const bytes = bytesUnder(uri);
  const perSecond = (ms: number) => thousands((first.chunksWritten * 1000) / ms);
  console.log(`${thousands(first.papers)} papers → ${thousands(first.chunksWritten)} passages   (${load()})`);
  console.log(`  ingest, parse + chunk + embed + write: ${perSecond(first.writeMs)} chunks/s (${seconds(first.writeMs)})`);
  console.log(
    `  ingest with index builds (end to end): ${perSecond(first.totalMs)} chunks/s (${seconds(first.totalMs)})   floor ≥ 4,500 at 100k`,
  );
  console.log(`  index builds (compaction, full-text, id, vector): ${seconds(first.indexMs)}`);
  const peer = await embedderAlone(uri);
  console.log(
    `  peer, the local embedder alone on ${thousands(peer.texts)} of these passages: ${thousands(peer.perSecond)} chunks/s   (${load()})`,
  );
  console.log(`  peak RSS of the ingest process: ${thousands(first.peakRssMb)} MB`);
  console.log(
    `  on disk: ${thousands(bytes / 1e6)} MB = ${thousands(((bytes / first.papers) * 1000) / 1e6)} MB per 1,000 papers, ${thousands(bytes / first.chunksWritten)} bytes per passage`,
  );
  const again = ingestProcess(uri, inputs, "2025-11-03", { heapMb });
  const anotherDay = ingestProcess(uri, inputs, "2025-11-04", { heapMb });
  const compared = ingestProcess(uri, inputs, "2025-11-04", { heapMb, forgetMemo: true });
  // A figure printed under the wrong path's name would mislead: each run says which it took.
  const path = (f: IngestFigures) => (f.memo === "holds" ? "the memo held" : `the memo did not hold: ${f.memo ?? "none"}`);
  if (again.memo !== "holds" || anotherDay.memo !== "holds" || compared.memo === "holds")
    throw new Error(
      `re-ingests took unexpected paths: same day ${path(again)}; another day ${path(anotherDay)}; memo dropped ${path(compared)}`,
    );
  const share = (f: IngestFigures) => `${((100 * f.totalMs) / first.totalMs).toFixed(1)}% of the first`;
  console.log(
    `  re-ingest, same inputs, same day (memo): ${again.chunksWritten} rows written, ${seconds(again.totalMs)} = ${share(again)}`,
  );
  console.log(
    `  re-ingest, same inputs, another day (memo: no date without a year): ${anotherDay.chunksWritten} rows written, ${seconds(anotherDay.totalMs)} = ${share(anotherDay)}   floor ≤ 10% at 1M   (${load()})`,
  );
  console.log(
    `  re-ingest with every record compared (memo dropped, as for a yearless Daily Papers page another day): ${compared.chunksWritten} rows written, ${seconds(compared.totalMs)} = ${share(compared)}   (${load()})`,
  );
  if (compare > 0) compareThread(uri, inputs, compare);
}

/**
 * First ingests of the same inputs into fresh libraries, embedding on the thread and on the
 * main thread in turn (each pair starting with the other than the last), `pairs` of each:
 * medians and their ratio, measured under the same load.
 */
function compareThread(uri: string, inputs: string[], pairs: number): void {
  const runs = { thread: [] as IngestFigures[], main: [] as IngestFigures[] };
  for (let i = 0; i < pairs; i++) {
    for (const inThread of i % 2 === 0 ? [false, true] : [true, false]) {
      const fresh = `${uri}-compare`;
      runs[inThread ? "thread" : "main"].push(ingestProcess(fresh, inputs, "2025-11-03", { inThread }));
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  const rate = (fs: IngestFigures[], ms: (f: IngestFigures) => number) => median(fs.map((f) => (f.chunksWritten * 1000) / ms(f)));
  const line = (what: string, ms: (f: IngestFigures) => number) => {
    const [thread, main] = [rate(runs.thread, ms), rate(runs.main, ms)];
    const all = (fs: IngestFigures[]) => fs.map((f) => thousands((f.chunksWritten * 1000) / ms(f))).join(", ");
    console.log(
      `    ${what}: embedding thread ${thousands(thread)} chunks/s (${all(runs.thread)}), main thread ${thousands(main)} (${all(runs.main)}): ${(thread / main).toFixed(2)}×`,
    );
  };
  console.log(`  same run, ${pairs} first ingests each with the embedding thread and without, in turn (medians)   (${load()})`);
  line("parse + chunk + embed + write", (f) => f.writeMs);
  line("with index builds", (f) => f.totalMs);
  console.log(
    `    peak RSS: thread ${thousands(median(runs.thread.map((f) => f.peakRssMb)))} MB, main ${thousands(median(runs.main.map((f) => f.peakRssMb)))} MB`,
  );
}

const EMBEDDER_PEER_ROWS = 20_000;

/** Chunks/s of the local embedder alone (fresh, its token cache empty) on the library's first passages: what ingest would reach if embedding were all it did. */
async function embedderAlone(uri: string): Promise<{ texts: number; perSecond: number }> {
  const store = await PaperStore.open({ uri });
  try {
    const texts: string[] = [];
    for await (const batch of store.chunks().query().select(["text"]).limit(EMBEDDER_PEER_ROWS)) {
      const column = batch.getChild("text")!;
      for (let i = 0; i < batch.numRows; i++) texts.push(column.get(i) as string);
    }
    const embeddings = new LocalEmbeddings();
    embeddings.embedFloat32(["warm-up: load the word vectors"]);
    const start = performance.now();
    for (let i = 0; i < texts.length; i += 256) embeddings.embedFloat32(texts.slice(i, i + 256));
    return { texts: texts.length, perSecond: (texts.length * 1000) / (performance.now() - start) };
  } finally {
    store.close();
  }
}
