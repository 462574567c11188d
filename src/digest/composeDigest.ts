import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { App } from "../app.js";
import { createChatModel } from "../answer/createChatModel.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { buildDigest, type Digest } from "./buildDigest.js";
import type { DigestSince } from "./newPapers.js";
import type { ChannelProfile } from "./channelProfile.js";
import type { GatheredPapers } from "./digestSources.js";

/*
 * The one way a digest is composed, for the bot's post, `/digest preview` and the `digest` command:
 * the same papers, settings and clients give the same digest wherever it is shown. Where the papers
 * come from (the sources, or the library) and how the digest is shown are the callers' business.
 */

/** What a channel (or the command line) asks of its digest. */
export interface DigestSettings {
  /** Keywords or a sentence to rank by; undefined: every paper, by upvotes. */
  topics: string | undefined;
  /** How many papers to show (1–MAX_PAPERS_PER_DIGEST). */
  max: number;
}

/** A channel's subscription, as far as the digest's settings go. */
export interface ChannelDigestOptions {
  topics?: readonly string[] | string;
  max?: number;
}

/** The clients a digest is composed with: relevance to the topics by meaning, and TL;DRs by the model. */
export interface DigestClients {
  /** Used when there are topics. */
  embeddings?: EmbeddingsInterface;
  /** Writes the TL;DRs of papers whose source has no AI summary, when a model is configured. */
  llm?: BaseChatModel;
  logger?: Logger;
}

export interface ComposeInput {
  /** YYYY-MM-DD: the day the digest is for. */
  date: string;
  /** The day's papers and, when read from the library, the day they are from. */
  gathered: Pick<GatheredPapers, "papers" | "libraryDate">;
  settings: DigestSettings;
  /** What the channel was already shown. */
  since?: DigestSince;
  /** What the channel taught its digest with 👍/👎 (learnProfile); none: the ranking by upvotes and topics alone. */
  profile?: ChannelProfile;
}

/** The settings of a channel's digest: its subscription's topics and size, else the configured defaults. */
export function digestSettings(config: Pick<Config, "digest">, channel?: ChannelDigestOptions): DigestSettings {
  const topics = typeof channel?.topics === "string" ? channel.topics : channel?.topics?.join(", ");
  return { topics: topics?.trim() || undefined, max: channel?.max ?? config.digest.maxPapers };
}

/**
 * The clients every digest uses: the configured embedder (background use, with retries) and, when
 * answers are written by a model, the background chat model for the TL;DRs.
 */
export async function digestClients(app: Pick<App, "config" | "logger" | "embedder">): Promise<DigestClients> {
  const [embedder, llm] = await Promise.all([app.embedder(), createChatModel(app.config, "background", app.logger)]);
  return { embeddings: embedder.embeddings, llm, logger: app.logger };
}

export function composeDigest(input: ComposeInput, clients: DigestClients): Promise<Digest> {
  const { settings } = input;
  return buildDigest({
    papers: input.gathered.papers,
    date: input.date,
    papersFrom: input.gathered.libraryDate,
    topics: settings.topics,
    max: settings.max,
    embeddings: settings.topics ? clients.embeddings : undefined,
    llm: clients.llm,
    since: input.since,
    ...(input.profile ? { profile: input.profile } : {}),
    logger: clients.logger,
  });
}
