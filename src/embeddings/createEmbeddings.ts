import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Config } from "../config.js";
import type { EmbedderInfo } from "../store/paperStore.js";
import { LocalEmbeddings } from "./localEmbeddings.js";

export interface Embedder {
  embeddings: EmbeddingsInterface;
  /** Which model made the vectors, and their length: stored with the library so it is never mixed with another. */
  info(): Promise<EmbedderInfo>;
}

const DEFAULT_OPENAI_MODEL = "text-embedding-3-small";

/**
 * The configured embedder behind LangChain's `Embeddings` interface.
 * `@langchain/openai` takes ~0.7 s to import, so it is loaded only when configured.
 */
export async function createEmbedder(config: Pick<Config, "embeddings" | "openai">): Promise<Embedder> {
  if (config.embeddings.provider === "local") {
    const local = new LocalEmbeddings();
    return { embeddings: local, info: async () => ({ id: local.id, dimensions: local.dimensions }) };
  }
  const { OpenAIEmbeddings } = await import("@langchain/openai");
  const model = config.embeddings.model ?? DEFAULT_OPENAI_MODEL;
  const embeddings = new OpenAIEmbeddings({
    model,
    apiKey: config.openai.apiKey,
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : {},
    // Many OpenAI-compatible servers answer base64 requests with float arrays, which
    // LangChain then decodes into empty vectors.
    encodingFormat: "float",
    batchSize: config.embeddings.batchSize,
    maxRetries: config.openai.maxRetries,
    timeout: config.openai.timeoutMs,
  });
  let dimensions: number | undefined;
  return {
    embeddings,
    info: async () => {
      // The length is whatever the server's model returns: ask once.
      dimensions ??= (await embeddings.embedQuery("dimension probe")).length;
      if (!dimensions) throw new Error(`the embeddings endpoint returned an empty vector for model ${model}`);
      return { id: `openai:${model}`, dimensions };
    },
  };
}
