import type { Table } from "@lancedb/lancedb";
import type { Paper } from "../paper.js";
import { listCell, type ListCell } from "./arrowRows.js";
import type { PaperRow } from "./schema.js";
import { filtersWhere, inListBatches, sqlIn, sqlString, type PaperFilters } from "./sql.js";
import { PAPER_CELLS, paperOf, type PaperCells } from "./storedRows.js";

/*
 * The look-ups that requests make of the library (a paper by id, the titles, the newest papers, a digest
 * day's papers, the opening passages, what each source contributed), as queries on the papers and chunks
 * tables. PaperStore calls them with its tables; an absent table (nothing ingested yet) finds nothing.
 */

export function paperById(papers: Table, id: string): Promise<Paper | undefined> {
  return firstPaper(papers, `id = ${sqlString(id)}`);
}

export function paperByArxivId(papers: Table, arxivId: string): Promise<Paper | undefined> {
  return firstPaper(papers, `arxivId = ${sqlString(arxivId)}`);
}

/**
 * Every paper's id, title and title key (normalised: see normaliseTitle), from three
 * small columns: what a look-up by title or the autocomplete searches among.
 */
export async function paperTitles(papers: Table): Promise<Pick<PaperRow, "id" | "title" | "titleKey">[]> {
  return (await papers.query().select(["id", "title", "titleKey"]).toArray()) as Pick<PaperRow, "id" | "title" | "titleKey">[];
}

/**
 * The papers a digest of `day` may hold: published from `since` to `day`, or on
 * the Hugging Face list of `day` whatever their publication date. The caller
 * picks the day's papers from these by their listing days.
 */
export function papersAround(papers: Table | undefined, day: string, since: string): Promise<Paper[]> {
  // `record` is a canonical paper's JSON, its `listedOn` days in one array: the pattern finds every paper
  // listed on `day` (and perhaps a few that merely mention the day later in the record).
  const listed = `record LIKE ${sqlString(`%"listedOn":[%"${day}"%`)}`;
  return paperRecords(papers, `(publishedAt >= ${sqlString(since)} AND publishedAt <= ${sqlString(day)}) OR ${listed}`);
}

/** The latest publication day on or before `day`, from one column. */
export async function latestPublication(papers: Table | undefined, day: string): Promise<string | undefined> {
  if (!papers) return undefined;
  const rows = (await papers
    .query()
    .select(["publishedAt"])
    .where(`publishedAt <= ${sqlString(day)}`)
    .toArray()) as { publishedAt: string }[];
  return rows.reduce<string | undefined>(
    (latest, row) => (latest === undefined || row.publishedAt > latest ? row.publishedAt : latest),
    undefined,
  );
}

/**
 * The one "recent papers" query (/recent, "what's new this week?", the title
 * autocomplete's empty box): the newest `limit` papers matching `filters` (every
 * paper when they restrict nothing), latest publication first, then most upvoted,
 * then by title. Sorted on small columns; only the kept records are read.
 */
export async function newestPapers(papers: Table, filters: PaperFilters, limit: number): Promise<Paper[]> {
  const query = papers.query().select(["id", "title", "publishedAt", "upvotes"]);
  if (limit <= 0) return [];
  const where = filtersWhere(filters, "id");
  const rows = (await (where ? query.where(where) : query).toArray()) as Pick<PaperRow, "id" | "title" | "publishedAt" | "upvotes">[];
  rows.sort(
    (a, b) =>
      (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") || (b.upvotes ?? 0) - (a.upvotes ?? 0) || a.title.localeCompare(b.title),
  );
  const ids = rows.slice(0, limit).map((r) => r.id);
  if (ids.length === 0) return [];
  const byId = new Map((await paperRecords(papers, sqlIn("id", ids))).map((p) => [p.id, p]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The opening passage (chunk 0, title line included) of each of these papers that has one, by paper id. */
export async function openingChunks(chunks: Table | undefined, paperIds: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (!chunks || paperIds.length === 0) return texts;
  for (const batch of inListBatches(paperIds)) {
    const rows = (await chunks
      .query()
      .select(["paperId", "text"])
      .where(`chunkIndex = 0 AND ${sqlIn("paperId", batch)}`)
      .toArray()) as { paperId: string; text: string }[];
    for (const row of rows) texts.set(row.paperId, row.text);
  }
  return texts;
}

/** How many papers each kind of source contributed (a paper seen on two kinds counts for both). */
export async function sourceCounts(papers: Table | undefined): Promise<Record<string, number>> {
  if (!papers) return {};
  const rows = await papers.query().select(["sourceKinds"]).toArray();
  const counts: Record<string, number> = {};
  for (const row of rows as { sourceKinds: ListCell<string> }[]) {
    for (const kind of listCell(row.sourceKinds)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

async function firstPaper(papers: Table, where: string): Promise<Paper | undefined> {
  return (await paperRecords(papers, where, 1))[0];
}

async function paperRecords(papers: Table | undefined, where: string, limit?: number): Promise<Paper[]> {
  if (!papers) return [];
  let query = papers.query().select(PAPER_CELLS).where(where);
  if (limit !== undefined) query = query.limit(limit);
  return ((await query.toArray()) as PaperCells[]).map(paperOf);
}
