import { cp, rm } from "node:fs/promises";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { findPaper } from "../../../src/retrieve/findPaper.js";
import { createSearcher } from "../../../src/retrieve/searchPapers.js";
import { similarPapers } from "../../../src/retrieve/similarPapers.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { load, ms, percentile } from "./report.js";
import { timeInTurn, type Timed } from "./timeInTurn.js";

/** Papers looked up, spread over the library; the first few warm the files up. */
const PAPERS = 120;
const WARM_UP = 10;

/**
 * What the chunks table's btree on `paperId` changes, on a copy of the library at `uri`
 * with that index dropped, timed in turn with the library as built (the same papers,
 * the same host state): a paper's passages as an ingest reads them (findChunks), the
 * opening passages of ten papers (the newest papers' snippets), a search restricted to
 * three named papers (an answer comparing papers), and `similar` and `paper`, which
 * filter on no paper id (their figures should not move). Medians, printed.
 */
export async function measurePaperLookups(uri: string, memoryChunks: number): Promise<void> {
  const bare = `${uri}-without-paperId-index`;
  await rm(bare, { recursive: true, force: true });
  await cp(uri, bare, { recursive: true });
  const [indexed, unindexed] = await Promise.all([PaperStore.open({ uri }), PaperStore.open({ uri: bare })]);
  try {
    const index = (await unindexed.chunks().listIndices()).find((i) => i.columns.join() === "paperId");
    if (!index) throw new Error(`${uri} has no paperId index to compare with`);
    await unindexed.chunks().dropIndex(index.name);

    const titles = await indexed.paperTitles();
    const step = Math.max(1, Math.floor(titles.length / PAPERS));
    const picked = titles.filter((_, i) => i % step === 0).slice(0, PAPERS);
    const at = new Map(picked.map((t, i) => [t.id, i]));
    const around = (id: string, n: number) => Array.from({ length: n }, (_, j) => picked[(at.get(id)! + j) % picked.length]!.id);
    const arxivIds = new Map<string, string | undefined>();
    for (const t of picked) arxivIds.set(t.id, (await indexed.paperById(t.id))?.arxivId);

    const embeddings = new LocalEmbeddings();
    const runs: Record<string, Timed> = {};
    for (const [label, store] of [
      ["indexed", indexed],
      ["no index", unindexed],
    ] as const) {
      const searcher = createSearcher({ store, embeddings, memoryChunks });
      await searcher.prepare();
      const titleOf = new Map(picked.map((t) => [t.id, t.title]));
      runs[`a paper's passages (findChunks), ${label}`] = (id) => store.findChunks([id]);
      runs[`10 papers' opening passages, ${label}`] = (id) => store.openingChunks(around(id, 10));
      runs[`search in 3 named papers, ${label}`] = (id) =>
        searcher.search(titleOf.get(id)!, { k: 3, filters: { paperIds: around(id, 3) } });
      runs[`similar (no paperId filter), ${label}`] = async (id) => similarPapers(searcher, (await store.paperById(id))!, 5);
      runs[`paper by arXiv id (papers table), ${label}`] = (id) => findPaper(store, arxivIds.get(id) ?? titleOf.get(id)!);
    }
    const ids = picked.map((t) => t.id);
    const times = await timeInTurn(runs, ids.slice(WARM_UP), ids.slice(0, WARM_UP));
    console.log(`  paper look-ups with and without the chunks' paperId btree, ${ids.length - WARM_UP} papers, in turn   (${load()})`);
    const names = Object.keys(runs).filter((n) => n.endsWith(", indexed"));
    for (const name of names) {
      const what = name.slice(0, -", indexed".length);
      const [withIndex, without] = [times[name]!, times[`${what}, no index`]!];
      console.log(`    ${what.padEnd(40)} p50 ${ms(percentile(withIndex, 0.5))} with, ${ms(percentile(without, 0.5))} without`);
    }
  } finally {
    indexed.close();
    unindexed.close();
    await rm(bare, { recursive: true, force: true });
  }
}
