import { UserFacingError } from "../src/errors.js";
import type { Fetcher } from "../src/fetch/fetchText.js";
import { parseArxivId, type Paper } from "../src/paper.js";
import { findPaper } from "../src/retrieve/findPaper.js";
import type { PaperStore } from "../src/store/paperStore.js";
import { readInputs } from "./readInputs.js";
import { runIngest, type IngestDeps } from "./runIngest.js";

/**
 * A paper the library lacks, fetched from arXiv when someone asks for it by id:
 * through the one fetch path (timeouts, arXiv's spacing) and the one ingest (the
 * write lock, chunks, embeddings, indexes), so it is stored exactly as
 * `ingest <arXiv URL>` would store it. Asked again, even while the first fetch is
 * still running, it is found or awaited, never fetched twice.
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

export function createArxivAdder(deps: ArxivAdderDeps): ArxivAdder {
  const inFlight = new Map<string, Promise<Added>>();

  async function add(arxivId: string): Promise<Added> {
    const known = await inLibrary(deps.store, arxivId);
    if (known) return { paper: known, added: false };
    const base = deps.arxivApiUrl.replace(/\/+$/, "");
    const url = `${base}${base.includes("?") ? "&" : "?"}id_list=${encodeURIComponent(arxivId)}&max_results=1`;
    const { inputs, failed } = await readInputs([url], { fetcher: deps.fetcher });
    if (failed[0]) throw new UserFacingError(`Could not fetch arXiv ${arxivId}: ${failed[0].reason}`);
    const summary = await runIngest(inputs, deps, { format: "arxiv-atom" });
    const paper = await inLibrary(deps.store, arxivId);
    if (!paper) throw new UserFacingError(`arXiv has no paper ${arxivId}${summary.skipped[0] ? ` (${summary.skipped[0].reason})` : ""}.`);
    deps.logger.info({ arxivId, title: paper.title }, "paper fetched from arXiv and added to the library");
    return { paper, added: summary.papers.added + summary.papers.updated > 0 };
  }

  return async (idOrUrl) => {
    const arxivId = parseArxivId(idOrUrl);
    if (!arxivId) throw new UserFacingError(`“${idOrUrl}” is not an arXiv id or arXiv URL.`);
    const running = inFlight.get(arxivId);
    if (running) return running;
    const adding = add(arxivId).finally(() => inFlight.delete(arxivId));
    inFlight.set(arxivId, adding);
    return adding;
  };
}

async function inLibrary(store: PaperStore, arxivId: string): Promise<Paper | undefined> {
  const found = await findPaper(store, arxivId);
  return "paper" in found ? found.paper : undefined;
}
