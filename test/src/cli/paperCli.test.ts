import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import bibtexParse from "bibtex-parse";
import { startPaperSourcesStandIn } from "../../helpers/paperSourcesStandIn.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

/** `paper <arXiv id>` for a paper the library lacks: fetched from the arXiv stand-in on loopback, once. */

test(
  "given an arXiv id the library lacks, then `paper` fetches it, adds it, and asked again finds it without fetching",
  { timeout: 60_000 },
  async (t) => {
    const dir = await tempDir(t);
    const arxiv = await startPaperSourcesStandIn();
    t.after(() => arxiv.close());
    const env = { LANCEDB_URI: join(dir, "db"), ARXIV_API_URL: arxiv.arxivApiUrl };
    await runCli(["ingest", fixture("pipeline/hf-daily.json")], { cwd: dir, env });

    const first = await runCli(["paper", "https://arxiv.org/abs/2611.10101v1"], { cwd: dir, env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Grammar Induction from Child-Directed Speech with Tiny Transformers\n/);
    assert.match(first.stdout, /fetched from arXiv and added to the library/);
    assert.deepEqual(
      arxiv.arxiv.requests.map((r) => r.params.id_list),
      ["2611.10101"],
    );

    const again = await runCli(["paper", "2611.10101", "--json"], { cwd: dir, env });
    const shown = JSON.parse(again.stdout) as { paper: { title: string; links: Record<string, string> }; added?: boolean };
    assert.equal(shown.paper.title, "Grammar Induction from Child-Directed Speech with Tiny Transformers");
    assert.equal(shown.added, undefined, "found in the library, not fetched");
    assert.equal(arxiv.arxiv.requests.length, 1);

    // It is a paper of the library like any other: search finds it.
    const search = await runCli(["search", "grammar induction child-directed speech", "--json"], { cwd: dir, env });
    assert.match(search.stdout, /Grammar Induction from Child-Directed Speech/);
  },
);

test("given an arXiv id arXiv does not have, then `paper` says so and exits 1", { timeout: 60_000 }, async (t) => {
  const dir = await tempDir(t);
  const arxiv = await startPaperSourcesStandIn();
  t.after(() => arxiv.close());
  const env = { LANCEDB_URI: join(dir, "db"), ARXIV_API_URL: arxiv.arxivApiUrl };
  await runCli(["ingest", fixture("pipeline/hf-daily.json")], { cwd: dir, env });
  const missing = await runCli(["paper", "2699.99999"], { cwd: dir, env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /arXiv has no paper 2699\.99999/);
  const offline = await runCli(["paper", "2611.10101", "--no-fetch"], { cwd: dir, env });
  assert.equal(offline.code, 1);
  assert.equal(arxiv.arxiv.requests.length, 1, "--no-fetch asks nothing");
});

test("given --bibtex, then `paper` prints one valid BibTeX entry with the paper's arXiv id", async (t) => {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db") };
  await runCli(["ingest", fixture("pipeline/hf-daily.json")], { cwd: dir, env });
  const result = await runCli(["paper", "2510.01234", "--bibtex"], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  const entries = bibtexParse.parse(result.stdout).filter((item) => item.itemtype === "entry");
  assert.equal(entries.length, 1);
  const fields = Object.fromEntries((entries[0] as { fields: { name: string; value: string }[] }).fields.map((f) => [f.name, f.value]));
  assert.equal(fields.eprint, "2510.01234");
  assert.match(fields.title ?? "", /Lantern/);
});
