import type { ArxivAdders } from "../../ingest/addFromArxiv.js";
import { arxivAdderFor, type App } from "../app.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { createAnswerer, type Answerer } from "../answer/createAnswerer.js";
import { modelForAnswers } from "../answer/createChatModel.js";
import { createSearcher, type Searcher } from "../retrieve/searchPapers.js";
import { createTitleSuggester, type TitleChoice } from "../retrieve/titleSuggestions.js";
import type { PaperStore } from "../store/paperStore.js";
import { AnswerVoteStore } from "../store/answerVotes.js";
import { DigestVoteStore } from "../store/digestVotes.js";
import type { DigestService } from "../digest/digestService.js";
import { DigestLedger } from "../digest/digestLedger.js";
import { digestArchive, libraryPapers, type DigestArchive } from "../digest/digestArchive.js";
import { digestClients, type DigestClients } from "../digest/composeDigest.js";
import { AnswerGate } from "./answerGate.js";
import { withPostLinks } from "./digestHistory.js";
import { FetchLimit } from "./fetchLimit.js";
import { AnswerVotes } from "./votes.js";

/**
 * Everything the Discord adapter needs from the core, built once at start-up
 * and handed to every handler and command. Nothing here knows about Discord.
 */
export interface BotServices {
  config: Config;
  logger: Logger;
  store: PaperStore;
  searcher: Searcher;
  answerer: Answerer;
  gate: AnswerGate;
  /** 👍/👎 on answers: the recent answers remembered, and the votes in the library's database. */
  votes: AnswerVotes;
  /** The channels' posted digests (the ledger's records), for /digest history and questions about past digests. */
  digestArchive: DigestArchive;
  /** 👍/👎 on digest papers and the papers asked about in digest threads, per channel, in the library's database. */
  digestVotes: DigestVoteStore;
  suggestTitles(typed: string, limit?: number): Promise<TitleChoice[]>;
  startedAt: Date;
  /** Digest threads → the papers of that digest, so questions there look at them first. */
  digestThreads: Map<string, string[]>;
  /** The clients every digest is composed with (the post and the preview alike); made once, when first needed. */
  digestClients(): Promise<DigestClients>;
  /** A paper the library lacks, fetched from arXiv by id or title and added (at most a few per user per minute: fetchLimit). */
  addFromArxiv: ArxivAdders;
  fetchLimit: FetchLimit;
  /** Subscriptions and the scheduler, once the bot is connected (absent in CLI use). */
  digest?: DigestService;
}

/** The papers of the digest a thread belongs to: from memory, else from the ledger (after a restart). */
export async function digestPapersFor(services: BotServices, threadId: string, parentId: string | null): Promise<string[] | undefined> {
  const known = services.digestThreads.get(threadId);
  if (known || !parentId || !services.digest) return known;
  const record = (await services.digest.ledger.history(parentId)).find((r) => r.state === "posted" && r.threadId === threadId);
  const paperIds = record?.state === "posted" ? record.paperIds : undefined;
  if (paperIds) services.digestThreads.set(threadId, paperIds);
  return paperIds;
}

/** arXiv fetches one user may ask for in a minute. */
const FETCHES_PER_USER_PER_MINUTE = 3;

export async function createBotServices(app: App): Promise<BotServices> {
  const store = await app.openStore();
  const embedder = await app.embedder("search");
  await store.requireEmbedder(embedder).catch((error: unknown) => {
    store.close();
    throw error;
  });
  const { embeddings } = embedder;
  let clients: Promise<DigestClients> | undefined;
  const library = { uri: app.config.lancedb.uri, storageOptions: app.config.lancedb.storageOptions };
  const searcher = createSearcher({ store, embeddings, memoryChunks: app.config.search.memoryChunks });
  // Read-only here: the digest service posts and records through its own connection to the same folder.
  const archive = digestArchive(await DigestLedger.open(app.config.digest.stateDir), libraryPapers(store));
  return {
    config: app.config,
    logger: app.logger,
    store,
    searcher,
    answerer: createAnswerer({
      searcher,
      embeddings,
      logger: app.logger,
      // Questions about a channel's past digests are answered from them, with links to the posts.
      archive: { digests: async (channelId, range) => (await archive.digests(channelId, range)).map((d) => withPostLinks(d)) },
      ...(await modelForAnswers(app.config, app.logger)),
    }),
    gate: new AnswerGate({ concurrency: app.config.bot.maxConcurrentAnswers, cooldownSeconds: app.config.bot.cooldownSeconds }),
    votes: new AnswerVotes(await AnswerVoteStore.open(library)),
    digestArchive: archive,
    digestVotes: await DigestVoteStore.open(library),
    suggestTitles: createTitleSuggester(store),
    startedAt: new Date(),
    digestThreads: new Map(),
    digestClients: () => (clients ??= digestClients(app)),
    addFromArxiv: await arxivAdderFor(app, store),
    fetchLimit: new FetchLimit({ perMinute: FETCHES_PER_USER_PER_MINUTE }),
  };
}
