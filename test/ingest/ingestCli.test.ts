import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { startPaperSourcesStandIn } from "../helpers/paperSourcesStandIn.js";
import { pathToFileURL } from "node:url";
import { fixture, tempDir } from "../helpers/paths.js";
import { runCli } from "../helpers/runCli.js";

interface JsonSummary {
  papers: { added: number; updated: number; unchanged: number };
  chunks: { written: number; unchanged: number };
  skipped: { source: string; line: number; reason: string }[];
}

async function setup(t: Parameters<typeof tempDir>[0], settings: Record<string, string> = {}) {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db"), ...settings };
  return { dir, ingest: (...args: string[]) => runCli(["ingest", ...args], { cwd: dir, env }) };
}

test("given --help, then every command is listed with no other step", async (t) => {
  const dir = await tempDir(t);
  const result = await runCli(["--help"], { cwd: dir });
  assert.equal(result.code, 0);
  for (const command of ["ingest", "ask", "search", "paper", "similar", "stats"])
    assert.match(result.stdout, new RegExp(`^\\s+${command}\\b`, "m"));
});

test("given --json, then the summary has the documented shape and the bad JSONL line is listed", async (t) => {
  const { ingest } = await setup(t);
  const result = await ingest(fixture("pipeline/papers.jsonl"), fixture("pipeline/daily-page.txt"), "--json");
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.deepEqual(summary.papers, { added: 5, updated: 0, unchanged: 0 });
  assert.equal(summary.chunks.unchanged, 0);
  assert.ok(summary.chunks.written >= 5);
  assert.deepEqual(
    summary.skipped.map((s) => [s.source, s.line]),
    [["papers.jsonl", 2]],
  );
});

test("given only bad inputs, then each gets a message naming file and line, and the exit code is non-zero", async (t) => {
  const { dir, ingest } = await setup(t);
  const files = {
    empty: join(dir, "empty.json"),
    binary: join(dir, "image.png"),
    truncated: join(dir, "truncated.json"),
    unknown: join(dir, "notes.txt"),
  };
  await writeFile(files.empty, "");
  await writeFile(files.binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  await writeFile(files.truncated, '[\n  {"title": "A paper",\n   "summary": "cut of');
  await writeFile(files.unknown, "Shopping list\n- eggs\n- flour\n");
  const result = await ingest(...Object.values(files), join(dir, "missing.jsonl"));
  assert.equal(result.code, 1);
  const out = result.stdout;
  assert.match(out, /Ingested 0 papers/);
  assert.match(out, /empty\.json line 1: the file is empty/);
  assert.match(out, /image\.png line 3: this is a binary file/, "PNG's header has two newlines before its first NUL");
  assert.match(out, /truncated\.json line 3: /);
  assert.match(out, /notes\.txt line 1: unknown format/);
  assert.match(out, /missing\.jsonl: no such file or directory/);
});

test("given a 20 MB single-line file among good ones, then it is reported and the good ones land", async (t) => {
  const { dir, ingest } = await setup(t);
  const huge = join(dir, "huge.jsonl");
  await writeFile(huge, `{"title": "Huge", "summary": ${JSON.stringify("x".repeat(20 * 1024 * 1024))}, "upvotes": "lots"}\n`);
  const result = await ingest(huge, fixture("pipeline/daily-page.txt"), "--json");
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.papers.added, 3);
  assert.equal(summary.skipped.length, 1);
  assert.match(`${summary.skipped[0]!.source} ${summary.skipped[0]!.line} ${summary.skipped[0]!.reason}`, /huge\.jsonl 1 .*upvotes/);
});

