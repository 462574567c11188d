import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Logger } from "pino";
import { normaliseTitle, sha1, type Paper, type SkippedRecord } from "../src/paper.js";
import type { EmbedderInfo, PaperStore } from "../src/store/paperStore.js";
import type { ChunkRow, PaperRow } from "../src/store/schema.js";
import { hitCell, recordCell, sourceRecordsCell } from "../src/store/storedRows.js";
import { chunkPaper } from "./chunkPaper.js";
import { ingestFingerprint, rememberRun, repeatedRun } from "./ingestMemo.js";
import { bySource, groupSameRecords, mergeSources, recordsHash, replaceSources, sourceKinds } from "./mergeRecords.js";
import { parseInputs } from "./parseInputs.js";
import type { InputText } from "./readInputs.js";
import type { SourceFormat } from "./parsers/types.js";

export interface IngestSummary {
  papers: { added: number; updated: number; unchanged: number };
  chunks: { written: number; unchanged: number };
  skipped: SkippedRecord[];
}

/**
 * Where a run is, for a message when it is interrupted: waiting for another writer,
 * comparing its records with the library, writing batches, or compacting and indexing.
 */
export type IngestPhase = "waiting" | "comparing" | "writing" | "indexing";

export interface IngestDeps {
  store: PaperStore;
  embeddings: EmbeddingsInterface;
  embedder: EmbedderInfo;
  logger: Logger;
  /** Texts per embeddings request. */
  embedBatchSize: number;
  /** Papers per write: each batch is committed (chunks first, then papers) before the next starts. */
  writeBatchSize?: number;
  onProgress?: (done: number, total: number) => void;
  onPhase?: (phase: IngestPhase) => void;
}

export interface IngestOptions {
  format?: SourceFormat;
  dryRun?: boolean;
  /** Drop every stored vector and embed all papers again (after changing embedder). */
  reembed?: boolean;
  /** "Today" for pages that print dates without a year. */
  now?: Date;
}

interface PlannedPaper {
  /** What users see: the merge of `records`. */
  paper: Paper;
  /** One record per source, as read. */
  records: Paper[];
  hash: string;
  status: "added" | "updated" | "unchanged";
  /** The paper's recordCell, once made: both its passages' `hit` and its paper row hold it. */
  record?: string;
}

/**
 * Parse → merge with what is stored → chunk → embed what changed → write → compact and index.
 *
 * Crash safety: each batch writes its chunks before its paper rows, and a paper
 * row's hash is what marks the paper as done. A run killed mid-way leaves papers
 * whose rows still carry the old hash (or none), so the next run redoes exactly
 * those; chunks it already wrote are then found unchanged and not rewritten. Every
 * run that writes also finishes what an interrupted run left undone after its
 * batches (compaction, indexes), even when it has nothing of its own to write, and
 * removes a table whose creation was interrupted (it holds nothing).
 *
 * Concurrency: a run that writes holds the library's write lock from its first read
 * to its last write, so two runs on one library take turns (see writeLock.ts).
 */
export async function runIngest(inputs: readonly InputText[], deps: IngestDeps, options: IngestOptions = {}): Promise<IngestSummary> {
  const now = options.now ?? new Date();
  const day = now.toISOString().slice(0, 10);
  const fingerprint = options.reembed ? undefined : ingestFingerprint(inputs, { format: options.format, embedderId: deps.embedder.id });
  return underWriteLock(deps, options.dryRun ?? false, async () => {
    const repeated = fingerprint ? await repeatedRun(deps.store, fingerprint, day) : undefined;
    if (repeated && "memo" in repeated) {
      const { memo } = repeated;
      deps.logger.debug({ papers: memo.papers, memo: "holds" }, "same inputs as the last ingest, library unchanged since: nothing to do");
      return {
        papers: { added: 0, updated: 0, unchanged: memo.papers },
        chunks: { written: 0, unchanged: memo.chunks },
        skipped: memo.skipped,
      };
    }
    if (repeated) deps.logger.debug({ memo: repeated.miss }, "parsing and comparing every record: no memo of the last ingest applies");

    const parsed = parseInputs(inputs, { format: options.format, now });
    const summary = await ingestLocked(
      parsed.papers.map((p) => p.paper),
      deps,
      { dryRun: options.dryRun, reembed: options.reembed },
      parsed.skipped,
    );
    if (fingerprint && !options.dryRun) {
      const { papers, chunks } = summary;
      const dayBound = parsed.dayBound.length > 0;
      if (dayBound)
        deps.logger.debug({ inputs: parsed.dayBound, day }, "these inputs print dates without a year: the memo holds today only");
      await rememberRun(deps.store, {
        fingerprint,
        ...(dayBound ? { day } : {}),
        papers: papers.added + papers.updated + papers.unchanged,
        chunks: chunks.written + chunks.unchanged,
        skipped: summary.skipped,
      });
    }
    return summary;
  });
}

