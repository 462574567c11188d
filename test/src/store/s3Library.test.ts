import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { SEEDS, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";
import { startS3Server } from "../../helpers/s3Server.js";

interface SearchOutput {
  results: { title: string }[];
}

test(
  "given a library at s3:// on an S3-compatible server, when the seeds and later a new paper are " +
    "ingested, then two reader processes search it and find the new paper",
  async (t) => {
    const dir = await tempDir(t, "paperbot-s3-test-");
    const s3 = await startS3Server();
    t.after(() => s3.close());
    const env = s3.env("library");
    const cli = (args: string[]) => runCli(args, { cwd: dir, env });
    // Two readers at once, as two bot hosts or CLI users sharing one bucket.
    const twoReaders = async (query: string) => {
      const runs = await Promise.all([cli(["search", query, "--k", "3", "--json"]), cli(["search", query, "--k", "3", "--json"])]);
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      return runs.map((run) => (JSON.parse(run.stdout) as SearchOutput).results.map((r) => r.title));
    };

    const seeded = await cli(["ingest", SEEDS, "--json"]);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.ok((JSON.parse(seeded.stdout) as { chunks: { written: number } }).chunks.written > 1000);

    const question = "zebra migration across the serengeti grasslands";
    for (const titles of await twoReaders("speech emotion recognition")) assert.equal(titles.length, 3);
    for (const titles of await twoReaders(question))
      assert.ok(!titles.some((title) => title.startsWith("Zebra Herds")), titles.join(" | "));

    const later = join(dir, "later.jsonl");
    await writeFile(
      later,
      `${JSON.stringify({
        title: "Zebra Herds: Tracking Migration Across the Serengeti",
        summary: "We track zebra migration across the Serengeti grasslands with collars.",
      })}\n`,
    );
    const added = await cli(["ingest", later, "--json"]);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual((JSON.parse(added.stdout) as { papers: unknown }).papers, { added: 1, updated: 0, unchanged: 0 });

    for (const titles of await twoReaders(question)) assert.match(titles[0] ?? "", /^Zebra Herds/);
  },
);
