import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PaperStore } from "../../src/store/paperStore.js";

/** Bytes of every file under `dir`: what the library takes on disk. */
export async function bytesOnDisk(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * How many times each paper's summary is stored, over every text cell of both
 * tables: whole (as written, or as JSON escapes it) in the papers table's cells, plus
 * once more for each time the chunks' texts hold it in passages (its opening and its
 * ending, 60 characters each, are looked for there; a summary that repeats its own
 * opening or ending is allowed for). A source's summary that differs from the paper's
 * (a shorter abstract that lost the merge) is another text and is not counted.
 * Papers with summaries under 120 characters are left out.
 */
export async function summaryCopies(uri: string): Promise<Map<string, number>> {
  const store = await PaperStore.open({ uri });
  try {
    const cellsByPaper = (rows: Record<string, unknown>[]) => {
      const byPaper = new Map<string, string[]>();
      for (const row of rows) {
        const paperId = String(row.paperId ?? row.id);
        const texts = Object.values(row).filter((v): v is string => typeof v === "string");
        byPaper.set(paperId, [...(byPaper.get(paperId) ?? []), ...texts]);
      }
      return byPaper;
    };
    const papers = (await store.papers().query().toArray()) as Record<string, unknown>[];
    const paperCells = cellsByPaper(papers);
    const chunkCells = cellsByPaper((await store.chunks().query().toArray()) as Record<string, unknown>[]);
    const count = (cells: readonly string[], text: string) => {
      const escaped = JSON.stringify(text).slice(1, -1);
      return cells.reduce((n, cell) => n + occurrences(cell, text) + (escaped === text ? 0 : occurrences(cell, escaped)), 0);
    };
    const copies = new Map<string, number>();
    for (const row of papers) {
      const id = String(row.id);
      const summary = String(row.summary ?? "");
      if (summary.length < 120) continue;
      const chunks = chunkCells.get(id) ?? [];
      const inPassages = Math.max(
        ...[summary.slice(0, 60), summary.slice(-60)].map((probe) => count(chunks, probe) / occurrences(summary, probe)),
      );
      copies.set(id, count(paperCells.get(id) ?? [], summary) + inPassages);
    }
    return copies;
  } finally {
    store.close();
  }
}
