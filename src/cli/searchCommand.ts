import type { App } from "../app.js";
import { countFlag } from "./countFlag.js";
import { dateFlag } from "./dateFlag.js";
import { UserFacingError } from "../errors.js";
import { isYearInBounds, YEAR_BOUNDS } from "../paper.js";
import { PaperRetriever } from "../retrieve/paperRetriever.js";
import { createSearcher, type SearchFilters } from "../retrieve/searchPapers.js";

export interface SearchFlags {
  k: string;
  year?: string;
  section?: string;
  source?: string;
  after?: string;
  before?: string;
  json?: boolean;
}

/** `2023`, `2021..2023`, `2021..` or `..2023` → a year range, each year within YEAR_BOUNDS (as in ingested records). */
export function parseYearRange(text: string): Pick<SearchFilters, "yearFrom" | "yearTo"> {
  const m = /^(\d+)?(\.\.)?(\d+)?$/.exec(text.trim());
  const expected = `expected a year (2023) or a range (2021..2023, 2021.., ..2023) of years from ${YEAR_BOUNDS.min} to ${YEAR_BOUNDS.max}`;
  if (!m || (!m[1] && !m[3]) || (m[3] && !m[2])) throw new UserFacingError(`--year "${text}": ${expected}`);
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[2] ? (m[3] ? Number(m[3]) : undefined) : from;
  if ([from, to].some((year) => year !== undefined && !isYearInBounds(year))) throw new UserFacingError(`--year "${text}": ${expected}`);
  return { yearFrom: from, yearTo: to };
}

export async function searchCommand(app: App, query: string, flags: SearchFlags): Promise<void> {
  const k = countFlag("--k", flags.k, 100);
  const filters: SearchFilters = {
    ...(flags.year ? parseYearRange(flags.year) : {}),
    section: flags.section,
    source: flags.source,
    publishedAfter: flags.after === undefined ? undefined : dateFlag("--after", flags.after),
    publishedBefore: flags.before === undefined ? undefined : dateFlag("--before", flags.before),
  };
  const store = await app.openStore();
  try {
    const embedder = await app.embedder("search");
    await store.requireEmbedder(embedder);
    const retriever = new PaperRetriever({ searcher: createSearcher({ store, embeddings: embedder.embeddings }), k, filters });
    const hits = (await retriever.invoke(query)).map((d) => d.metadata);
    if (flags.json) {
      const results = hits.map(({ rank, paperId, title, score, snippet, url, year }) => ({
        rank,
        paperId,
        title,
        score,
        snippet,
        url: url ?? null,
        year: year ?? null,
      }));
      process.stdout.write(`${JSON.stringify({ results })}\n`);
      return;
    }
    if (hits.length === 0) {
      process.stdout.write("No papers matched.\n");
      return;
    }
    const lines = hits.map((h) =>
      [
        `${h.rank}. ${h.title}${h.year ? ` (${h.year})` : ""}  score ${h.score.toFixed(2)}`,
        h.snippet && `   ${h.snippet}`,
        h.url && `   ${h.url}`,
      ]
        .filter(Boolean)
        .join("\n"),
    );
    process.stdout.write(`${lines.join("\n\n")}\n`);
  } finally {
    store.close();
  }
}
