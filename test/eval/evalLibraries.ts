import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ingestInto } from "../helpers/library.js";
import { PROJECT_ROOT, SEEDS } from "../helpers/paths.js";
import type { Library } from "./evalQuestions.js";

/**
 * The eval's two libraries, built with the real ingest: the seed pages, and the
 * real Hugging Face daily papers of ../shared/corpus less the papers held out of it
 * (corpus-outside-papers.json), which questions then name as "not in the library".
 * Re-running on the same folder answers from the ingest memo in about a second.
 */

export const CORPUS = join(PROJECT_ROOT, "..", "shared", "corpus", "hf-daily-2024-2025.jsonl.gz");
const HELD_OUT = join(PROJECT_ROOT, "test", "eval", "corpus-outside-papers.json");

interface DayLine {
  date: string;
  items: { paper?: { id?: string } }[];
}

/** The corpus as Hugging Face daily-papers responses, one file per listing day, without the held-out papers. */
function writeCorpusDays(dir: string): void {
  const heldOut = new Set((JSON.parse(readFileSync(HELD_OUT, "utf8")) as { arxivIds: string[] }).arxivIds);
  mkdirSync(dir, { recursive: true });
  for (const line of gunzipSync(readFileSync(CORPUS)).toString("utf8").split("\n")) {
    if (!line.trim()) continue;
    const day = JSON.parse(line) as DayLine;
    const items = day.items.filter((item) => !heldOut.has(item.paper?.id ?? ""));
    writeFileSync(join(dir, `${day.date}.json`), JSON.stringify(items));
  }
}

/** Builds (or brings up to date) the library's LanceDB folder under `root` and returns its URI. */
export async function buildLibrary(library: Library, root: string): Promise<string> {
  const uri = join(root, `${library}-db`);
  if (library === "seeds") {
    await ingestInto(uri, [SEEDS]);
  } else {
    const days = join(root, "corpus-days");
    writeCorpusDays(days);
    await ingestInto(uri, [days]);
  }
  return uri;
}
