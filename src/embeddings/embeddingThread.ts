import { Piscina } from "piscina";

/**
 * The local embedder on a thread of its own, so that a large ingest embeds one batch
 * while the main thread builds the next batch's rows and LanceDB writes the one
 * before (see docs/design.md). The thread computes with the same code and word
 * vectors as the main thread, so its vectors are the same bit for bit. One thread:
 * the box has two cores and the main thread keeps one busy. It starts on first use,
 * and an idle thread keeps no process alive; it ends after a minute unused.
 */
let pool: Piscina<readonly string[], Float32Array> | undefined;

export async function embedInThread(texts: readonly string[], dimensions: number): Promise<Float32Array[]> {
  pool ??= new Piscina({
    filename: new URL("./embeddingThreadTask.js", import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
  });
  const flat = await pool.run(texts);
  if (flat.length !== texts.length * dimensions)
    throw new Error(`the embedding thread returned ${flat.length} floats for ${texts.length} texts of ${dimensions}`);
  return Array.from({ length: texts.length }, (_, i) => flat.subarray(i * dimensions, (i + 1) * dimensions));
}
