import { once } from "node:events";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { chunkPaper } from "../../ingest/chunkPaper.js";
import { normaliseTitle } from "../../src/paper.js";
import { PROJECT_ROOT } from "./paths.js";

/**
 * Text for tests and benchmarks from ../shared/corpus: 5,841 real Hugging Face daily
 * papers (see its README). Either as is (one HF daily-papers response per listing
 * day, the bot's real input), or resampled: papers of any number made of the real
 * abstracts' sentences and the real titles' halves, so that word frequencies, the long
 * tail of rare words and sentence lengths are those of real abstracts. Synthetic words
 * flattered every figure that depends on text (embedding, BM25, vector recall). The
 * same seed gives the same papers.
 */

export const CORPUS = join(PROJECT_ROOT, "..", "shared", "corpus", "hf-daily-2024-2025.jsonl.gz");

/** One line of the corpus: a listing day and its `GET /api/daily_papers` items (trimmed). */
export interface CorpusDay {
  date: string;
  items: CorpusItem[];
}

export interface CorpusItem {
  paper?: {
    id?: string;
    title?: string;
    summary?: string;
    authors?: { name?: string }[];
    publishedAt?: string;
    upvotes?: number;
    ai_summary?: string;
    ai_keywords?: string[];
  };
  publishedAt?: string;
}

let days: CorpusDay[] | undefined;
/** The corpus's days, read once per process (~15 MB of JSON). */
export function corpusDays(): readonly CorpusDay[] {
  days ??= gunzipSync(readFileSync(CORPUS))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CorpusDay);
  return days;
}

/**
 * The corpus as the bot would fetch it: one HF daily-papers response per listing day
 * in `dir`, less the papers whose arXiv ids are in `without`. Returns the files' folder.
 */
export function writeCorpusDays(dir: string, { without = new Set<string>() }: { without?: ReadonlySet<string> } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const day of corpusDays()) {
    writeFileSync(join(dir, `${day.date}.json`), JSON.stringify(day.items.filter((item) => !without.has(item.paper?.id ?? ""))));
  }
  return dir;
}

/** A paper record in the project's JSON Lines format (see ingest/parsers/jsonRecords.ts). */
export interface SampledPaper {
  title: string;
  summary: string;
  authors: string[];
  publishedAt: string;
  upvotes: number;
  aiSummary?: string;
  keywords?: string[];
}

interface Pool {
  /** Every distinct real paper once, as a profile to copy lengths and metadata from. */
  papers: { sentences: number; authors: string[]; publishedAt: string; upvotes: number; aiSummary?: string; keywords?: string[] }[];
  sentences: string[];
  heads: string[];
  tails: string[];
}

const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z0-9(])/;
const space = (text: string) => text.replace(/\s+/g, " ").trim();

let pool: Pool | undefined;
function realPool(): Pool {
  if (pool) return pool;
  const seen = new Set<string>();
  const built: Pool = { papers: [], sentences: [], heads: [], tails: [] };
  // Distinct halves (as ingest compares titles): many titles end alike ("…: Technical Report").
  const heads = new Map<string, string>();
  const tails = new Map<string, string>();
  for (const day of corpusDays()) {
    for (const { paper, publishedAt } of day.items) {
      if (!paper?.id || !paper.title || !paper.summary || seen.has(paper.id)) continue;
      seen.add(paper.id);
      const sentences = space(paper.summary).split(SENTENCE_END);
      built.sentences.push(...sentences);
      const [head, tail] = halves(space(paper.title));
      heads.set(normaliseTitle(head), head);
      tails.set(normaliseTitle(tail), tail);
      built.papers.push({
        sentences: sentences.length,
        authors: (paper.authors ?? []).map((a) => a.name ?? "").filter(Boolean),
        publishedAt: (paper.publishedAt ?? publishedAt ?? "2025-01-01").slice(0, 10),
        upvotes: paper.upvotes ?? 0,
        ...(paper.ai_summary ? { aiSummary: paper.ai_summary } : {}),
        ...(paper.ai_keywords?.length ? { keywords: paper.ai_keywords } : {}),
      });
    }
  }
  built.heads = [...heads.values()];
  built.tails = [...tails.values()];
  pool = built;
  return built;
}

