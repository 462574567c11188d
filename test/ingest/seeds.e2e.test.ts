import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseDailyPapersPage } from "../../ingest/parsers/dailyPapersPage.js";
import { normaliseTitle } from "../../src/paper.js";
import { readLibrary } from "../helpers/library.js";
import { SEEDS, tempDir } from "../helpers/paths.js";
import { runCli } from "../helpers/runCli.js";

/** Seed-scale end to end: the real seed pages through the real CLI into a real library on disk. */
test("seed-scale e2e: given the four seed files, then every paper is stored once, search finds ELECTRA, and a second run changes nothing", async (t) => {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db") };
  const first = await runCli(["ingest", SEEDS, "--json"], { cwd: dir, env });
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout) as { papers: { added: number }; skipped: { source: string; reason: string }[] };
  // Only the intro bullet of the Papers List is skipped: the seeds' README is the folder's notes, passed over.
  assert.deepEqual(summary.skipped.map((s) => s.source).sort(), ["003_306946533a2bbb04.txt"]);

  const { papers, chunks } = await readLibrary(env.LANCEDB_URI);
  const withSummary = papers.filter((p) => p.summary);
  // 160 daily entries (148 distinct titles) + 272 Papers List summaries − 3 papers on both.
  assert.ok(withSummary.length >= 417, `${withSummary.length} papers with a summary`);
  assert.ok(papers.length - withSummary.length >= 660, "contents-only titles are papers too");
  assert.equal(new Set(papers.map((p) => normaliseTitle(p.title))).size, papers.length, "no title stored twice");
  assert.equal(new Set(chunks.map((c) => c.id)).size, chunks.length);

  const junk = papers.filter((p) => p.title.length < 4 || /^[-.–]|\\\(|\$\$|^class\.$|^L2$/.test(p.title));
  assert.deepEqual(
    junk.map((p) => p.title),
    [],
  );

  const contentsOnly = papers.find((p) => p.title === "Momentum Contrast for Unsupervised Visual Representation Learning");
  assert.ok(contentsOnly, "a contents-only title is known");
  assert.equal(contentsOnly.section, "Computer Vision");
  assert.equal(contentsOnly.year, 2020);

  const keys = new Map(papers.map((p) => [normaliseTitle(p.title), p]));
  for (const file of (await readdir(SEEDS)).filter((f) => /^00[0-2]_/.test(f))) {
    const page = parseDailyPapersPage(await readFile(join(SEEDS, file), "utf8"), { source: file, referenceDate: new Date() });
    for (const { paper } of page.papers) {
      const stored = keys.get(normaliseTitle(paper.title));
      assert.ok(stored?.sources.includes(`daily-page:${file}`), `${paper.title} from ${file} is stored with its source`);
    }
  }
  const electra = papers.find((p) => p.title.startsWith("ELECTRA"));
  assert.deepEqual(
    electra?.sources.map((s) => s.split(":")[0]),
    ["daily-page", "papers-list"],
  );

  const question = "which pre-training method trains a discriminator to spot tokens swapped in by a small generator?";
  const search = await runCli(["search", question, "--k", "5", "--json"], { cwd: dir, env });
  assert.equal(search.code, 0, search.stderr);
  const { results } = JSON.parse(search.stdout) as {
    results: { rank: number; paperId: string; title: string; score: number; snippet: string; url: string | null; year: number | null }[];
  };
  assert.match(results[0]!.title, /^ELECTRA/);
  assert.deepEqual(Object.keys(results[0]!).sort(), ["paperId", "rank", "score", "snippet", "title", "url", "year"]);
  assert.deepEqual(
    results.map((r) => r.rank),
    [1, 2, 3, 4, 5],
  );
  assert.equal(new Set(results.map((r) => r.paperId)).size, 5, "each paper once");
  const ask = await runCli(["ask", question, "--json"], { cwd: dir, env });
  assert.equal(ask.code, 0, ask.stderr);
  const answer = JSON.parse(ask.stdout) as { answer: string; citations: { n: number; title: string }[]; grounded: boolean; mode: string };
  assert.equal(answer.grounded, true);
  assert.equal(answer.mode, "extractive");
  assert.match(answer.citations[0]!.title, /^ELECTRA/);
  const stored = new Set(papers.map((p) => p.title));
  assert.ok(
    answer.citations.every((c) => stored.has(c.title) && answer.answer.includes(`[${c.n}]`)),
    "every citation is a stored paper cited in the text",
  );
  const badK = await runCli(["search", "x", "--k", "zero"], { cwd: dir, env });
  assert.equal(badK.code, 1);
  assert.match(badK.stderr, /--k "zero": expected a whole number/);
  // Every command reads --k the same way: similar too says what it expected.
  for (const k of ["0", "abc"]) {
    const badSimilar = await runCli(["similar", "ELECTRA", "--k", k], { cwd: dir, env });
    assert.equal(badSimilar.code, 1);
    assert.match(badSimilar.stderr, new RegExp(`--k "${k}": expected a whole number from 1 to 50`));
  }

  const again = await runCli(["ingest", SEEDS, "--json"], { cwd: dir, env });
  const second = JSON.parse(again.stdout) as { papers: Record<string, number>; chunks: Record<string, number> };
  assert.deepEqual(second.papers, { added: 0, updated: 0, unchanged: papers.length });
  assert.deepEqual(second.chunks, { written: 0, unchanged: chunks.length });
});