/**
 * The pipeline after parsing, for records already in memory (the daily digest's
 * fetched papers): each record is one source's record of a paper, as a parser
 * yields it (`sources` holds that one source). `skipped` is passed through to
 * the summary.
 */
export function ingestRecords(
  records: readonly Paper[],
  deps: IngestDeps,
  options: Pick<IngestOptions, "dryRun" | "reembed"> = {},
  skipped: SkippedRecord[] = [],
): Promise<IngestSummary> {
  return underWriteLock(deps, options.dryRun ?? false, () => ingestLocked(records, deps, options, skipped));
}

/**
 * Runs `work` holding the library's write lock (a dry run only reads: a table that
 * another run is creating reads as absent). First removes tables whose creation an
 * earlier run did not finish.
 */
async function underWriteLock<T>({ store, logger, onPhase }: IngestDeps, dryRun: boolean, work: () => Promise<T>): Promise<T> {
  if (dryRun) return work();
  const lock = await store.lockForWriting({
    what: "ingest",
    onWait: (holder) => {
      onPhase?.("waiting");
      logger.info(
        { holder },
        `another ${holder?.what ?? "writer"} is writing this library${holder ? ` (pid ${holder.pid} on ${holder.host})` : ""}: waiting for it to finish`,
      );
    },
  });
  try {
    onPhase?.("comparing");
    const removed = await store.removeIncompleteTables();
    if (removed.length > 0)
      logger.warn({ tables: removed }, "an earlier ingest was interrupted while creating these tables; they held nothing and were removed");
    return await work();
  } finally {
    await lock?.release();
  }
}

