import { Embeddings } from "@langchain/core/embeddings";
import { WORD_VECTORS_PATH, fnv1a, loadWordVectorTable, type WordVectorTable } from "./wordVectorTable.js";
import { suffixStem, words } from "../text/words.js";

/**
 * The default embedder: offline, no key, no download, deterministic, fast.
 *
 * Each text becomes two L2-normalised parts, concatenated:
 *  - semantic (100 dims): a SIF-style average of GloVe word vectors, each word
 *    weighted down by its frequency and the common direction removed. This is what
 *    lets "a discriminator spots swapped tokens" find a summary that says "detect
 *    replaced tokens": full-text search alone cannot match words that differ.
 *  - lexical (156 dims): signed feature hashing of word stems and character
 *    4-grams. It keeps rare names GloVe does not know (model names, acronyms) and
 *    spelling variants ("pretraining" / "pre-training") close.
 * Cosine similarity of two vectors is therefore 0.64·semantic + 0.36·lexical.
 * Changing anything here changes the vectors: bump LOCAL_EMBEDDER_ID so that a
 * database built with the old one asks for `--reembed`.
 */
export const LOCAL_EMBEDDER_ID = "local:glove100-hash156-v2";
const SEMANTIC_WEIGHT = 0.8;
const LEXICAL_WEIGHT = 0.6;
const GLOVE_DIMS = 100;
const LEXICAL_DIMS = 156;
/** SIF: weight = a / (a + p(w)); with Zipf's p ∝ 1/rank this is rank / (rank + K). */
const FREQUENCY_K = 300;

/** Distinct tokens remembered (~0.5 KB each); the cache starts over when full. */
const TOKEN_CACHE_SIZE = 100_000;

let sharedTable: WordVectorTable | undefined;
function defaultTable(): WordVectorTable {
  sharedTable ??= loadWordVectorTable(WORD_VECTORS_PATH);
  return sharedTable;
}

/** A word's unit word vector, or undefined for a word the vocabulary does not know. */
export function wordVector(word: string): Float32Array | undefined {
  const table = defaultTable();
  const row = table.lookup(word.toLowerCase());
  return row < 0 ? undefined : table.scaledRow(row, 1);
}

/** A word's frequency rank in the word-vector vocabulary (0 = most frequent), or -1 for a word it does not know. */
export function wordRank(word: string): number {
  return defaultTable().lookup(word.toLowerCase());
}

export class LocalEmbeddings extends Embeddings {
  readonly id = LOCAL_EMBEDDER_ID;
  readonly dimensions = GLOVE_DIMS + LEXICAL_DIMS;
  private loaded: WordVectorTable | undefined;
  private readonly cache = new Map<string, TokenFeatures>();

  /** The table is read on first use: a run that finds nothing to embed never pays for it. */
  constructor(private readonly loadTable: () => WordVectorTable = defaultTable) {
    super({});
  }

  private get table(): WordVectorTable {
    if (!this.loaded) {
      const table = this.loadTable();
      if (table.dims !== GLOVE_DIMS) throw new Error(`word vectors have ${table.dims} dimensions, expected ${GLOVE_DIMS}`);
      this.loaded = table;
    }
    return this.loaded;
  }

  embedText(text: string): Float32Array {
    const table = this.table;
    const dims = table.dims;
    const out = new Float32Array(this.dimensions);
    const tokens = words(text);
    let semanticWeight = 0;
    for (const token of tokens) {
      const features = this.featuresOf(token);
      const semantic = features.semantic;
      if (semantic) {
        for (let d = 0; d < dims; d++) out[d]! += semantic[d]!;
        semanticWeight += features.weight;
      }
      for (let i = 0; i < features.lexicalIndex.length; i++) out[dims + features.lexicalIndex[i]!]! += features.lexicalValue[i]!;
    }
    if (semanticWeight > 0) removeCommonDirection(out, table.mean, dims);
    normalisePart(out, 0, dims, SEMANTIC_WEIGHT);
    normalisePart(out, dims, out.length, LEXICAL_WEIGHT);
    return out;
  }

