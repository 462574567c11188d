import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadQuestions } from "../../eval/evalQuestions.js";
import { corpusDays, writeCorpusDays, writeSampledCorpus } from "../../helpers/realCorpus.js";

/**
 * The libraries the benchmarks measure: `real` is ../shared/corpus as the bot would
 * fetch it (5,841 papers, ~11.4k passages); a number is that many passages resampled
 * from its sentences and titles (see realCorpus.ts).
 */
export type Size = "real" | number;

export function parseSizes(text: string): Size[] {
  return text.split(",").map((s) => (s.trim() === "real" ? "real" : Number(s.replace(/k$/i, "000").replace(/m$/i, "000000"))));
}

export const label = (size: Size) => (size === "real" ? "real corpus" : `${(size / 1000).toLocaleString("en-US")}k resampled`);

/** Writes the corpus's input files under `dir` and returns what to ingest. */
export async function writeCorpus(size: Size, dir: string): Promise<string[]> {
  if (size === "real") return [writeCorpusDays(join(dir, "days"))];
  return (await writeSampledCorpus(join(dir, "sampled"), { passages: size, seed: 11 })).files;
}

/**
 * Questions people ask of this corpus, each once: the eval's corpus questions, then
 * the AI summaries of real papers (paraphrases of abstracts, another author's words).
 */
export function benchQueries(count: number): string[] {
  const questions = loadQuestions()
    .filter((q) => q.library === "corpus")
    .map((q) => q.turns[0]!.question);
  const paraphrases = corpusDays().flatMap((day) => day.items.map((item) => item.paper?.ai_summary ?? "").filter(Boolean));
  return [...new Set([...questions, ...paraphrases])].slice(0, count);
}

/** Bytes under a folder (a local library), as `du -sb` counts them. */
export function bytesUnder(dir: string): number {
  return Number(spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0]);
}