async function ingestLocked(
  records: readonly Paper[],
  deps: IngestDeps,
  options: Pick<IngestOptions, "dryRun" | "reembed">,
  skipped: SkippedRecord[],
): Promise<IngestSummary> {
  const { store, logger } = deps;
  const incoming = groupSameRecords(records);
  logger.debug({ records: records.length, papers: incoming.size }, "parsed inputs");

  await store.useEmbedder(deps.embedder, { reembed: options.reembed ?? false, dryRun: options.dryRun ?? false });
  const plan = await planAgainstStore(store, incoming);

  const summary: IngestSummary = {
    papers: { ...plan.counts },
    chunks: { written: 0, unchanged: 0 },
    skipped,
  };

  // After --reembed every stored paper needs vectors again, not only the incoming ones.
  let toWrite: Iterable<PlannedPaper> = plan.planned;
  let writeCount = plan.counts.added + plan.counts.updated;
  const chunkCounts = await store.chunkCounts();
  if (Array.isArray(plan.planned)) {
    const planned = plan.planned;
    const stored = options.reembed ? await storedPapersNotIn(store, planned) : [];
    // A paper unchanged since it was stored but without a passage (every paper has one: the chunks
    // table was dropped, or its rows deleted) gets its passages written again.
    const needsWrite = (p: PlannedPaper) => p.status !== "unchanged" || !chunkCounts.has(p.paper.id);
    toWrite = options.reembed ? [...planned, ...stored] : planned.filter(needsWrite);
    writeCount = options.reembed ? planned.length + stored.length : (toWrite as PlannedPaper[]).length;
    const unchanged = options.reembed ? [] : planned.filter((p) => !needsWrite(p));
    for (const p of unchanged) summary.chunks.unchanged += chunkCounts.get(p.paper.id) ?? 0;
  }
  if (options.dryRun) {
    for (const p of toWrite) summary.chunks.written += (await chunkPaper(p.paper)).length;
    return summary;
  }

  const batchSize = deps.writeBatchSize ?? 2000;
  if (writeCount > 0) {
    deps.onPhase?.("writing");
    deps.onProgress?.(0, writeCount);
  }
  // Three stages overlap, each batch passing through them in order: the main thread plans (into a
  // library holding no papers yet: see planAgainstStore) and chunks a batch and builds its rows, the
  // embedder makes its vectors (the local one on a thread of its own when there is more than one
  // batch: see embeddingThread.ts), and LanceDB's native threads write it. Embeddings are made, and
  // commits happen, strictly in batch order; at most three batches are in flight behind the one
  // being built.
  const inThread = writeCount > batchSize && hasThreadPath(deps.embeddings);
  const inFlight: Promise<void>[] = [];
  let embedding: Promise<unknown> = Promise.resolve();
  let committing: Promise<void> = Promise.resolve();
  let done = 0;
  try {
    for (const batch of inBatches(toWrite, batchSize)) {
      if (inFlight.length >= 3) await inFlight.shift();
      const prepared = await prepareBatch(batch, chunkCounts, deps);
      const embedded = embedding.then(() => embedRows(prepared.needEmbedding, deps, inThread));
      embedding = embedded;
      // Awaited by the commit below; until then a failure must not count as unhandled.
      embedded.catch(() => undefined);
      committing = committing.then(async () => {
        await embedded;
        await commitBatch(batch, prepared, deps, options.reembed ?? false);
        summary.chunks.written += prepared.written;
        summary.chunks.unchanged += prepared.rows.length - prepared.written;
        done += batch.length;
        deps.onProgress?.(done, writeCount);
        logger.debug({ papers: batch.length, chunks: prepared.rows.length, written: prepared.written }, "batch committed");
      });
      committing.catch(() => undefined);
      inFlight.push(committing);
    }
    await committing;
  } finally {
    // A run that fails must not release the write lock while a batch is still being written.
    await committing.catch(() => undefined);
  }
  const { superseded } = plan;
  if (superseded.length > 0) await store.deletePapers(superseded);
  deps.onPhase?.("indexing");
  const wrote = writeCount > 0 || superseded.length > 0;
  const unfinished = await store.refreshIndexes({ wrote });
  if (!wrote && unfinished.length > 0) logger.info({ unfinished }, "finished what an interrupted ingest left undone");
  return summary;
}

interface Plan {
  /**
   * Every incoming paper, merged with what is stored. Into a library that holds no papers
   * yet every paper is new, and they are planned one by one as the batches take them, so
   * that the first batch is embedded and written while the others are still being planned.
   */
  planned: PlannedPaper[] | Iterable<PlannedPaper>;
  counts: Record<PlannedPaper["status"], number>;
  /** Stored papers merged into an incoming one with a better id: deleted after the batches. */
  superseded: string[];
}

/** `items` in consecutive arrays of `size` (the last may be shorter), taken one array at a time. */
function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A paper no stored record matches: its sources' records, merged under its id. */
function plannedNew(id: string, group: readonly Paper[]): PlannedPaper {
  const records = bySource(group);
  return { paper: mergeSources(records, id), records, hash: recordsHash(records), status: "added" };
}

/**
 * Merges each incoming paper with its stored records and decides what changes.
 * Stored records are read only for papers whose content differs: re-ingesting the
 * same input compares hashes and reads nothing else.
 */
