import MiniSearch from "minisearch";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { CANDIDATES, createSearcher } from "../../../src/retrieve/searchPapers.js";
import { nearestQuery } from "../../../src/store/chunkSearch.js";
import { vectorSettings } from "../../../src/store/indexes.js";
import { PaperStore, type StoreOptions } from "../../../src/store/paperStore.js";
import { wordsOnly } from "../../../src/text/words.js";
import { load, ms, percentile, seconds, thousands } from "./report.js";
import { timeInTurn, type Timed } from "./timeInTurn.js";

/** A BM25 index of every passage in JavaScript is only a fair peer while it fits in memory. */
const MINISEARCH_MAX_ROWS = 300_000;

export interface SearchFigures {
  held: number[];
  notHeld: number[];
  lanceOnly: number[];
  miniSearch: number[] | undefined;
}

const p = (xs: readonly number[]) => `p50 ${ms(percentile(xs, 0.5))}   p95 ${ms(percentile(xs, 0.95))}`;

/**
 * `search` (k=10) as the bot runs it, the library held in memory (SEARCH_MEMORY_MAX_CHUNKS
 * permitting any size here) and not held (as a one-shot CLI search, or the bot above the
 * setting); beside them, in turn on each query, the two LanceDB queries search makes and
 * nothing else; then a MiniSearch BM25 index of the same passages, as a peer.
 */
export async function measureSearch(
  store: StoreOptions,
  queries: readonly string[],
  warmUp: readonly string[],
  { holdUpTo = Infinity } = {},
): Promise<SearchFigures> {
  const library = await PaperStore.open(store);
  try {
    const embeddings = new LocalEmbeddings();
    const chunks = library.chunks();
    const rows = await chunks.countRows();
    const runs: Record<string, Timed> = {};
    if (rows <= holdUpTo) {
      const held = createSearcher({ store: library, embeddings, memoryChunks: rows });
      const loading = performance.now();
      await held.prepare();
      console.log(`  library held in memory: read in ${seconds(performance.now() - loading)}`);
      runs.held = (q) => held.search(q, { k: 10 });
    }
    const notHeld = createSearcher({ store: library, embeddings, memoryChunks: 0 });
    runs.notHeld = (q) => notHeld.search(q, { k: 10 });
    const settings = await vectorSettings(chunks, rows);
    runs.lanceOnly = async (q) => {
      const vector = embeddings.embedText(q);
      await Promise.all([
        chunks.query().fullTextSearch(wordsOnly(q)).limit(CANDIDATES).select(["_score"]).withRowId().toArrow(),
        nearestQuery(chunks, vector, settings, CANDIDATES).select(["_distance"]).withRowId().toArrow(),
      ]);
    };
    let miniSearch: Timed | undefined;
    if (rows <= MINISEARCH_MAX_ROWS) {
      const building = performance.now();
      const bm25 = new MiniSearch<{ id: number; text: string }>({ fields: ["text"], idField: "id" });
      let id = 0;
      for await (const batch of chunks.query().select(["text"])) {
        const texts = batch.getChild("text")!;
        const docs = Array.from({ length: batch.numRows }, (_, i) => ({ id: id++, text: texts.get(i) as string }));
        bm25.addAll(docs);
      }
      console.log(`  MiniSearch index of ${thousands(id)} passages built in ${seconds(performance.now() - building)}`);
      miniSearch = async (q) => bm25.search(q).slice(0, CANDIDATES);
    }
    const times: Record<string, number[] | undefined> = await timeInTurn(runs, queries, warmUp);
    // On its own pass, after: its garbage (every match of every word, scored) would land in the timings of whatever ran next.
    if (miniSearch) times.miniSearch = (await timeInTurn({ miniSearch }, queries, warmUp)).miniSearch;
    console.log(`  ${queries.length} searches, each query once per column, in turn   (${load()})`);
    if (times.held) console.log(`  search, library held in memory     ${p(times.held)}`);
    console.log(`  search, library not held           ${p(times.notHeld!)}`);
    console.log(
      `  its two LanceDB queries alone      ${p(times.lanceOnly!)}   (vector side at ${settings.probes} probes${settings.refineFactor ? `, refine factor ${settings.refineFactor}` : ""})`,
    );
    const base = percentile(times.lanceOnly!, 0.5);
    const ratio = (xs: number[] | undefined) => (xs ? `${(percentile(xs, 0.5) / base).toFixed(2)}×` : "–");
    console.log(`  search / its LanceDB queries, p50: held ${ratio(times.held)}, not held ${ratio(times.notHeld)}   (floor ≤ 1.3×)`);
    if (times.miniSearch) console.log(`  MiniSearch BM25 (text only, peer)  ${p(times.miniSearch)}`);
    return { held: times.held ?? [], notHeld: times.notHeld!, lanceOnly: times.lanceOnly!, miniSearch: times.miniSearch };
  } finally {
    library.close();
  }
}
