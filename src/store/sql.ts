/**
 * The one place a value is written into LanceDB's SQL. Callers outside src/store pass
 * typed filters (PaperFilters), never SQL: a value quoted here cannot end a string or
 * add a clause, whatever a user typed.
 */

/** A string literal: single quotes doubled, so a value is always read as one string. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function sqlIn(column: string, values: readonly string[]): string {
  return `${column} IN (${values.map(sqlString).join(", ")})`;
}

/** Ids per `IN (…)` list: a look-up of many papers goes in batches of this many. */
const IN_LIST_MAX = 500;

/** `values` cut into lists short enough for one `IN (…)` each. */
export function* inListBatches<T>(values: readonly T[]): Generator<T[]> {
  for (let i = 0; i < values.length; i += IN_LIST_MAX) yield values.slice(i, i + IN_LIST_MAX);
}

/**
 * Restrictions on a paper's filter columns, which the papers table and every chunk
 * row both carry, so the same filters apply to a search of the passages and to a
 * listing of the papers.
 */
export interface PaperFilters {
  yearFrom?: number;
  yearTo?: number;
  section?: string;
  /** A source kind: `daily-page`, `papers-list`, `hf-daily-api`, `arxiv`, `json`, `jsonl`. */
  source?: string;
  /** ISO dates, inclusive. */
  publishedAfter?: string;
  publishedBefore?: string;
  /** Only papers with a publication date: an undated paper cannot be among the newest. */
  datedOnly?: boolean;
  /** Only these papers (ids as in `PaperHit.paperId`); an empty list finds nothing. */
  paperIds?: readonly string[];
}

/**
 * The filters as a `where` clause, undefined when they restrict nothing. `idColumn`:
 * the papers table names a paper's id `id`, the chunks table `paperId`.
 */
export function filtersWhere(filters: PaperFilters = {}, idColumn: "paperId" | "id" = "paperId"): string | undefined {
  const clauses = columnClauses(filters);
  if (filters.paperIds) clauses.push(filters.paperIds.length > 0 ? sqlIn(idColumn, filters.paperIds) : "false");
  return clauses.length > 0 ? clauses.join(" AND ") : undefined;
}

/** Whether the filters restrict anything (an empty list of papers does). */
export function restricts(filters: PaperFilters): boolean {
  return filtersWhere(filters) !== undefined;
}

/** Whether the filters restrict anything besides the list of papers (a small library's search scans in memory only then). */
export function restrictsColumns(filters: PaperFilters): boolean {
  return columnClauses(filters).length > 0;
}

function columnClauses(filters: PaperFilters): string[] {
  const clauses: string[] = [];
  if (filters.yearFrom !== undefined) clauses.push(`year >= ${Math.trunc(filters.yearFrom)}`);
  if (filters.yearTo !== undefined) clauses.push(`year <= ${Math.trunc(filters.yearTo)}`);
  if (filters.section) clauses.push(`lower(section) = ${sqlString(filters.section.toLowerCase())}`);
  if (filters.source) clauses.push(`array_has(sourceKinds, ${sqlString(filters.source)})`);
  if (filters.publishedAfter) clauses.push(`publishedAt >= ${sqlString(filters.publishedAfter)}`);
  if (filters.publishedBefore) clauses.push(`publishedAt <= ${sqlString(filters.publishedBefore)}`);
  if (filters.datedOnly) clauses.push("publishedAt IS NOT NULL");
  return clauses;
}