async function planAgainstStore(store: PaperStore, incoming: Map<string, Paper[]>): Promise<Plan> {
  const index = await store.paperIndex();
  if (index.length === 0) {
    return {
      planned: (function* () {
        for (const [id, group] of incoming) yield plannedNew(id, group);
      })(),
      counts: { added: incoming.size, updated: 0, unchanged: 0 },
      superseded: [],
    };
  }
  const byId = new Map(index.map((row) => [row.id, row]));
  const byTitle = new Map<string, typeof index>();
  for (const row of index) byTitle.set(row.titleKey, [...(byTitle.get(row.titleKey) ?? []), row]);

  const drafts = [...incoming].map(([groupId, group]) => {
    const records = bySource(group);
    const sameTitle = [...new Set(records.map((r) => normaliseTitle(r.title)))].flatMap((key) => byTitle.get(key) ?? []);
    // A stored record that already knows the arXiv id gives its id to records that do not.
    const id = (!groupId.startsWith("arxiv:") && sameTitle.find((row) => row.arxivId)?.id) || groupId;
    const candidates = [...new Set([byId.get(groupId), byId.get(id), ...sameTitle])].filter((r) => r !== undefined);
    const hash = recordsHash(records);
    const identical = candidates.length === 1 && candidates[0]!.id === id && candidates[0]!.hash === hash;
    return { id, records, hash, candidates, identical };
  });

  const toRead = drafts.filter((d) => !d.identical).flatMap((d) => d.candidates.map((c) => c.id));
  const stored = new Map((await store.findPapers([...new Set(toRead)])).map((row) => [row.id, row.records]));

  const superseded = new Set<string>();
  const planned = drafts.map(({ id, records, hash, candidates, identical }): PlannedPaper => {
    if (identical) return { paper: mergeSources(records, id), records, hash, status: "unchanged" };
    // Nothing stored to merge with: `records` are already one per source, in order (bySource).
    if (candidates.length === 0) return { paper: mergeSources(records, id), records, hash, status: "added" };
    const storedRecords = candidates.flatMap((row) => stored.get(row.id) ?? []);
    for (const row of candidates) if (row.id !== id) superseded.add(row.id);
    const all = replaceSources(storedRecords, records);
    const allHash = recordsHash(all);
    const previous = candidates.find((row) => row.id === id);
    const status = candidates.length === 0 ? "added" : previous?.hash === allHash ? "unchanged" : "updated";
    return { paper: mergeSources(all, id), records: all, hash: allHash, status };
  });
  const counts = { added: 0, updated: 0, unchanged: 0 };
  for (const p of planned) counts[p.status]++;
  return { planned, counts, superseded: [...superseded] };
}

async function storedPapersNotIn(store: PaperStore, planned: PlannedPaper[]): Promise<PlannedPaper[]> {
  const seen = new Set(planned.map((p) => p.paper.id));
  const rows = await store.allPapers();
  return rows
    .filter((row) => !seen.has(row.id))
    .map((row) => ({ paper: row.paper, records: row.records, hash: row.hash, status: "unchanged" as const }));
}

function paperRow({ paper, records, hash, record }: PlannedPaper): PaperRow {
  return {
    id: paper.id,
    titleKey: normaliseTitle(paper.title),
    arxivId: paper.arxivId ?? null,
    title: paper.title,
    summary: paper.summary,
    upvotes: paper.upvotes ?? null,
    year: paper.year ?? null,
    section: paper.section ?? null,
    publishedAt: paper.publishedAt ?? null,
    sourceKinds: sourceKinds(paper),
    record: record ?? recordCell(paper),
    sourceRecords: sourceRecordsCell(records, paper.summary),
    hash,
  };
}

interface PreparedBatch {
  rows: ChunkRow[];
  /** The rows whose text has no stored vector to reuse: their vectors are still empty. */
  needEmbedding: ChunkRow[];
  /** Whether any of the batch's papers has chunks stored (else they are simply appended). */
  anyStored: boolean;
  /** How many rows differ from what is stored. */
  written: number;
}

/** An embedder that can hand over float32 vectors directly (the local one). */
function hasFloat32Path(
  embeddings: EmbeddingsInterface,
): embeddings is EmbeddingsInterface & { embedFloat32(texts: readonly string[]): Float32Array[] } {
  return typeof (embeddings as { embedFloat32?: unknown }).embedFloat32 === "function";
}

