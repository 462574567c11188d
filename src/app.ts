import { createArxivAdder, type ArxivAdders } from "../ingest/addFromArxiv.js";
import type { IngestDeps } from "../ingest/runIngest.js";
import type { Config } from "./config.js";
import { createEmbedder, type Embedder, type EmbedderUse } from "./embeddings/createEmbeddings.js";
import { sourcesFetcher } from "./fetch/fetchText.js";
import { createLogger, type Logger } from "./logger.js";
import { PaperStore } from "./store/paperStore.js";

/** What every entry point (CLI, bot, scheduler) is built from. Created once, passed down. */
export interface App {
  config: Config;
  logger: Logger;
  /** The configured embedder; `search` when a user waits for the vectors (no retries), `ingest` (the default) for background work. */
  embedder(use?: EmbedderUse): Promise<Embedder>;
  openStore(): Promise<PaperStore>;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export function createApp(config: Config, logger: Logger = createLogger(config.log)): App {
  const embedders = { search: once(() => createEmbedder(config, "search")), ingest: once(() => createEmbedder(config, "ingest")) };
  return {
    config,
    logger,
    embedder: (use = "ingest") => embedders[use](),
    openStore: () => PaperStore.open({ uri: config.lancedb.uri, storageOptions: config.lancedb.storageOptions }),
  };
}

/** What an ingest into `store` needs, as configured: the CLI's ingest and a fetch on demand alike. */
export async function ingestDepsFor(app: App, store: PaperStore, use: EmbedderUse = "ingest"): Promise<IngestDeps> {
  const embedder = await app.embedder(use);
  return {
    store,
    logger: app.logger,
    embeddings: embedder.embeddings,
    embedder: await embedder.info(),
    embedBatchSize: app.config.embeddings.batchSize,
    writeBatchSize: app.config.ingest.batchPapers,
  };
}

/** Fetches a paper the library lacks from arXiv into `store`; someone is waiting, so with the search embedder. */
export async function arxivAdderFor(app: App, store: PaperStore): Promise<ArxivAdders> {
  return createArxivAdder({
    ...(await ingestDepsFor(app, store, "search")),
    fetcher: sourcesFetcher(app.config, { logger: app.logger }),
    arxivApiUrl: app.config.sources.arxivApiUrl,
  });
}
