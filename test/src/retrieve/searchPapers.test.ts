import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Index } from "@lancedb/lancedb";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { UserFacingError } from "../../../src/errors.js";
import { createSearcher, type SearchFilters, type Searcher } from "../../../src/retrieve/searchPapers.js";
import { VECTOR_INDEX_MIN_ROWS } from "../../../src/store/indexes.js";
import { ChunkSearch } from "../../../src/store/chunkSearch.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { cosine } from "../../../src/text/vectors.js";
import { sampledPapers, toJsonl } from "../../helpers/realCorpus.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";

describe("hybrid search over a small library", () => {
  let search: Searcher["search"];
  let store: PaperStore | undefined;
  let dir = "";
  after(async () => {
    store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-search-"));
    const uri = join(dir, "db");
    const long = join(dir, "long.jsonl");
    const sentences = Array.from({ length: 25 }, (_, i) => `Step ${i} of the compiler pass rewrites loops for vector units.`).join(" ");
    await writeFile(
      long,
      `${JSON.stringify({ title: "Loopwise: Auto-Vectorising Compilers", summary: sentences, year: 2022, section: "Systems" })}\n`,
    );
    await ingestInto(uri, [fixture("pipeline/daily-page.txt"), fixture("pipeline/hf-daily.json"), fixture("pipeline/papers.jsonl"), long]);
    store = await PaperStore.open({ uri });
    search = createSearcher({ store, embeddings: new LocalEmbeddings() }).search;
  });

  test("given a paraphrased question, then the paper that answers it ranks first", async () => {
    const hits = await search("memory-efficient attention over very long legal contracts", { k: 3 });
    assert.match(hits[0]!.title, /^Lantern/);
    assert.equal(hits[0]!.rank, 1);
    assert.equal(hits[0]!.url, "https://arxiv.org/abs/2510.01234");
    assert.ok(hits[0]!.score > hits[1]!.score);
  });

  test("given a question matching many passages of one paper, then the paper appears once", async () => {
    const hits = await search("compiler pass rewrites loops for vector units", { k: 5 });
    assert.match(hits[0]!.title, /^Loopwise/);
    assert.ok(hits[0]!.passages.length >= 2, "several passages kept");
    assert.equal(new Set(hits.map((h) => h.paperId)).size, hits.length);
  });

  test("given filters, then only matching papers are returned", async () => {
    const byYear = await search("training", { k: 10, filters: { yearFrom: 2025, yearTo: 2025 } });
    assert.ok(byYear.length > 0 && byYear.every((h) => h.year === 2025), byYear.map((h) => `${h.title} ${h.year}`).join("; "));
    const bySection = await search("planning routes", { k: 10, filters: { section: "robotics" } });
    assert.deepEqual(
      bySection.map((h) => h.title.split(":")[0]),
      ["Compass"],
    );
    const bySource = await search("attention", { k: 10, filters: { source: "hf-daily-api" } });
    assert.deepEqual(bySource.map((h) => h.title.split(":")[0]).sort(), ["Lantern", "Tidal"]);
    const recent = await search("speech", { k: 10, filters: { publishedAfter: "2025-10-29" } });
    assert.ok(recent.every((h) => (h.paper.publishedAt ?? "") >= "2025-10-29"));
  });

  test("given a filter value with a quote, then it is matched literally, not as SQL", async () => {
    assert.deepEqual(await search("planning routes", { k: 10, filters: { section: "robotics' OR 'a' = 'a" } }), []);
    assert.deepEqual(await search("planning routes", { k: 10, filters: { paperIds: ["x') OR ('a' = 'a"] } }), []);
  });

  test("given punctuation and query operators in the question, then search still answers", async () => {
    const hits = await search(`what's "new" in (retrieval) for speech? AND OR NOT -x`, { k: 3 });
    assert.match(hits[0]!.title, /^Tidal/);
  });

  test("given preferred papers, then one that matches about as well as the best ranks first, and the others stay", async () => {
    const plain = await search("training", { k: 10 });
    assert.match(plain[0]!.title, /^Quiet Gradients/);
    const second = plain[1]!;
    assert.match(second.title, /^Seedling/);
    assert.ok(second.score >= 0.9 * plain[0]!.score, "close enough for a preference to decide");

    const preferred = await search("training", { k: 10, filters: { preferPaperIds: [second.paperId] } });
    assert.equal(preferred[0]!.paperId, second.paperId);
    assert.deepEqual(preferred.map((h) => h.paperId).sort(), plain.map((h) => h.paperId).sort(), "a preference removes nobody");
    assert.ok(preferred.every((h) => h.score <= 1));
  });

  test("given a preferred paper that matches far worse, then the best match still ranks first", async () => {
    const plain = await search("speech", { k: 10 });
    assert.match(plain[0]!.title, /^Tidal/);
    const far = plain.find((h) => h.title.startsWith("Lantern"))!;
    const preferred = await search("speech", { k: 10, filters: { preferPaperIds: [far.paperId] } });
    assert.match(preferred[0]!.title, /^Tidal/);
  });
});

