import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { Digest } from "../../../src/digest/buildDigest.js";
import type { DigestMessage } from "../../../src/discord/renderDigest.js";
import { SubscriptionStore } from "../../../src/digest/subscriptions.js";
import { readLibrary } from "../../helpers/library.js";
import { startPaperSourcesStandIn, STAND_IN_DATE, unreachableUrl } from "../../helpers/paperSourcesStandIn.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

/** A temp folder, the paper sources' stand-in, and the CLI's environment pointing at both (arXiv: cs.CL unless `extra` says). */
async function digestCliRig(t: TestContext, extra: Record<string, string> = {}) {
  const dir = await tempDir(t);
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  const env = {
    LANCEDB_URI: join(dir, "db"),
    DIGEST_STATE_DIR: join(dir, "digest"),
    HF_API_URL: standIn.hfApiUrl,
    ARXIV_API_URL: standIn.arxivApiUrl,
    DIGEST_ARXIV_CATEGORIES: "cs.CL",
    ...extra,
  };
  return { dir, standIn, env };
}

interface DigestJson extends Digest {
  messages: DigestMessage[];
  wouldPost: boolean;
  origin: "sources" | "library";
  libraryDate: string | null;
  reachable: { huggingface: boolean; arxiv: boolean } | null;
  problems: { source: string; message: string }[];
  ingested: { papers: { added: number; updated: number; unchanged: number } } | null;
  channel: string | null;
}

test(
  "given the sources, then `digest --dry-run --json` prints the digest and its messages and ingests " +
    "nothing; without --dry-run the papers land in the library",
  async (t) => {
    const { dir, standIn, env } = await digestCliRig(t);

    standIn.hf.enqueue({ kind: "missingFields" });
    const dry = await runCli(["digest", "--date", STAND_IN_DATE, "--dry-run", "--json"], { cwd: dir, env });
    assert.equal(dry.code, 0, dry.stderr);
    const digest = JSON.parse(dry.stdout) as DigestJson;
    assert.equal(digest.date, STAND_IN_DATE);
    assert.equal(digest.origin, "sources");
    assert.equal(digest.total, 7);
    assert.equal(digest.ingested, null);
    assert.equal(digest.wouldPost, true);
    assert.deepEqual(
      digest.entries.map((e) => [e.arxivId, e.upvotes ?? null]),
      [
        ["2611.10001", 57],
        ["2611.10002", 31],
        ["2611.10003", 12],
        ["2611.10004", 8],
        ["2611.10005", 3],
        // arXiv only, no votes: newest first.
        ["2611.10101", null],
        ["2611.10102", null],
      ],
    );
    const [cooking, rlhf] = digest.entries;
    assert.equal(cooking?.url, "https://huggingface.co/papers/2611.10001");
    assert.equal(cooking?.authors, "Marta Quince, Tobias Fenn, Ines Okoro et al.");
    assert.equal(cooking?.codeUrl, "https://github.com/example-lab/stirring-policies");
    assert.equal(
      cooking?.tldr,
      "Diffusion policies trained on forty hours of kitchen demonstrations cook in unseen kitchens. Most failures come from occluded pans.",
    );
    assert.equal(rlhf?.tldrSource, "ai-summary");
    assert.equal(digest.entries[2]?.tldrSource, "abstract");
    assert.ok(digest.messages.length >= 1);
    for (const m of digest.messages) assert.ok(m.content.length <= 2000);
    const text = digest.messages.map((m) => m.content).join("\n");
    assert.match(text, /^\*\*📰 Daily papers — 2026-11-23(?: \(1\/\d\))?\*\* · 7 new papers/);
    assert.doesNotMatch(text, /@everyone|<@\d+>/);
    assert.match(text, /@\u200beveryone Look: A \\\*\\\*Loud\\\*\\\* Benchmark/);
    assert.match(dry.stderr, /dry run: the fetched papers were not ingested/);
    // The broken items are reported, and only them; nothing of theirs is shown.
    assert.match(dry.stderr, /skipped what could not be read:\n {2}huggingface: item at line \d+ skipped: "paper\.title" is missing\n/);
    assert.equal(digest.problems.length, 4);
    assert.doesNotMatch(text, /An Item Without/);
    assert.equal((await readLibrary(env.LANCEDB_URI)).papers.length, 0);

    const real = await runCli(["digest", "--date", STAND_IN_DATE, "--json"], { cwd: dir, env });
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual((JSON.parse(real.stdout) as DigestJson).ingested?.papers, { added: 7, updated: 0, unchanged: 0 });
    assert.match(real.stderr, /ingested 7 papers into the library: 7 added/);
    // The bot can answer about them at once.
    const found = await runCli(["paper", "2611.10002", "--json"], { cwd: dir, env });
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /Cheaper RLHF by Distilling the Reward Model/);
  },
);

