import MiniSearch from "minisearch";
import { normaliseTitle } from "../paper.js";
import type { PaperStore } from "../store/paperStore.js";

export interface TitleChoice {
  paperId: string;
  title: string;
}

/** How long a loaded title list is reused: autocomplete fires on every keystroke. */
const REFRESH_MS = 60_000;
/** What an empty box offers: Discord shows at most 25 choices. */
const NEWEST_SHOWN = 25;

/**
 * Title suggestions as the user types (prefix and typo tolerant), from an
 * in-memory index of the library's titles that is rebuilt at most once a minute.
 */
export function createTitleSuggester(store: PaperStore, now: () => number = Date.now) {
  let index: MiniSearch<{ id: string; title: string }> | undefined;
  let newest: TitleChoice[] = [];
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    const [rows, latest] = await Promise.all([store.paperTitles(), store.newestPapers({ datedOnly: true }, NEWEST_SHOWN)]);
    const next = new MiniSearch<{ id: string; title: string }>({
      fields: ["title"],
      storeFields: ["title"],
      processTerm: (t) => normaliseTitle(t) || null,
    });
    next.addAll(rows);
    index = next;
    newest = latest.map((p) => ({ paperId: p.id, title: p.title }));
    loadedAt = now();
  }

  return async function suggestTitles(typed: string, limit = 25): Promise<TitleChoice[]> {
    if (!index || now() - loadedAt > REFRESH_MS) await (loading ??= load().finally(() => (loading = undefined)));
    if (!typed.trim()) return newest.slice(0, limit);
    return index!
      .search(typed, { prefix: true, fuzzy: 0.2, combineWith: "AND" })
      .slice(0, limit)
      .map((r) => ({ paperId: String(r.id), title: String(r.title) }));
  };
}
