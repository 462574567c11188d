/**
 * `npm run eval`: the question set in test/eval/questions.json (written from the
 * seed papers alone) against a library ingested from ../shared/seeds.
 *
 * Prints, for hybrid search (both fusions) and for a plain BM25 baseline
 * (MiniSearch over title + summary) in the same run: hit@1, hit@5, MRR@10; then,
 * for `ask` (extractive, the embedded default): refusal precision and recall,
 * answerable questions wrongly refused, and the share of answers citing the right paper.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import MiniSearch from "minisearch";
import { createAnswerer } from "../../src/answer/createAnswerer.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { normaliseTitle, type Paper } from "../../src/paper.js";
import { createSearcher, type Fusion } from "../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { ingestInto } from "../helpers/library.js";
import { PROJECT_ROOT, SEEDS } from "../helpers/paths.js";

interface Question {
  id: string;
  kind: "paraphrase" | "number" | "title" | "compare" | "outside";
  question: string;
  expected: string[];
}

const questions = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "eval", "questions.json"), "utf8")) as Question[];
const answerable = questions.filter((q) => q.kind !== "outside");
const outside = questions.filter((q) => q.kind === "outside");

/** 1-based rank of the first expected paper among ranked titles, or undefined. */
function firstHit(q: Question, titles: string[]): number | undefined {
  const wanted = new Set(q.expected.map(normaliseTitle));
  const i = titles.findIndex((t) => wanted.has(normaliseTitle(t)));
  return i >= 0 ? i + 1 : undefined;
}

interface Metrics {
  hit1: number;
  hit5: number;
  mrr10: number;
}

function metrics(ranks: (number | undefined)[]): Metrics {
  const n = ranks.length;
  return {
    hit1: ranks.filter((r) => r === 1).length / n,
    hit5: ranks.filter((r) => r !== undefined && r <= 5).length / n,
    mrr10: ranks.reduce<number>((sum, r) => sum + (r !== undefined && r <= 10 ? 1 / r : 0), 0) / n,
  };
}

const fmt = (m: Metrics) => `hit@1 ${m.hit1.toFixed(3)}   hit@5 ${m.hit5.toFixed(3)}   MRR@10 ${m.mrr10.toFixed(3)}`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const dir = await mkdtemp(join(tmpdir(), "paperbot-eval-"));
try {
  const uri = join(dir, "db");
  await ingestInto(uri, [SEEDS]);
  const store = await PaperStore.open({ uri });
  const embeddings = new LocalEmbeddings();

  console.log(`questions: ${questions.length} (${answerable.length} answerable, ${outside.length} outside the library)\n`);
  console.log("== search (answerable questions, top 10) ==");
  const results: Record<string, Metrics> = {};
  const misses: string[] = [];
  for (const fusion of ["relative", "rrf"] satisfies Fusion[]) {
    const searcher = createSearcher({ store, embeddings, fusion });
    const ranks: (number | undefined)[] = [];
    for (const q of answerable) {
      const rank = firstHit(q, (await searcher.search(q.question, { k: 10 })).map((h) => h.title));
      ranks.push(rank);
      if (fusion === "relative" && rank !== 1) misses.push(`${q.id} (${q.kind}) rank ${rank ?? ">10"}`);
    }
    results[fusion] = metrics(ranks);
    console.log(`hybrid, ${fusion === "rrf" ? "reciprocal-rank fusion" : "relative score fusion (default)"}`.padEnd(48), fmt(results[fusion]!));
  }

  const papers = (await store.allPapers()).map((row) => JSON.parse(row.record) as Paper);
  const bm25 = new MiniSearch<Paper>({ fields: ["title", "summary"], storeFields: ["title"], idField: "id" });
  bm25.addAll(papers);
  const bm25Ranks = answerable.map((q) => firstHit(q, bm25.search(q.question).slice(0, 10).map((r) => String(r.title))));
  const bm25Misses = answerable.flatMap((q, i) => (bm25Ranks[i] === 1 ? [] : [`${q.id} rank ${bm25Ranks[i] ?? ">10"}`]));
  results.bm25 = metrics(bm25Ranks);
  console.log("plain BM25 baseline (MiniSearch, title + summary)".padEnd(48), fmt(results.bm25));

  console.log("\n== ask (extractive, the default without an API key) ==");
  const answerer = createAnswerer({ searcher: createSearcher({ store, embeddings }), embeddings });
  let refusedOutside = 0;
  let refusedAnswerable = 0;
  let citesRight = 0;
  const askMisses: string[] = [];
  for (const q of questions) {
    const answer = await answerer.answer(q.question);
    if (q.kind === "outside") {
      if (!answer.grounded) refusedOutside++;
      else askMisses.push(`${q.id} answered (cited ${answer.citations.map((c) => c.title.slice(0, 40)).join("; ")})`);
      continue;
    }
    if (!answer.grounded) {
      refusedAnswerable++;
      askMisses.push(`${q.id} (${q.kind}) refused`);
      continue;
    }
    if (firstHit(q, answer.citations.map((c) => c.title)) !== undefined) citesRight++;
    else askMisses.push(`${q.id} (${q.kind}) cited ${answer.citations.map((c) => c.title.slice(0, 40)).join("; ")}`);
  }
  const refused = refusedOutside + refusedAnswerable;
  console.log(`refusal precision ${refused ? pct(refusedOutside / refused) : "n/a"}   refusal recall ${pct(refusedOutside / outside.length)} (floor ≥ 80%)`);
  console.log(`answerable wrongly refused ${pct(refusedAnswerable / answerable.length)} (floor ≤ 5%)`);
  console.log(`answers citing the right paper ${pct(citesRight / answerable.length)} of answerable questions`);

  const floors = results.relative!;
  const vs = (name: keyof Metrics) => {
    const d = floors[name] - results.bm25![name];
    return `${name} ${d > 0 ? "+" : ""}${d.toFixed(3)}`;
  };
  console.log(`\nfloors: hit@5 ${floors.hit5.toFixed(3)} (≥ 0.90), hit@1 ${floors.hit1.toFixed(3)} (≥ 0.70)`);
  console.log(`hybrid minus BM25: ${vs("hit1")}, ${vs("hit5")}, ${vs("mrr10")}`);
  if (process.argv.includes("--verbose")) {
    console.log(`\nhybrid not at rank 1: ${misses.join(", ") || "none"}`);
    console.log(`BM25 not at rank 1: ${bm25Misses.join(", ") || "none"}`);
    console.log(`ask misses: ${askMisses.join("\n  ") || "none"}`);
  }
  store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