/** An embedder that can make those vectors on a thread of its own (the local one). */
function hasThreadPath(
  embeddings: EmbeddingsInterface,
): embeddings is EmbeddingsInterface & { embedFloat32InThread(texts: readonly string[]): Promise<Float32Array[]> } {
  return typeof (embeddings as { embedFloat32InThread?: unknown }).embedFloat32InThread === "function";
}

/**
 * Chunks a batch and reuses stored vectors for unchanged text; embedRows makes the
 * rest. `chunked`: papers with chunks stored when the run began (new papers have none
 * to look up).
 */
async function prepareBatch(batch: PlannedPaper[], chunked: ReadonlyMap<string, number>, deps: IngestDeps): Promise<PreparedBatch> {
  const { store, embedder } = deps;
  const storedChunks = await store.findChunks(batch.map((p) => p.paper.id).filter((id) => chunked.has(id)));
  const storedById = new Map(storedChunks.map((c) => [c.id, c]));
  const vectorByTextHash = new Map(storedChunks.map((c) => [`${c.paperId}|${c.textHash}`, c.vector]));

  const rows: ChunkRow[] = [];
  const needEmbedding: ChunkRow[] = [];
  for (const planned of batch) {
    const { paper } = planned;
    const kinds = sourceKinds(paper);
    // Every passage carries its paper's record (without the summary: see storedRows.ts), so that
    // search needs no second read.
    const recordHash = sha1(JSON.stringify(paper));
    planned.record = recordCell(paper);
    const hit = hitCell(paper, planned.record);
    for (const chunk of await chunkPaper(paper)) {
      const textHash = sha1(`${embedder.id}\n${chunk.text}`);
      const filters = {
        year: paper.year ?? null,
        section: paper.section ?? null,
        publishedAt: paper.publishedAt ?? null,
        sourceKinds: kinds,
      };
      const row: ChunkRow = {
        id: `${paper.id}#${chunk.chunkIndex}`,
        paperId: paper.id,
        chunkIndex: chunk.chunkIndex,
        title: paper.title,
        text: chunk.text,
        textHash,
        vector: vectorByTextHash.get(`${paper.id}|${textHash}`) ?? [],
        ...filters,
        hit,
        hash: sha1(JSON.stringify([textHash, chunk.chunkIndex, filters, recordHash])),
      };
      rows.push(row);
      if (row.vector.length === 0) needEmbedding.push(row);
    }
  }

  return {
    rows,
    needEmbedding,
    anyStored: storedChunks.length > 0,
    written: rows.filter((r) => storedById.get(r.id)?.hash !== r.hash).length,
  };
}

/** Fills in the vectors of `rows`: `embedBatchSize` texts per request, or the whole batch at once on the embedding thread. */
async function embedRows(rows: ChunkRow[], { embeddings, embedBatchSize }: IngestDeps, inThread: boolean): Promise<void> {
  const size = inThread ? Math.max(1, rows.length) : embedBatchSize;
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    const texts = slice.map((r) => r.text);
    const vectors =
      inThread && hasThreadPath(embeddings)
        ? await embeddings.embedFloat32InThread(texts)
        : hasFloat32Path(embeddings)
          ? embeddings.embedFloat32(texts)
          : await embeddings.embedDocuments(texts);
    if (vectors.length !== slice.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${slice.length} texts`);
    slice.forEach((row, k) => (row.vector = vectors[k]!));
  }
}

/**
 * Chunks first, then the paper rows whose hashes mark the batch as done. A rebuild
 * (`reembed`) rewrites every paper row too, so that a library written by an older
 * paperbot takes the current layout (storedRows.ts) whole.
 */
async function commitBatch(
  batch: PlannedPaper[],
  prepared: PreparedBatch,
  { store, embedder }: IngestDeps,
  reembed: boolean,
): Promise<void> {
  if (prepared.anyStored) {
    await store.replaceChunks(
      batch.map((p) => p.paper.id),
      prepared.rows,
      embedder.dimensions,
    );
  } else {
    await store.addChunks(prepared.rows, embedder.dimensions);
  }
  await store.addPapers(batch.filter((p) => p.status === "added").map(paperRow));
  await store.upsertPapers(batch.filter((p) => p.status !== "added").map(paperRow), { rewrite: reembed });
}
