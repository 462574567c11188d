import MiniSearch from "minisearch";
import { normaliseTitle, parseArxivId, type Paper } from "../paper.js";
import type { PaperStore } from "../store/paperStore.js";

/**
 * Finds one paper from what a user typed: an arXiv id or URL, a title with any
 * case, punctuation or curly quotes, a fragment of one, or a title with typos.
 * When it cannot be sure, it says which titles were meant.
 */
export type FindResult = { paper: Paper } | { suggestions: string[] };

const SUGGESTIONS = 5;
/** The best fuzzy match must beat the next one by this factor to be taken as meant. */
const CLEAR_LEAD = 1.5;

export async function findPaper(store: PaperStore, query: string): Promise<FindResult> {
  const arxivId = parseArxivId(query);
  if (arxivId) {
    const paper = await store.paperByArxivId(arxivId);
    return paper ? { paper } : { suggestions: [] };
  }
  const key = normaliseTitle(query);
  const titles = await store.paperTitles();
  const load = async (id: string) => ({ paper: (await store.paperById(id))! });

  const exact = titles.find((t) => t.titleKey === key);
  if (exact) return load(exact.id);
  // A paper's short name before anything fuzzy: the title's lead ("BERT: Pre-training of …"), or its acronym ("DDPM").
  const named = await store.papersNamed(query);
  if (named.length === 1) return load(named[0]!);
  const containing = key.length >= 4 ? titles.filter((t) => ` ${t.titleKey} `.includes(` ${key} `)) : [];
  if (containing.length === 1) return load(containing[0]!.id);

  const index = new MiniSearch<{ id: string; title: string }>({
    fields: ["title"],
    storeFields: ["title"],
    processTerm: (t) => normaliseTitle(t) || null,
  });
  index.addAll(titles);
  const fuzzy = index.search(query, { fuzzy: 0.25, prefix: true, combineWith: "AND" });
  const [first, second] = fuzzy;
  if (first && containing.length === 0 && (!second || first.score >= second.score * CLEAR_LEAD)) return load(String(first.id));
  const loose =
    containing.length > 0 ? containing.map((t) => t.title) : index.search(query, { fuzzy: 0.25, prefix: true }).map((r) => String(r.title));
  return { suggestions: loose.slice(0, SUGGESTIONS) };
}
