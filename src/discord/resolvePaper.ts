import { UserFacingError } from "../errors.js";
import type { Added, ArxivAdder } from "../../ingest/addFromArxiv.js";
import { parseArxivId } from "../paper.js";
import { findPaper } from "../retrieve/findPaper.js";
import type { PaperStore } from "../store/paperStore.js";
import { escapeForDiscord } from "./discordText.js";

/**
 * The paper a user meant: an id picked from autocomplete, an arXiv id or URL,
 * or a (fuzzy) title. An arXiv id the library lacks is fetched when `fetchMissing`
 * is given (`added` then says so). Otherwise a UserFacingError with "did you mean" titles.
 */
export async function resolvePaper(store: PaperStore, query: string, fetchMissing?: ArxivAdder): Promise<Added> {
  const byId = await store.paperById(query);
  if (byId) return { paper: byId, added: false };
  const found = await findPaper(store, query);
  if ("paper" in found) return { paper: found.paper, added: false };
  if (fetchMissing && parseArxivId(query)) return fetchMissing(query);
  const hint =
    found.suggestions.length > 0 ? `\nDid you mean:\n${found.suggestions.map((t) => `• ${escapeForDiscord(t)}`).join("\n")}` : "";
  throw new UserFacingError(`No paper in the library matches “${escapeForDiscord(query)}”.${hint}`);
}