describe("search kept to some papers", () => {
  let dir = "";
  let uri = "";
  let store: PaperStore;
  let search: Searcher["search"];
  const papers = sampledPapers(80, { seed: 5, sentencesPerPaper: 3 });
  /** The paper ids as ingest makes them, from a search for each title. */
  const idOf = new Map<string, string>();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-search-ids-"));
    uri = join(dir, "db");
    const file = join(dir, "papers.jsonl");
    await writeFile(file, toJsonl(papers));
    await ingestInto(uri, [file]);
    store = await PaperStore.open({ uri });
    search = createSearcher({ store, embeddings: new LocalEmbeddings() }).search;
    for (const p of papers.slice(0, 3)) idOf.set(p.title, (await search(p.title, { k: 1 }))[0]!.paperId);
  });
  after(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("given paper ids, then only those papers are returned, best first", async () => {
    const [a, b, c] = papers.map((p) => idOf.get(p.title)!);
    const hits = await search(papers[0]!.summary, { k: 10, filters: { paperIds: [b!, c!] } });
    assert.ok(hits.length > 0 && hits.every((h) => h.paperId === b || h.paperId === c), hits.map((h) => h.paperId).join(", "));
    const own = await search(papers[0]!.summary, { k: 10, filters: { paperIds: [a!, b!] } });
    assert.equal(own[0]!.paperId, a);
  });

  test("given paper ids and another filter, then both apply", async () => {
    const [a, b] = papers.map((p) => idOf.get(p.title)!);
    const year = (await search(papers[0]!.title, { k: 1 }))[0]!.year!;
    const latest = Math.max(year, (await search(papers[1]!.title, { k: 1 }))[0]!.year!);
    const hits = await search(papers[0]!.summary, { k: 10, filters: { paperIds: [a!, b!], yearFrom: latest + 1 } });
    assert.deepEqual(hits, []);
    const same = await search(papers[0]!.summary, { k: 10, filters: { paperIds: [a!, b!], yearFrom: year } });
    assert.equal(same[0]!.paperId, a);
  });

  test("given an empty list of paper ids, then nothing is found", async () => {
    assert.deepEqual(await search(papers[0]!.summary, { k: 10, filters: { paperIds: [] } }), []);
  });

  test("given a preferred paper that other papers crowd out of the candidates, then it is still found", async () => {
    const query = papers[0]!.summary;
    const plain = await search(query, { k: 100 });
    const absent = [...idOf.values()].find((id) => !plain.some((h) => h.paperId === id));
    assert.ok(absent, `some paper is not among the ${plain.length} found`);
    const preferred = await search(query, { k: 100, filters: { preferPaperIds: [absent] } });
    assert.ok(preferred.some((h) => h.paperId === absent));
    assert.equal(preferred[0]!.paperId, plain[0]!.paperId, "it does not outrank the paper the question quotes");
  });
});