test("given topics, a size and a channel with no subscription, then the text digest ranks by the topics with reasons and notes the defaults", async (t) => {
  const { dir, env } = await digestCliRig(t);

  const result = await runCli(
    ["digest", "--date", STAND_IN_DATE, "--topics", "RLHF, grammar", "--max", "2", "--channel", "123456789012345678", "--dry-run"],
    { cwd: dir, env },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /channel 123456789012345678 has no digest subscription: using --topics\/--max or the defaults/);
  const lines = result.stdout.split("\n");
  assert.equal(lines[0], "**📰 Daily papers — 2026-11-23** · top 2 of 7 new papers");
  assert.equal(lines[1], "-# Topics: RLHF, grammar");
  // One paper per topic (their order is the embedding similarity's call), each with its reason.
  const blocks = result.stdout.trim().split("\n\n").slice(1);
  assert.equal(blocks.length, 2);
  const rlhf = blocks.find((b) => b.includes("[Cheaper RLHF by Distilling the Reward Model](<https://huggingface.co/papers/2611.10002>)"));
  const grammar = blocks.find((b) =>
    b.includes("[Grammar Induction from Child-Directed Speech with Tiny Transformers](<https://arxiv.org/abs/2611.10101>)"),
  );
  assert.match(rlhf ?? "", /\n\*matches: RLHF\*$/);
  assert.match(grammar ?? "", /\n\*matches: grammar\*$/);
});

test("given a subscribed channel, then `digest --channel` ranks by its topics and size, as the bot would post it", async (t) => {
  const { dir, env } = await digestCliRig(t);
  const subscriptions = await SubscriptionStore.open({ dir: env.DIGEST_STATE_DIR });
  await subscriptions.subscribe("123456789012345678", "223456789012345678", {
    time: "09:00",
    timeZone: "UTC",
    topics: ["grammar"],
    max: 1,
  });

  const result = await runCli(["digest", "--date", STAND_IN_DATE, "--channel", "123456789012345678", "--dry-run"], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /no digest subscription/);
  const lines = result.stdout.split("\n");
  assert.equal(lines[0], "**📰 Daily papers — 2026-11-23** · top 1 of 7 new papers");
  assert.equal(lines[1], "-# Topics: grammar");
  assert.match(result.stdout, /Grammar Induction from Child-Directed Speech with Tiny Transformers/);
});

