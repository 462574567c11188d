import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { chunkPaper } from "../../ingest/chunkPaper.js";
import { tempDir } from "./paths.js";
import { corpusDays, sampledPapers, writeSampledCorpus } from "./realCorpus.js";

const words = (texts: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { distinct: counts.size, once: [...counts.values()].filter((c) => c === 1).length };
};

test("given a seed, then the same papers every time, and another seed gives other titles", () => {
  assert.deepEqual(sampledPapers(50, { seed: 3 }), sampledPapers(50, { seed: 3 }));
  const other = new Set(sampledPapers(50, { seed: 4 }).map((p) => p.title));
  assert.ok(sampledPapers(50, { seed: 3 }).every((p) => !other.has(p.title)));
});

test("given many resampled papers, then their titles are distinct", () => {
  const titles = sampledPapers(20_000, { seed: 1, sentencesPerPaper: 1 }).map((p) => p.title.toLowerCase());
  assert.equal(new Set(titles).size, titles.length);
});

test("given resampled text as long as 1,000 real abstracts, then its vocabulary has a real long tail", () => {
  const real = corpusDays()
    .flatMap((d) => d.items.map((i) => i.paper?.summary ?? ""))
    .filter(Boolean)
    .slice(0, 1_000);
  const sampled = sampledPapers(1_000, { seed: 2 }).map((p) => p.summary);
  const [r, s] = [words(real), words(sampled)];
  // The synthetic generator this replaced had 3,458 distinct words in text this long, 22 of them seen once.
  assert.ok(s.distinct > 0.8 * r.distinct, `${s.distinct} distinct words, real text ${r.distinct}`);
  assert.ok(s.once > 0.6 * r.once, `${s.once} words seen once, real text ${r.once}`);
});

test("given a number of passages, then the files written hold papers that ingest chunks into that many", async (t) => {
  const dir = await tempDir(t);
  const written = await writeSampledCorpus(join(dir, "corpus"), { passages: 3_000, seed: 5, papersPerFile: 500 });
  assert.ok(written.passages >= 3_000 && written.passages < 3_010, String(written.passages));
  assert.equal(written.files.length, Math.ceil(written.papers / 500));
  let chunks = 0;
  for (const file of written.files) {
    for (const line of (await readFile(file, "utf8")).trim().split("\n"))
      chunks += (await chunkPaper(JSON.parse(line) as { title: string; summary: string })).length;
  }
  assert.equal(chunks, written.passages);
});