/** A line printed by LanceDB's own (Rust) logger, outside paperbot's logger. */
const LANCEDB_LINE = /^\[\d{4}-\d\d-\d\dT\S+ +(ERROR|WARN|INFO|DEBUG|TRACE) +\w+/m;

test("given a record whose summary is 20 MB, then it is skipped naming file, line and size, and the others land", async (t) => {
  const { dir, ingest } = await setup(t);
  const file = join(dir, "mixed.jsonl");
  const records = [
    { title: "Small and Fine: A Paper", summary: "A short summary of a small paper." },
    // One passage repeated: stored, it made ~20,000 identical passages, and LanceDB warned about them on the terminal.
    { title: "Everything at Once", summary: "The same sentence again. ".repeat(800_000) },
    { title: "Also Fine: Another Paper", summary: "Another short summary." },
  ];
  await writeFile(file, `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const result = await ingest(file, "--json");
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.papers.added, 2);
  assert.equal(summary.chunks.written, 2);
  assert.deepEqual(summary.skipped, [
    // The parser trims the last space.
    {
      source: "mixed.jsonl",
      line: 2,
      reason: "the summary is 19,999,999 characters long, more than the 100,000 a record may have: is it several records run together?",
    },
  ]);
  assert.doesNotMatch(result.stderr, LANCEDB_LINE);
});

test("given LANCEDB_LOG in .env, then LanceDB's own log lines are shown; by default they are not", async (t) => {
  const { dir, ingest } = await setup(t);
  const quiet = await ingest(fixture("pipeline/papers.jsonl"));
  assert.doesNotMatch(quiet.stderr, LANCEDB_LINE);
  // Read from .env, so it can only reach LanceDB through the config, before LanceDB loads.
  await writeFile(join(dir, ".env"), "LANCEDB_LOG=info\n");
  const loud = await ingest(fixture("pipeline/papers.jsonl"));
  assert.equal(loud.code, 0, loud.stderr);
  assert.match(loud.stderr, LANCEDB_LINE);
});

test("given a library already holding papers, then a failed run leaves them all in place", async (t) => {
  const { dir, ingest } = await setup(t);
  await ingest(fixture("pipeline/daily-page.txt"));
  const bad = join(dir, "bad.json");
  await writeFile(bad, "{ not json");
  const failed = await ingest(bad);
  assert.equal(failed.code, 1);
  const stats = await runCli(["stats", "--json"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.equal((JSON.parse(stats.stdout) as { papers: number }).papers, 3);
});

test("given a library made by another embedder, then ingest refuses clearly and --reembed rebuilds", async (t) => {
  const { dir, ingest } = await setup(t);
  await ingest(fixture("pipeline/daily-page.txt"));
  // Simulate an existing library built with another model by rewriting its record of the embedder.
  const lancedb = await import("@lancedb/lancedb");
  const db = await lancedb.connect(join(dir, "db"));
  const meta = await db.openTable("meta");
  await meta.update({ where: "key = 'embedder'", values: { value: "openai:text-embedding-3-small" } });
  db.close();

  const refused = await ingest(fixture("pipeline/papers.jsonl"));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /made by "openai:text-embedding-3-small".*--reembed/s);

  const rebuilt = await ingest(fixture("pipeline/papers.jsonl"), "--reembed", "--json");
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  const summary = JSON.parse(rebuilt.stdout) as JsonSummary;
  assert.equal(summary.papers.added, 2);
  assert.ok(summary.chunks.written >= 5, "the three stored papers were embedded again too");
  const stats = await runCli(["stats", "--json"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.match(stats.stdout, /"id":"local:/);
});

test("given a URL that accepts the connection and never answers, then ingest fails within its timeout naming the URL, with progress on stderr", async (t) => {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  standIn.hf.setDefault({ kind: "hang" });
  const { ingest } = await setup(t, { FETCH_TIMEOUT_MS: "500" });
  const url = `${standIn.hfApiUrl}/api/daily_papers?date=2026-11-23`;
  const started = performance.now();
  const result = await ingest(url);
  assert.ok(performance.now() - started < 15_000, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(result.code, 1);
  assert.equal(standIn.hf.requests.length, 1, "a timeout is not retried");
  assert.ok(result.stdout.includes(`  ${url}: cannot fetch: no answer within 500 ms`), result.stdout);
  assert.ok(result.stderr.includes(`paperbot: fetching ${url} …`), result.stderr);
  assert.ok(result.stderr.includes(`paperbot: ${url}: failed after`), result.stderr);
});

test("given an arXiv query that arXiv refuses with its error feed and HTTP 400, then ingest reports arXiv's reason", async (t) => {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  standIn.arxiv.enqueue({ kind: "arxivError", reason: "incorrect id format for abc" });
  const { ingest } = await setup(t, { ARXIV_API_URL: standIn.arxivApiUrl });
  const result = await ingest(`${standIn.arxivApiUrl}?id_list=abc`);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /id_list=abc: cannot fetch: arXiv API error: incorrect id format for abc \(HTTP 400\)/);
  assert.doesNotMatch(result.stdout, /Bad Request/);
});

test("given an arXiv query with no results, then ingest exits 0 with 0 papers", async (t) => {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  standIn.arxiv.enqueue({ kind: "emptyFeed" });
  const { ingest } = await setup(t, { ARXIV_API_URL: standIn.arxivApiUrl });
  const result = await ingest(`${standIn.arxivApiUrl}?search_query=ti:nothing-matches-this`);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Ingested 0 papers: 0 added, 0 updated, 0 unchanged\./);
  assert.doesNotMatch(result.stdout, /Skipped/);
});

test("given a record with year 99999, then ingest skips it naming file and line, and `search --year 99999..` is refused by the same bounds", async (t) => {
  const { dir, ingest } = await setup(t);
  const file = join(dir, "years.jsonl");
  await writeFile(file, '{"title": "A Paper From The Present", "year": 2025}\n{"title": "A Paper From The Far Future", "year": 99999}\n');
  const result = await ingest(file);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Ingested 1 papers/);
  assert.match(result.stdout, /years\.jsonl line 2: "year" must be a year from 1000 to 9999/);
  const search = await runCli(["search", "paper", "--year", "99999.."], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.equal(search.code, 1);
  assert.match(search.stderr, /--year "99999\.\.": .*years from 1000 to 9999/);
});

test("given a directory of one-record .jsonl files, then their papers are recorded as source jsonl", async (t) => {
  const { dir, ingest } = await setup(t);
  const result = await ingest(fixture("real-formats/jsonl-dir"));
  assert.equal(result.code, 0, result.stderr);
  const stats = await runCli(["stats", "--json"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.deepEqual((JSON.parse(stats.stdout) as { sources: Record<string, number> }).sources, { jsonl: 2 });
});

test("given a file: URL, then ingest reads the file it names; a file: URL on another host is refused with the reason", async (t) => {
  const { ingest } = await setup(t);
  const result = await ingest(pathToFileURL(fixture("pipeline/papers.jsonl")).href, "file://fileserver/papers.jsonl", "--json");
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as JsonSummary;
  assert.equal(summary.papers.added, 2);
  const refused = summary.skipped.find((s) => s.source === "file://fileserver/papers.jsonl");
  assert.match(refused?.reason ?? "", /^cannot read this file: URL: File URL host must be "localhost"/);
  assert.doesNotMatch(result.stdout, /no such file or directory/);
});

test("given the same paper from two sources, then stats says that the per-source counts add up to more than the papers", async (t) => {
  const { dir, ingest } = await setup(t);
  const record = { title: "Tidewater: Diffusion Models for Coastal Flood Maps", summary: "Tidewater turns tide gauges into flood maps." };
  await writeFile(
    join(dir, "one.jsonl"),
    `${JSON.stringify(record)}\n${JSON.stringify({ title: "Kestrel: Robot Grasping", summary: "Kestrel grasps." })}\n`,
  );
  await writeFile(join(dir, "two.json"), JSON.stringify([record]));
  const result = await ingest(join(dir, "one.jsonl"), join(dir, "two.json"));
  assert.equal(result.code, 0, result.stderr);
  const stats = await runCli(["stats"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.match(stats.stdout, /papers: 2 /);
  assert.match(stats.stdout, /sources: json 1, jsonl 2 \(papers per source; 1 of the 2 came from more than one, counted under each\)/);
});
