import type { Config } from "./config.js";
import { createEmbedder, type Embedder } from "./embeddings/createEmbeddings.js";
import { createLogger, type Logger } from "./logger.js";
import { PaperStore } from "./store/paperStore.js";

/** What every entry point (CLI, bot, scheduler) is built from. Created once, passed down. */
export interface App {
  config: Config;
  logger: Logger;
  embedder(): Promise<Embedder>;
  openStore(): Promise<PaperStore>;
}

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export function createApp(config: Config, logger: Logger = createLogger(config.log)): App {
  return {
    config,
    logger,
    embedder: once(() => createEmbedder(config)),
    openStore: () => PaperStore.open({ uri: config.lancedb.uri, storageOptions: config.lancedb.storageOptions }),
  };
}