describe("a searcher that stays open", () => {
  test("given papers ingested by another process after a search, then the next search finds them", async (t) => {
    const dir = await tempDir(t, "paperbot-search-live-");
    const uri = join(dir, "db");
    const first = join(dir, "first.jsonl");
    await writeFile(first, toJsonl(sampledPapers(20, { seed: 7, sentencesPerPaper: 3 })));
    await ingestInto(uri, [first]);
    const store = await PaperStore.open({ uri });
    t.after(() => store.close());
    const { search } = createSearcher({ store, embeddings: new LocalEmbeddings() });
    const question = "zebra migration across the serengeti grasslands";
    assert.ok(!(await search(question, { k: 3 })).some((h) => h.title.startsWith("Zebra Herds")));

    const later = join(dir, "later.jsonl");
    await writeFile(
      later,
      toJsonl([
        {
          title: "Zebra Herds: Tracking Migration Across the Serengeti",
          summary: "We track zebra migration across the Serengeti grasslands with collars.",
        },
      ]),
    );
    await ingestInto(uri, [later]);
    assert.match((await search(question, { k: 3 }))[0]!.title, /^Zebra Herds/);
  });
});

describe("a library written before passages carried their paper's record", () => {
  test("given such a library, then search and ingest ask for --reembed, and after it search works", async (t) => {
    const dir = await tempDir(t, "paperbot-search-old-");
    const uri = join(dir, "db");
    await ingestInto(uri, [fixture("pipeline/hf-daily.json")]);
    const old = await PaperStore.open({ uri });
    await old.chunks().dropColumns(["hit"]);
    old.close();

    const store = await PaperStore.open({ uri });
    t.after(() => store.close());
    const { search } = createSearcher({ store, embeddings: new LocalEmbeddings() });
    await assert.rejects(
      search("speech retrieval"),
      (e: unknown) => e instanceof UserFacingError && e.message.includes("npx paperbot ingest --reembed"),
    );
    await assert.rejects(
      ingestInto(uri, [fixture("pipeline/hf-daily.json")]),
      (e: unknown) => e instanceof UserFacingError && e.message.includes("--reembed"),
    );

    await ingestInto(uri, [fixture("pipeline/hf-daily.json")], { reembed: true });
    const rebuilt = await PaperStore.open({ uri });
    t.after(() => rebuilt.close());
    const hits = await createSearcher({ store: rebuilt, embeddings: new LocalEmbeddings() }).search("speech retrieval", { k: 1 });
    assert.match(hits[0]!.title, /^Tidal/);
  });
});

describe("a library whose full-text index an interrupted ingest never built", () => {
  async function withoutTextIndex(t: { after(fn: () => Promise<void>): void }): Promise<string> {
    const uri = join(await tempDir(t, "paperbot-search-noindex-"), "db");
    await ingestInto(uri, [fixture("pipeline/hf-daily.json"), fixture("pipeline/papers.jsonl")]);
    const store = await PaperStore.open({ uri });
    const chunks = store.chunks();
    for (const index of await chunks.listIndices()) if (index.columns.includes("text")) await chunks.dropIndex(index.name);
    assert.deepEqual(await store.unfinishedWork(), ["chunks: no full-text index"]);
    store.close();
    return uri;
  }

  test("given such a library, then search builds the index and answers", async (t) => {
    const uri = await withoutTextIndex(t);
    const store = await PaperStore.open({ uri });
    t.after(async () => store.close());
    const hits = await createSearcher({ store, embeddings: new LocalEmbeddings() }).search("speech retrieval", { k: 1 });
    assert.match(hits[0]!.title, /^Tidal/);
    assert.deepEqual(await store.unfinishedWork(), []);
  });

  test("given an ingest writing the library at that moment, then search says so instead of failing with LanceDB's message", async (t) => {
    const uri = await withoutTextIndex(t);
    const writer = await PaperStore.open({ uri });
    const store = await PaperStore.open({ uri });
    t.after(async () => {
      writer.close();
      store.close();
    });
    const lock = await writer.lockForWriting({ what: "ingest" });
    t.after(async () => lock?.release());
    await assert.rejects(
      createSearcher({ store, embeddings: new LocalEmbeddings() }).search("speech retrieval"),
      (e: unknown) =>
        e instanceof UserFacingError && /full-text index, which is missing.*An ingest is writing the library now/s.test(e.message),
    );
  });
});

