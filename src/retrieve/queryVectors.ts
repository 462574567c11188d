import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/** Query vectors remembered per searcher: a remote embedder costs a round trip per question. */
const EMBED_CACHE_SIZE = 256;

/**
 * Embeds queries, remembering the vectors of the `size` most recently used: answering one
 * question searches with the same text more than once (with and without its paper filter).
 */
export function queryVectors(embeddings: EmbeddingsInterface, size = EMBED_CACHE_SIZE): (query: string) => Promise<Float32Array> {
  const embedded = new Map<string, Float32Array>();
  return async function embed(query: string): Promise<Float32Array> {
    const known = embedded.get(query);
    if (known) {
      embedded.delete(query); // most recently used last
      embedded.set(query, known);
      return known;
    }
    const vector = Float32Array.from(await embeddings.embedQuery(query));
    if (embedded.size >= size) embedded.delete(embedded.keys().next().value!);
    embedded.set(query, vector);
    return vector;
  };
}
