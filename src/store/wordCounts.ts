import type { Table } from "@lancedb/lancedb";

/**
 * How many passages of the library use each word, read from the full-text index:
 * what tells a question's distinctive words ("wildfire", "sourdough") from the words
 * every paper uses ("model", "training"). English word frequency cannot: "neural"
 * is rare in English and common in a library of papers.
 */
export interface WordCounts {
  /** Passages in the library. */
  passages: number;
  /** Passages containing each word (as the index stems it), at most COUNTED_UP_TO. */
  counts: ReadonlyMap<string, number>;
}

/**
 * Past this many passages a word is common, however common: counting further costs a
 * read per passage and tells nothing more about a question.
 */
export const COUNTED_UP_TO = 1000;
/** Words remembered per table version: a library's questions reuse their words. */
const REMEMBERED = 20_000;

export class WordCounter {
  private version: number | undefined;
  private passages = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly table: () => Table) {}

  async count(words: readonly string[]): Promise<WordCounts> {
    const table = this.table();
    const version = await table.version();
    if (version !== this.version) {
      this.counts.clear();
      this.passages = await table.countRows();
      this.version = version;
    }
    const wanted = [...new Set(words)].filter((word) => !this.counts.has(word));
    const found = await Promise.all(
      wanted.map(async (word) => (await table.search(word, "fts").select(["_score"]).limit(COUNTED_UP_TO).toArray()).length),
    );
    if (this.counts.size + wanted.length > REMEMBERED) this.counts.clear();
    wanted.forEach((word, i) => this.counts.set(word, found[i]!));
    return { passages: this.passages, counts: new Map(words.map((word) => [word, this.counts.get(word) ?? 0])) };
  }
}