/** The chunks table's vector index kind, as LanceDB lists it. */
async function vectorIndexType(store: PaperStore): Promise<string | undefined> {
  return (await store.chunks().listIndices()).find((i) => i.columns.includes("vector"))?.indexType;
}

/**
 * Each passage the vector side of a search finds (held in memory or not) carries the
 * cosine of the question's vector with one of its paper's stored passages, computed
 * here: the answerer compares similarities with thresholds calibrated on exact cosines,
 * which a quantised index's own distances are not (twice the cosine distance, or more).
 */
async function assertExactSimilarities(store: PaperStore, memoryChunks: number, questions: readonly string[]): Promise<void> {
  const embeddings = new LocalEmbeddings();
  const search = new ChunkSearch(store, memoryChunks);
  for (const question of questions) {
    const vector = embeddings.embedText(question);
    const [found] = await search.find({ vector, words: "" }, [{}], 20);
    assert.equal(found?.byVector.length, 20);
    const chunks = await store.findChunks(found!.byVector.map((h) => h.paperId));
    for (const hit of found!.byVector) {
      const cosines = chunks.filter((c) => c.paperId === hit.paperId).map((c) => cosine(vector, c.vector));
      assert.ok(
        cosines.some((c) => Math.abs(c - hit.similarity) < 1e-5),
        `${question}: a passage's similarity ${hit.similarity} is none of its paper's passages' cosines ${cosines.join(", ")}`,
      );
    }
  }
}

