import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { readInputs } from "../../ingest/readInputs.js";
import { createFetcher } from "../../src/fetch/fetchText.js";
import { runIngest, type IngestOptions, type IngestSummary } from "../../ingest/runIngest.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import type { Paper } from "../../src/paper.js";
import { PaperStore, type EmbedderInfo } from "../../src/store/paperStore.js";
import { toJsonl } from "./realCorpus.js";

export const silentLogger = pino({ level: "silent" });

export interface IngestIntoOptions extends IngestOptions {
  embeddings?: EmbeddingsInterface;
  embedder?: EmbedderInfo;
  writeBatchSize?: number;
  /** Where the run logs (silent by default). */
  logger?: Logger;
}

const local = new LocalEmbeddings();

/** Runs the real ingest pipeline into the LanceDB library at `uri` with the local embedder. */
export async function ingestInto(uri: string, args: string[], options: IngestIntoOptions = {}): Promise<IngestSummary> {
  const store = await PaperStore.open({ uri });
  try {
    const { inputs, failed } = await readInputs(args, { fetcher: createFetcher({ timeoutMs: 5_000, maxRetryAfterMs: 5_000 }) });
    const summary = await runIngest(
      inputs,
      {
        store,
        logger: options.logger ?? silentLogger,
        embeddings: options.embeddings ?? local,
        embedder: options.embedder ?? { id: local.id, dimensions: local.dimensions },
        embedBatchSize: 64,
        writeBatchSize: options.writeBatchSize,
      },
      { now: new Date("2025-11-03T12:00:00Z"), ...options },
    );
    return { ...summary, skipped: [...failed, ...summary.skipped] };
  } finally {
    store.close();
  }
}

export interface LibraryContent {
  papers: Paper[];
  paperHashes: string[];
  chunks: { id: string; paperId: string; hash: string; text: string }[];
  versions: { papers: number | undefined; chunks: number | undefined };
}

/** Everything stored, in a stable order: two libraries with equal content compare equal. */
export async function readLibrary(uri: string): Promise<LibraryContent> {
  const store = await PaperStore.open({ uri });
  try {
    if (store.isEmpty) return { papers: [], paperHashes: [], chunks: [], versions: await store.versions() };
    const rows = await store.allPapers();
    rows.sort((a, b) => a.id.localeCompare(b.id));
    const chunks = (await store.chunks().query().select(["id", "paperId", "hash", "text"]).toArray()) as LibraryContent["chunks"];
    return {
      papers: rows.map((r) => r.paper),
      paperHashes: rows.map((r) => `${r.id}:${r.hash}`),
      chunks: chunks.map((c) => ({ id: c.id, paperId: c.paperId, hash: c.hash, text: c.text })).sort((a, b) => a.id.localeCompare(b.id)),
      versions: await store.versions(),
    };
  } finally {
    store.close();
  }
}

export interface TempLibrary {
  store: PaperStore;
  /** Closes the store and deletes the folder. */
  remove(): Promise<void>;
}

/** A real library in a temp folder holding these records (written as JSON Lines and ingested), open for reading. */
export async function tempLibraryOf(records: readonly object[], prefix = "paperbot-library-"): Promise<TempLibrary> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const file = join(dir, "papers.jsonl");
  await writeFile(file, toJsonl(records));
  await ingestInto(join(dir, "db"), [file]);
  const store = await PaperStore.open({ uri: join(dir, "db") });
  return {
    store,
    async remove() {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
