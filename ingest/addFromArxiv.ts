import { UserFacingError, errorMessage } from "../src/errors.js";
import type { Fetcher } from "../src/fetch/fetchText.js";
import { normaliseTitle, parseArxivId, type Paper } from "../src/paper.js";
import { findPaper } from "../src/retrieve/findPaper.js";
import type { PaperStore } from "../src/store/paperStore.js";
import { parseArxivAtom } from "./parsers/arxivAtom.js";
import { readInputs } from "./readInputs.js";
import { runIngest, type IngestDeps } from "./runIngest.js";

/**
 * A paper the library lacks, fetched from arXiv when someone asks for it by id:
 * through the one fetch path (timeouts, arXiv's spacing) and the one ingest (the
 * write lock, chunks, embeddings, indexes), so it is stored exactly as
 * `ingest <arXiv URL>` would store it. Asked again, even while the first fetch is
 * still running, it is found or awaited, never fetched twice. By title, arXiv's
 * title search finds its id first.
 */

export interface ArxivAdderDeps extends IngestDeps {
  fetcher: Fetcher;
  /** ARXIV_API_URL. */
  arxivApiUrl: string;
}

export interface Added {
  paper: Paper;
  /** false: the library had it already. */
  added: boolean;
}

export type ArxivAdder = (idOrUrl: string) => Promise<Added>;

/** Also by title: arXiv's title search, taken only when its best match is that title (case, punctuation aside). */
export interface ArxivAdders {
  byId: ArxivAdder;
  byTitle(title: string): Promise<Added>;
}

export function createArxivAdder(deps: ArxivAdderDeps): ArxivAdders {
  const inFlight = new Map<string, Promise<Added>>();
  const base = deps.arxivApiUrl.replace(/\/+$/, "");
  const query = (params: string) => `${base}${base.includes("?") ? "&" : "?"}${params}`;

  async function add(arxivId: string): Promise<Added> {
    const known = await inLibrary(deps.store, arxivId);
    if (known) return { paper: known, added: false };
    const url = query(`id_list=${encodeURIComponent(arxivId)}&max_results=1`);
    const { inputs, failed } = await readInputs([url], { fetcher: deps.fetcher });
    if (failed[0]) throw new UserFacingError(`Could not fetch arXiv ${arxivId}: ${failed[0].reason}`);
    const summary = await runIngest(inputs, deps, { format: "arxiv-atom" });
    const paper = await inLibrary(deps.store, arxivId);
    if (!paper) throw new UserFacingError(`arXiv has no paper ${arxivId}${summary.skipped[0] ? ` (${summary.skipped[0].reason})` : ""}.`);
    deps.logger.info({ arxivId, title: paper.title }, "paper fetched from arXiv and added to the library");
    return { paper, added: summary.papers.added + summary.papers.updated > 0 };
  }

  const byId: ArxivAdder = async (idOrUrl) => {
    const arxivId = parseArxivId(idOrUrl);
    if (!arxivId) throw new UserFacingError(`“${idOrUrl}” is not an arXiv id or arXiv URL.`);
    const running = inFlight.get(arxivId);
    if (running) return running;
    const adding = add(arxivId).finally(() => inFlight.delete(arxivId));
    inFlight.set(arxivId, adding);
    return adding;
  };

  async function byTitle(title: string): Promise<Added> {
    const known = await findPaper(deps.store, title);
    if ("paper" in known && normaliseTitle(known.paper.title) === normaliseTitle(title)) return { paper: known.paper, added: false };
    const url = query(`search_query=${encodeURIComponent(`ti:"${title.replace(/"/g, " ")}"`)}&max_results=${TITLE_CANDIDATES}`);
    const { text } = await deps.fetcher
      .text(url, { accept: "application/atom+xml", label: "arXiv title search" })
      .catch((error: unknown) => {
        throw new UserFacingError(`Could not search arXiv for “${title}”: ${errorMessage(error)}`);
      });
    const found = parseArxivAtom(text, { source: url, referenceDate: new Date() }).papers.map(({ paper }) => paper);
    const match = found.find((paper) => normaliseTitle(paper.title) === normaliseTitle(title) && paper.arxivId);
    if (!match?.arxivId)
      throw new UserFacingError(`arXiv has no paper titled “${title}”${found[0] ? ` (its closest is “${found[0].title}”)` : ""}.`);
    return byId(match.arxivId);
  }

  return { byId, byTitle };
}

/** Results of arXiv's title search looked through for the exact title. */
const TITLE_CANDIDATES = 5;

async function inLibrary(store: PaperStore, arxivId: string): Promise<Paper | undefined> {
  const found = await findPaper(store, arxivId);
  return "paper" in found ? found.paper : undefined;
}