describe("search over a library big enough for a vector index (~10k chunks)", () => {
  const questions = sampledPapers(20, { seed: 99, sentencesPerPaper: 1 }).map((p) => p.summary);
  let dir = "";
  let uri = "";
  let file = "";
  let store: PaperStore | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-search-indexed-"));
    uri = join(dir, "db");
    file = join(dir, "generated.jsonl");
    await writeFile(file, toJsonl(sampledPapers(3_400, { seed: 11, sentencesPerPaper: 22 })));
    const summary = await ingestInto(uri, [file]);
    assert.ok(summary.chunks.written >= VECTOR_INDEX_MIN_ROWS, `${summary.chunks.written} chunks: too few for a vector index`);
    store = await PaperStore.open({ uri });
  });
  after(async () => {
    store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("given the library held in memory (as the bot holds it), then every search finds what the same search through LanceDB alone finds", async () => {
    const held = createSearcher({ store: store!, embeddings: new LocalEmbeddings(), memoryChunks: 50_000 });
    const notHeld = createSearcher({ store: store!, embeddings: new LocalEmbeddings(), memoryChunks: 0 });
    const year = (await notHeld.search(questions[0]!, { k: 1 }))[0]!.year!;
    const cases: [string, SearchFilters][] = [
      ...questions.map((q): [string, SearchFilters] => [q, {}]),
      [questions[1]!, { yearFrom: year, yearTo: year }],
    ];
    for (const [question, filters] of cases) {
      const [a, b] = await Promise.all([held.search(question, { k: 10, filters }), notHeld.search(question, { k: 10, filters })]);
      assert.equal(a.length, 10);
      assert.deepEqual(
        a.map((h) => [h.paperId, h.score, h.passages[0]]),
        b.map((h) => [h.paperId, h.score, h.passages[0]]),
        question,
      );
      if (filters.yearFrom) assert.ok(a.every((h) => h.year === year));
    }
  });

  test("given the library, then its vector index is quantised (IVF-RQ) and every hit's similarity is the exact cosine, held or not", async () => {
    assert.equal(await vectorIndexType(store!), "IvfRq");
    for (const memoryChunks of [50_000, 0]) await assertExactSimilarities(store!, memoryChunks, questions);
  });

  test(
    "given a library indexed before with IVF-flat, then it is searched as it is, and the next ingest of the same inputs " +
      "rebuilds the index as IVF-RQ without rewriting a row",
    async (t) => {
      const old = join(await tempDir(t, "paperbot-search-flat-"), "db");
      await cp(uri, old, { recursive: true });
      const flat = await PaperStore.open({ uri: old });
      t.after(() => flat.close());
      const rows = await flat.chunks().countRows();
      await flat.chunks().createIndex("vector", { config: Index.ivfFlat({ distanceType: "cosine", numPartitions: 10 }), replace: true });
      assert.equal(await vectorIndexType(flat), "IvfFlat");
      assert.deepEqual(await flat.unfinishedWork(), ["chunks: vector index is IvfFlat, not IvfRq"]);
      await assertExactSimilarities(flat, 0, questions);

      const again = await ingestInto(old, [file]);
      assert.equal(again.chunks.written, 0);
      const reopened = await PaperStore.open({ uri: old });
      t.after(() => reopened.close());
      assert.equal(await vectorIndexType(reopened), "IvfRq");
      assert.equal(await reopened.chunks().countRows(), rows);
      assert.deepEqual(await reopened.unfinishedWork(), []);
      await assertExactSimilarities(reopened, 0, questions);
    },
  );

  test("given papers ingested after the library was read into memory, then the next search finds them", async (t) => {
    const held = createSearcher({ store: store!, embeddings: new LocalEmbeddings(), memoryChunks: 50_000 });
    await held.prepare();
    const question = "zebra migration across the serengeti grasslands";
    assert.ok(!(await held.search(question, { k: 3 })).some((h) => h.title.startsWith("Zebra Herds")));

    const later = join(await tempDir(t, "paperbot-search-later-"), "later.jsonl");
    await writeFile(
      later,
      toJsonl([
        {
          title: "Zebra Herds: Tracking Migration Across the Serengeti",
          summary: "We track zebra migration across the Serengeti grasslands with collars.",
        },
      ]),
    );
    await ingestInto(uri, [later]);
    assert.match((await held.search(question, { k: 3 }))[0]!.title, /^Zebra Herds/);
  });
});

test("given a count spelled out in the question, then the paper that writes it short (1M, 7B) ranks first", async (t) => {
  const dir = await tempDir(t, "paperbot-search-counts-");
  const file = join(dir, "counts.jsonl");
  await writeFile(
    file,
    toJsonl([
      // Each pair differs in the count, and the other paper matches one more of the question's words.
      { title: "ClipBank-1M: Captioned Clips for Video Models", summary: "ClipBank holds 1M captioned clips gathered from stock footage." },
      {
        title: "ClipNest: A Captioned Clip Dataset for Video Models",
        summary: "ClipNest holds 40K captioned clips gathered from stock footage.",
      },
      { title: "Pocket-7B: A Chat Model", summary: "Pocket-7B is a chat model trained on curated dialogue." },
      { title: "Pocket-3B: A Chat Model with Open Parameters", summary: "Pocket-3B is a chat model trained on curated dialogue." },
    ]),
  );
  const uri = join(dir, "db");
  await ingestInto(uri, [file]);
  const store = await PaperStore.open({ uri });
  t.after(() => store.close());
  const { search } = createSearcher({ store, embeddings: new LocalEmbeddings() });
  assert.match((await search("a video dataset of a million captioned clips", { k: 2 }))[0]!.title, /^ClipBank-1M/);
  assert.match((await search("a chat model with 7 billion parameters", { k: 2 }))[0]!.title, /^Pocket-7B/);
});