test(
  "given a library whose channels subscribed before subscriptions moved to the state folder, then `digest --channel` " +
    "uses the channel's subscription, imported from the library",
  async (t) => {
    const { dir, env } = await digestCliRig(t);
    await cp(fixture("library-with-subscriptions-a3377f0"), env.LANCEDB_URI, { recursive: true });

    const result = await runCli(["digest", "--date", STAND_IN_DATE, "--channel", "100000000000000001", "--dry-run"], { cwd: dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /no digest subscription/);
    assert.match(result.stdout, /^\*\*📰 Daily papers — 2026-11-23\*\* · top 3 of \d+ new papers\n-# Topics: grammar, speech\n/);
  },
);

test("given unreachable sources, then `digest` says so on stderr and builds from the library", async (t) => {
  const dir = await tempDir(t);
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  const live = {
    LANCEDB_URI: join(dir, "db"),
    HF_API_URL: standIn.hfApiUrl,
    ARXIV_API_URL: standIn.arxivApiUrl,
    DIGEST_ARXIV_CATEGORIES: "cs.CL",
  };
  const filled = await runCli(["digest", "--date", STAND_IN_DATE, "--json"], { cwd: dir, env: live });
  assert.equal(filled.code, 0, filled.stderr);

  const down = await unreachableUrl();
  const env = { ...live, HF_API_URL: down, ARXIV_API_URL: `${down}/api/query` };
  const result = await runCli(["digest", "--date", "2026-11-24", "--json"], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Hugging Face cannot be reached/);
  assert.match(result.stderr, /arXiv cannot be reached/);
  assert.match(result.stderr, /The paper sources are unreachable: building the digest from the library instead\./);
  assert.match(result.stderr, /using the most recent day before it, 2026-11-23/);
  const digest = JSON.parse(result.stdout) as DigestJson;
  assert.equal(digest.origin, "library");
  assert.equal(digest.libraryDate, STAND_IN_DATE);
  assert.deepEqual(digest.reachable, { huggingface: false, arxiv: false });
  // Named for the day its papers are from, not the day asked for.
  assert.equal(digest.date, STAND_IN_DATE);
  assert.equal(digest.entries.length, 7);
  assert.equal(digest.entries[0]?.title, "Stirring Policies: Diffusion Models for Robot Cooking");
  assert.match(digest.messages[0]?.content ?? "", /^\*\*📰 Daily papers — 2026-11-23(?: \(1\/\d\))?\*\* · 7 new papers/);
});

test(
  "given a saved Hugging Face list, then `digest --offline` of its day uses all of its papers and " +
    "names that day; of a later day, names the day they are from",
  async (t) => {
    const dir = await tempDir(t);
    const env = { LANCEDB_URI: join(dir, "db") };
    // Two days' lists saved to files (no ?date= to go by). The 13th's papers were published on arXiv
    // between 30 March and 12 May; the 12th's between 7 and 11 May.
    const ingested = await runCli(
      ["ingest", fixture("real-formats/hf-daily-2026-05-12.json"), fixture("real-formats/hf-daily-2026-05-13.json")],
      { cwd: dir, env },
    );
    assert.equal(ingested.code, 0, ingested.stderr);
    const offline = async (date: string) => {
      const result = await runCli(["digest", "--offline", "--date", date, "--json"], { cwd: dir, env });
      assert.equal(result.code, 0, result.stderr);
      return { digest: JSON.parse(result.stdout) as DigestJson, stderr: result.stderr };
    };

    const { digest: day, stderr } = await offline("2026-05-13");
    assert.equal(day.total, 6);
    assert.deepEqual(day.entries.map((e) => e.arxivId).sort(), [
      "2603.29870",
      "2605.04115",
      "2605.07731",
      "2605.08302",
      "2605.08420",
      "2605.08811",
    ]);
    assert.equal(day.date, "2026-05-13");
    assert.equal(day.libraryDate, "2026-05-13");
    assert.doesNotMatch(stderr, /most recent day before/);
    assert.match(day.messages[0]?.content ?? "", /^\*\*📰 Daily papers — 2026-05-13\*\* · 6 new papers/);
    // The title is shown as its authors wrote it (escaped for Discord).
    assert.equal(day.entries.find((e) => e.arxivId === "2605.08420")?.title, "Making `torch.compile` Predictable: A Study of Graph Breaks");

    const { digest: before } = await offline("2026-05-12");
    assert.deepEqual(
      before.entries.map((e) => e.arxivId).sort(),
      ["2605.04903", "2605.05540", "2605.07002"],
      "the 12th's list, not the 13th's papers published on the 12th",
    );

    const { digest: later, stderr: laterNotes } = await offline("2026-05-20");
    assert.match(laterNotes, /The library has no papers from 2026-05-20: using the most recent day before it, 2026-05-13\./);
    assert.equal(later.total, 6);
    assert.equal(later.date, "2026-05-13");
    assert.match(later.messages[0]?.content ?? "", /^\*\*📰 Daily papers — 2026-05-13\*\*/);

    // Months later, with nothing in the weeks before: still the last list, whole.
    const { digest: much } = await offline("2026-09-01");
    assert.equal(much.libraryDate, "2026-05-13");
    assert.equal(much.total, 6);
  },
);

test(
  "given a source that accepts connections and never answers, then `digest --dry-run` finishes within " +
    "its budget, names the source and goes on with the other",
  async (t) => {
    // The timeout alone would wait 20 s: the budget is what ends it.
    const { dir, standIn, env } = await digestCliRig(t, { FETCH_TIMEOUT_MS: "20000", DIGEST_FETCH_BUDGET_MS: "1500" });
    standIn.hf.setDefault({ kind: "hang" });
    const started = performance.now();
    const result = await runCli(["digest", "--date", STAND_IN_DATE, "--dry-run", "--json"], { cwd: dir, env });
    assert.ok(performance.now() - started < 12_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /Hugging Face cannot be reached: cannot fetch the daily papers for 2026-11-23: no answer within the 1\.5 s allowed for the digest's sources/,
    );
    assert.match(
      result.stderr,
      /paperbot: fetching Hugging Face 2026-11-23 \(http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers\?date=2026-11-23\) …/,
    );
    assert.match(result.stderr, /paperbot: arXiv cs\.CL: [\d,]+ (KB|bytes) in /);
    const digest = JSON.parse(result.stdout) as DigestJson;
    assert.equal(digest.origin, "sources");
    assert.deepEqual(digest.reachable, { huggingface: false, arxiv: true });
    assert.deepEqual(digest.entries.map((e) => e.arxivId).sort(), ["2611.10002", "2611.10101", "2611.10102"]);
  },
);

test("given arXiv accepting connections and never answering, then `digest` asks it once and not for the other categories", async (t) => {
  const { dir, standIn, env } = await digestCliRig(t, { FETCH_TIMEOUT_MS: "500", DIGEST_ARXIV_CATEGORIES: "cs.CL,cs.LG" });
  standIn.arxiv.setDefault({ kind: "hang" });
  const result = await runCli(["digest", "--date", STAND_IN_DATE, "--dry-run", "--json"], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(standIn.arxiv.requests.length, 1);
  assert.match(result.stderr, /arXiv cannot be reached: cannot fetch cs\.CL: no answer within 500 ms/);
  const digest = JSON.parse(result.stdout) as DigestJson;
  assert.ok(digest.problems.some((p) => p.message === "not asked for cs.LG: arXiv gave no answer"));
  assert.equal(digest.entries.length, 5, "Hugging Face's papers");
});

test("given a bad date or size, then `digest` exits 1 with the reason; --help lists the options", async (t) => {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db") };
  const badDate = await runCli(["digest", "--date", "2026-02-30", "--offline"], { cwd: dir, env });
  assert.equal(badDate.code, 1);
  assert.match(badDate.stderr, /--date "2026-02-30": expected a day as YYYY-MM-DD/);
  const badMax = await runCli(["digest", "--max", "40", "--offline"], { cwd: dir, env });
  assert.equal(badMax.code, 1);
  assert.match(badMax.stderr, /--max "40": expected a whole number from 1 to 25/);
  const help = await runCli(["digest", "--help"], { cwd: dir, env });
  assert.equal(help.code, 0);
  for (const option of ["--date", "--topics", "--max", "--channel", "--dry-run", "--offline", "--json"])
    assert.ok(help.stdout.includes(option), option);
});

test("given an empty library and --offline, then nothing would be posted and the exit code says so", async (t) => {
  const dir = await tempDir(t);
  const result = await runCli(["digest", "--date", STAND_IN_DATE, "--offline"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /The library is empty: there is nothing to build a digest from\./);
  assert.match(result.stdout, /Nothing would be posted for 2026-11-23: no new papers \(DIGEST_POST_WHEN_EMPTY is false\)\./);
  const posted = await runCli(["digest", "--date", STAND_IN_DATE, "--offline"], {
    cwd: dir,
    env: { LANCEDB_URI: join(dir, "db"), DIGEST_POST_WHEN_EMPTY: "true" },
  });
  assert.match(posted.stdout, /^\*\*📰 Daily papers — 2026-11-23\*\*\nNo new papers today\./);
});