/** "Name: what it does" splits at the colon; other titles at their middle word. */
function halves(title: string): [string, string] {
  const colon = title.indexOf(": ");
  if (colon > 0) return [title.slice(0, colon + 1), title.slice(colon + 2)];
  const words = title.split(" ");
  const mid = Math.max(1, Math.floor(words.length / 2));
  return [words.slice(0, mid).join(" "), words.slice(mid).join(" ")];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface SampleOptions {
  seed?: number;
  /** Sentences per summary; by default that of a real paper drawn at random (8 on average, ~2 passages). */
  sentencesPerPaper?: number;
}

/**
 * Resampled papers, one at a time (a million need not be held at once). Paper i's
 * title joins one real title's first half to another's second half; the pairs are
 * distinct for the first ~5,800² papers of a seed. Its summary is real sentences
 * drawn at random; its authors, dates, votes, AI summary and keywords are a real
 * paper's.
 */
export function* samplePapers({ seed = 1, sentencesPerPaper }: SampleOptions = {}): Generator<SampledPaper> {
  const { papers, sentences, heads, tails } = realPool();
  const random = rng(seed);
  // Seeded offsets, so that two seeds give different titles.
  const headShift = Math.floor(random() * heads.length);
  const tailShift = Math.floor(random() * tails.length);
  for (let i = 0; ; i++) {
    // Paper i pairs head h with tail h + k: no pair repeats within heads × tails papers.
    const h = (i + headShift) % heads.length;
    const k = Math.floor(i / heads.length);
    const head = heads[h]!;
    const tail = tails[(h + k + tailShift) % tails.length]!;
    const profile = papers[Math.floor(random() * papers.length)]!;
    const count = sentencesPerPaper ?? profile.sentences;
    const summary = Array.from({ length: count }, () => sentences[Math.floor(random() * sentences.length)]!).join(" ");
    const { sentences: _, ...meta } = profile;
    yield { title: `${head} ${tail}`, summary, ...meta };
  }
}

/** The first `count` papers of `samplePapers(options)`. */
export function sampledPapers(count: number, options: SampleOptions = {}): SampledPaper[] {
  const out: SampledPaper[] = [];
  for (const paper of samplePapers(options)) {
    if (out.length === count) break;
    out.push(paper);
  }
  return out;
}

/**
 * Writes resampled papers as JSON Lines files in `dir` until they make `passages`
 * passages as ingest chunks them, streaming: a million passages are ~1 GB of JSON,
 * more than one string can hold, so each file gets at most `papersPerFile` papers.
 */
export async function writeSampledCorpus(
  dir: string,
  { passages, papersPerFile = 50_000, ...options }: SampleOptions & { passages: number; papersPerFile?: number },
): Promise<{ files: string[]; papers: number; passages: number }> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let out: WriteStream | undefined;
  const close = async () => {
    if (!out) return;
    out.end();
    await once(out, "finish");
    out = undefined;
  };
  let papers = 0;
  let chunks = 0;
  for (const paper of samplePapers(options)) {
    if (chunks >= passages) break;
    if (papers % papersPerFile === 0) {
      await close();
      files.push(join(dir, `sampled-${String(files.length).padStart(3, "0")}.jsonl`));
      out = createWriteStream(files.at(-1)!);
    }
    chunks += (await chunkPaper(paper)).length;
    papers++;
    if (!out!.write(`${JSON.stringify(paper)}\n`)) await once(out!, "drain");
  }
  await close();
  return { files, papers, passages: chunks };
}

export function toJsonl(papers: readonly object[]): string {
  return `${papers.map((p) => JSON.stringify(p)).join("\n")}\n`;
}