  /**
   * What a token contributes, computed once per distinct token: words repeat
   * (Zipf), and the look-up, stemming and n-gram hashing were most of the cost.
   */
  private featuresOf(token: string): TokenFeatures {
    let features = this.cache.get(token);
    if (features) return features;
    const row = this.table.lookup(token);
    const weight = row < 0 ? 1 : row / (row + FREQUENCY_K);
    const index: number[] = [];
    const value: number[] = [];
    const addHashed = (feature: string, w: number) => {
      const h = fnv1a(feature, 0x9747b28c);
      index.push(h % LEXICAL_DIMS);
      value.push(h & 0x80000000 ? -w : w);
    };
    // Function words add nothing lexical.
    if (weight >= 0.2) {
      addHashed(suffixStem(token), weight);
      if (token.length > 5) {
        const padded = `<${token}>`;
        for (let i = 0; i + 4 <= padded.length; i++) addHashed(padded.slice(i, i + 4), weight * 0.35);
      }
    }
    // The most frequent words ("the", "of", "and": weight < 0.1) would move the average by
    // almost nothing and cost as much as any other word; they are left out.
    const semantic = row >= 0 && weight >= 0.1 ? this.table.scaledRow(row, weight) : undefined;
    features = { semantic, weight, lexicalIndex: Uint16Array.from(index), lexicalValue: Float32Array.from(value) };
    if (this.cache.size >= TOKEN_CACHE_SIZE) this.cache.clear();
    this.cache.set(token, features);
    return features;
  }

  /**
   * The vectors as they are made, for callers that store them as float32 anyway (ingest):
   * `embedDocuments` must return number[][] (LangChain's interface), and converting 100k
   * vectors to arrays of doubles and back cost seconds of garbage collection.
   */
  embedFloat32(documents: readonly string[]): Float32Array[] {
    return documents.map((d) => this.embedText(d));
  }

  /**
   * The same vectors, computed on a thread of its own (embeddingThread.ts), for an ingest
   * large enough to overlap embedding with its other work. Loaded on first use, so that
   * a search or a small ingest pays nothing for it.
   */
  async embedFloat32InThread(documents: readonly string[]): Promise<Float32Array[]> {
    // The thread reads the default word vectors; another table's vectors are made here.
    if (this.loadTable !== defaultTable) return this.embedFloat32(documents);
    const { embedInThread } = await import("./embeddingThread.js");
    return embedInThread(documents, this.dimensions);
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.embedText(d)));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embedText(document));
  }
}

interface TokenFeatures {
  /** The word's GloVe vector × its weight; undefined for a word GloVe does not know. */
  semantic: Float32Array | undefined;
  weight: number;
  /** Hashed lexical features: positions within the lexical part, and signed weights. */
  lexicalIndex: Uint16Array;
  lexicalValue: Float32Array;
}

/** Subtracts the projection on the vocabulary's mean direction, which every average shares. */
function removeCommonDirection(out: Float32Array, mean: Float32Array, dims: number): void {
  let dot = 0;
  let meanNormSq = 0;
  for (let d = 0; d < dims; d++) {
    dot += out[d]! * mean[d]!;
    meanNormSq += mean[d]! * mean[d]!;
  }
  if (meanNormSq === 0) return;
  const k = dot / meanNormSq;
  for (let d = 0; d < dims; d++) out[d]! -= k * mean[d]!;
}

function normalisePart(out: Float32Array, from: number, to: number, weight: number): void {
  let sq = 0;
  for (let i = from; i < to; i++) sq += out[i]! * out[i]!;
  if (sq === 0) return;
  const scale = weight / Math.sqrt(sq);
  for (let i = from; i < to; i++) out[i]! *= scale;
}
