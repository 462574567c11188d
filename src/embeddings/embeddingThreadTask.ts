import { move } from "piscina";
import { LocalEmbeddings } from "./localEmbeddings.js";

/**
 * Runs on the embedding thread (see embeddingThread.ts): the local embedder's vectors
 * for `texts`, end to end in one Float32Array whose buffer is moved, not copied, back.
 */
const embeddings = new LocalEmbeddings();

export default function embed(texts: readonly string[]): Float32Array {
  const size = embeddings.dimensions;
  const flat = new Float32Array(texts.length * size);
  embeddings.embedFloat32(texts).forEach((vector, i) => flat.set(vector, i * size));
  return move(flat) as Float32Array;
}
