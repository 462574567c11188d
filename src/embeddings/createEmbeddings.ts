import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Config } from "../config.js";
import { EndpointError, endpointOf } from "../endpoint.js";
import type { EmbedderInfo } from "../store/paperStore.js";
import { LocalEmbeddings } from "./localEmbeddings.js";

export interface Embedder {
  embeddings: EmbeddingsInterface;
  /** The id stored with a library (`local:…`, `openai:<model>`), known without asking the endpoint. */
  id: string;
  /** The vectors' length when known without asking the endpoint (the local embedder's). */
  dimensions: number | undefined;
  /** Which model made the vectors, and their length: stored with the library so it is never mixed with another. */
  info(): Promise<EmbedderInfo>;
}

/**
 * Who waits for the vectors. `search`: a user, for a question's vector (search, ask, the bot): one try
 * within LLM_FIRST_TOKEN_MS. `ingest`: background work (ingest, the digest): retries with backoff
 * (OPENAI_MAX_RETRIES) within OPENAI_TIMEOUT_MS per request.
 */
export type EmbedderUse = "search" | "ingest";

const DEFAULT_OPENAI_MODEL = "text-embedding-3-small";

/** Embeddings whose failures name the endpoint (never the key). */
class EndpointEmbeddings implements EmbeddingsInterface {
  constructor(
    private readonly inner: EmbeddingsInterface,
    private readonly endpoint: string,
    private readonly apiKey: string | undefined,
  ) {}

  private failed(error: unknown): never {
    throw new EndpointError("the embeddings endpoint", this.endpoint, error, this.apiKey);
  }

  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text).catch((error: unknown) => this.failed(error));
  }

  embedDocuments(texts: string[]): Promise<number[][]> {
    return this.inner.embedDocuments(texts).catch((error: unknown) => this.failed(error));
  }
}

/**
 * The configured embedder behind LangChain's `Embeddings` interface.
 * `@langchain/openai` takes ~0.7 s to import, so it is loaded only when configured.
 */
export async function createEmbedder(
  config: Pick<Config, "embeddings" | "openai" | "deadlines">,
  use: EmbedderUse = "ingest",
): Promise<Embedder> {
  if (config.embeddings.provider === "local") {
    const local = new LocalEmbeddings();
    return {
      embeddings: local,
      id: local.id,
      dimensions: local.dimensions,
      info: async () => ({ id: local.id, dimensions: local.dimensions }),
    };
  }
  const { OpenAIEmbeddings } = await import("@langchain/openai");
  const model = config.embeddings.model ?? DEFAULT_OPENAI_MODEL;
  const waiting = use === "search";
  const openai = new OpenAIEmbeddings({
    model,
    apiKey: config.openai.apiKey,
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : {},
    // Many OpenAI-compatible servers answer base64 requests with float arrays, which
    // LangChain then decodes into empty vectors.
    encodingFormat: "float",
    batchSize: config.embeddings.batchSize,
    maxRetries: waiting ? 0 : config.openai.maxRetries,
    timeout: waiting ? Math.min(config.openai.timeoutMs, config.deadlines.firstTokenMs) : config.openai.timeoutMs,
  });
  const embeddings = new EndpointEmbeddings(openai, endpointOf(config.openai), config.openai.apiKey);
  const id = `openai:${model}`;
  let dimensions: number | undefined;
  return {
    embeddings,
    id,
    dimensions: undefined,
    info: async () => {
      // The length is whatever the server's model returns: ask once.
      dimensions ??= (await embeddings.embedQuery("dimension probe")).length;
      if (!dimensions)
        throw new Error(`the embeddings endpoint at ${endpointOf(config.openai)} returned an empty vector for model ${model}`);
      return { id, dimensions };
    },
  };
}
