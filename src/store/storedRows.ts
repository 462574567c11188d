import type { Paper } from "../paper.js";

/**
 * How a paper's texts are laid out in the two tables, so that its summary is stored
 * twice at most: once whole, in the papers table's `summary` column, and once cut
 * into passages, in the chunks table's `text` column. Every other place that would
 * repeat it (the paper's record, each source's record, what a search reads back for
 * a passage) leaves it out and gets it back from those two columns. Writers build
 * their cells and readers parse them here, and nowhere else.
 *
 * Rows written before this layout (up to paperbot da3ba4c) carry the summary in each
 * of those places; they are read as they are, and take this layout when they are
 * rewritten (the paper changes, or `ingest --reembed`).
 */

/** The paper's `record` cell: the whole Paper as JSON, its summary left out. */
export function recordCell(paper: Paper): string {
  return JSON.stringify({ ...paper, summary: "" });
}

/**
 * The paper's `sourceRecords` cell: each source's record as read, a summary equal
 * to the paper's held as null (in its place, so that key order is kept). A source
 * whose summary differs (a shorter abstract that lost the merge) keeps its own: it
 * is another text, and the next merge needs it.
 */
export function sourceRecordsCell(records: readonly Paper[], summary: string): string {
  return JSON.stringify(records.map((r) => (summary !== "" && r.summary === summary ? { ...r, summary: null } : r)));
}

/** The stored columns a paper is read back from. */
export const PAPER_CELLS = ["summary", "record"];

export interface PaperCells {
  summary: string;
  record: string;
}

/** The Paper of a papers row (either layout). */
export function paperOf(row: PaperCells): Paper {
  return { ...(JSON.parse(row.record) as Paper), summary: row.summary };
}

/** Each source's record of a papers row (either layout). */
export function sourceRecordsOf(row: { summary: string; sourceRecords: string }): Paper[] {
  return (JSON.parse(row.sourceRecords) as (Omit<Paper, "summary"> & { summary: string | null })[]).map((r) => ({
    ...r,
    summary: r.summary ?? row.summary,
  }));
}

/**
 * A chunk's `hit` cell, what a search reads back for the passage besides its text:
 * `[paperId, record]`, the record without its summary (the passages are the summary).
 * `record`: the paper's recordCell, when the caller has it already.
 */
export function hitCell(paper: Paper, record = recordCell(paper)): string {
  return JSON.stringify([paper.id, record]);
}

/**
 * A chunk's paper id, text and paper record (JSON, summary ""), from its `hit` and
 * `text` cells. A row written before this layout holds `[paperId, text, record]` in
 * its hit, and its text column is then not needed.
 */
export function parseHit(hit: string, text: () => string): [paperId: string, text: string, record: string] {
  const cell = JSON.parse(hit) as [string, string] | [string, string, string];
  return cell.length === 3 ? cell : [cell[0], text(), cell[1]];
}
