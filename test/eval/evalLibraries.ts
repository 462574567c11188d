import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ingestInto } from "../helpers/library.js";
import { PROJECT_ROOT, SEEDS } from "../helpers/paths.js";
import { writeCorpusDays } from "../helpers/realCorpus.js";
import type { Library } from "./evalQuestions.js";

/**
 * The eval's two libraries, built with the real ingest: the seed pages, and the
 * real Hugging Face daily papers of ../shared/corpus less the papers held out of it
 * (corpus-outside-papers.json), which questions then name as "not in the library".
 * Re-running on the same folder answers from the ingest memo in about a second.
 */

const HELD_OUT = join(PROJECT_ROOT, "test", "eval", "corpus-outside-papers.json");

/** Builds (or brings up to date) the library's LanceDB folder under `root` and returns its URI. */
export async function buildLibrary(library: Library, root: string): Promise<string> {
  const uri = join(root, `${library}-db`);
  if (library === "seeds") {
    await ingestInto(uri, [SEEDS]);
  } else {
    const heldOut = new Set((JSON.parse(readFileSync(HELD_OUT, "utf8")) as { arxivIds: string[] }).arxivIds);
    await ingestInto(uri, [writeCorpusDays(join(root, "corpus-days"), { without: heldOut })]);
  }
  return uri;
}
