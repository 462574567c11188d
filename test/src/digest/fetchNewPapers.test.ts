import assert from "node:assert/strict";
import { test } from "node:test";
import { buildConfig } from "../../../src/config.js";
import { fetchNewPapers, type FetchNewPapersOptions } from "../../../src/digest/fetchNewPapers.js";
import { createRateGate, retryAfterMs } from "../../../src/fetch/fetchText.js";
import { capturingLogger } from "../../helpers/capturingLogger.js";
import { startPaperSourcesStandIn, STAND_IN_DATE } from "../../helpers/paperSourcesStandIn.js";

const FAST_RETRY = { retries: 2, minDelayMs: 10, maxDelayMs: 50 };

async function setUp(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}) {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  const config = buildConfig({ HF_API_URL: standIn.hfApiUrl, ARXIV_API_URL: standIn.arxivApiUrl, FETCH_TIMEOUT_MS: "2000", ...env });
  const { logger, lines } = capturingLogger();
  const fetchFor = (overrides: Partial<FetchNewPapersOptions> = {}) =>
    fetchNewPapers({ date: STAND_IN_DATE, config, logger, rateGate: createRateGate(0), retry: FAST_RETRY, ...overrides });
  return { standIn, config, logger, lines, fetchFor };
}

const ids = (papers: { arxivId?: string }[]) => papers.map((p) => p.arxivId).sort();

test("given a paper on both sources and in two arXiv categories, then it appears once, merged, with both sources", async (t) => {
  const { fetchFor } = await setUp(t);
  const result = await fetchFor();

  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.reachable, { huggingface: true, arxiv: true });
  // Five from Hugging Face, three more from arXiv (one of them in both categories); the overlap once.
  assert.deepEqual(ids(result.papers), [
    "2611.10001",
    "2611.10002",
    "2611.10003",
    "2611.10004",
    "2611.10005",
    "2611.10101",
    "2611.10102",
    "2611.10201",
  ]);
  const both = result.papers.find((p) => p.arxivId === "2611.10002")!;
  assert.deepEqual(
    both.sources.map((s) => s.split(":", 1)[0]),
    ["arxiv", "hf-daily-api"],
  );
  // The richer record wins: arXiv's full abstract over Hugging Face's one sentence, with HF's votes and AI summary kept.
  assert.match(both.summary, /^Reward models dominate the cost of RLHF\. We distill a 70B reward model/);
  assert.equal(both.upvotes, 31);
  assert.match(both.aiSummary ?? "", /cuts the cost of RLHF by 60%/);
  assert.deepEqual(both.categories, ["cs.CL", "cs.LG"]);
  const crossListed = result.papers.filter((p) => p.arxivId === "2611.10102");
  assert.equal(crossListed.length, 1);
  assert.equal(crossListed[0]!.sources.length, 1);
  // Records for ingest: one per source per paper.
  assert.equal(result.records.filter((r) => r.arxivId === "2611.10002").length, 2);
  assert.equal(result.records.filter((r) => r.arxivId === "2611.10102").length, 1);
});

test("given arXiv entries published before the day, then only the day's entries are kept; a wider window takes them in", async (t) => {
  const { fetchFor, standIn } = await setUp(t);
  const day = await fetchFor();
  assert.ok(!day.papers.some((p) => p.arxivId === "2611.09990" || p.arxivId === "2611.09980"));
  const query = standIn.arxiv.requests[0]!.params;
  assert.deepEqual(query, { search_query: "cat:cs.CL", sortBy: "submittedDate", sortOrder: "descending", start: "0", max_results: "100" });
  assert.equal(standIn.hf.requests[0]!.params.date, STAND_IN_DATE);

  const twoDays = await fetchFor({ arxivWindowDays: 2 });
  assert.ok(twoDays.papers.some((p) => p.arxivId === "2611.09990"));
  assert.ok(!twoDays.papers.some((p) => p.arxivId === "2611.09980"));
});

test(
  "given an HTML error page from Hugging Face and a truncated arXiv feed, then both are logged and " +
    "skipped and the other feed's papers are kept",
  async (t) => {
    const { fetchFor, standIn, lines } = await setUp(t);
    standIn.hf.enqueue({ kind: "html" });
    standIn.arxiv.enqueue({ kind: "truncated" });
    const result = await fetchFor();

    assert.deepEqual(result.reachable, { huggingface: true, arxiv: true });
    assert.deepEqual(ids(result.papers), ["2611.10102", "2611.10201"]);
    assert.equal(result.problems.length, 2);
    assert.match(
      result.problems.find((p) => p.source === "huggingface")!.message,
      /unreadable response: line 1: expected JSON, got an HTML page titled "502 Bad Gateway"/,
    );
    assert.match(result.problems.find((p) => p.source === "arxiv")!.message, /cs\.CL: unreadable response: .*malformed XML/);
    const logged = lines.filter((l) => l.msg === "paper source problem: skipped");
    assert.equal(logged.length, 2);
  },
);

test("given truncated JSON from Hugging Face, then the day's list is skipped with the line where it breaks", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.hf.enqueue({ kind: "truncated" });
  const result = await fetchFor();
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0]!.message, /^unreadable response: line \d+: /);
  assert.ok(result.papers.every((p) => p.sources.every((s) => s.startsWith("arxiv:"))));
});

test("given items and entries with missing fields, then each is reported and the good ones still count", async (t) => {
  const { fetchFor, standIn } = await setUp(t);
  standIn.hf.enqueue({ kind: "missingFields" });
  standIn.arxiv.enqueue({ kind: "missingFields" });
  const result = await fetchFor();

  assert.equal(result.papers.length, 8);
  assert.ok(!result.papers.some((p) => /An (Item|Entry) Without|2611\.19/.test(`${p.title} ${p.arxivId}`)));
  const hf = result.problems.filter((p) => p.source === "huggingface").map((p) => p.message);
  assert.equal(hf.length, 4);
  assert.ok(hf.some((m) => /"paper\.title" is missing/.test(m)));
  assert.ok(hf.some((m) => /"paper\.id" is missing/.test(m)));
  const arxiv = result.problems.filter((p) => p.source === "arxiv").map((p) => p.message);
  assert.deepEqual(arxiv.length, 3);
  assert.ok(arxiv.some((m) => /cs\.CL: item at line \d+ skipped: entry has no <title>/.test(m)));
  assert.ok(arxiv.some((m) => /has no publication date/.test(m)));
});

test("given a 429 with Retry-After, then the next request waits for the reset and succeeds", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.hf.enqueue({ kind: "status", status: 429, headers: { "retry-after": "1" } });
  const result = await fetchFor();

  assert.deepEqual(result.problems, []);
  assert.equal(result.papers.filter((p) => p.sources.some((s) => s.startsWith("hf-daily-api:"))).length, 5);
  const [first, second] = standIn.hf.requests;
  assert.ok(second && first);
  assert.ok(second.at - first.at >= 1000, `retried after ${Math.round(second.at - first.at)} ms`);
});

test("given a 429 whose reset is beyond the bound, then Hugging Face is given up at once and reported", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL", FETCH_MAX_RETRY_AFTER_MS: "5000" });
  standIn.hf.setDefault({ kind: "status", status: 429, headers: { "x-ratelimit-reset": "3600" } });
  const started = performance.now();
  const result = await fetchFor();
  assert.ok(performance.now() - started < 2_000);
  assert.equal(standIn.hf.requests.length, 1);
  assert.equal(result.reachable.huggingface, false);
  assert.match(result.problems[0]!.message, /rate limited for 3600 s, longer than the 5 s we wait/);
  assert.ok(result.papers.length > 0, "arXiv's papers still count");
});

test("given 500s then success, then the source is retried with backoff; given only 500s, it is reported unreachable", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.hf.enqueue({ kind: "status", status: 500 }, { kind: "status", status: 503 });
  const recovered = await fetchFor();
  assert.equal(standIn.hf.requests.length, 3);
  assert.deepEqual(recovered.problems, []);

  standIn.hf.setDefault({ kind: "status", status: 500 });
  const failed = await fetchFor();
  assert.equal(standIn.hf.requests.length, 3 + 1 + FAST_RETRY.retries);
  assert.equal(failed.reachable.huggingface, false);
  assert.match(failed.problems[0]!.message, /cannot fetch the daily papers for 2026-11-23: HTTP 500/);
});

test("given a source slower than the timeout, then it is abandoned after one try (a timeout is not retried) and reported", async (t) => {
  const { standIn, config, logger } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.hf.setDefault({ kind: "slow", delayMs: 5_000 });
  const result = await fetchNewPapers({
    date: STAND_IN_DATE,
    config: { ...config, sources: { ...config.sources, fetchTimeoutMs: 150 } },
    logger,
    rateGate: createRateGate(0),
    retry: { retries: 1, minDelayMs: 10 },
  });
  assert.equal(standIn.hf.requests.length, 1);
  assert.equal(result.reachable.huggingface, false);
  assert.match(result.problems[0]!.message, /no answer within 150 ms/);
});

test("given several arXiv categories and a retry, then arXiv calls are at least the gate interval apart", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL,cs.LG,stat.ML" });
  standIn.arxiv.enqueue({ kind: "status", status: 503 });
  const gate = createRateGate(250);
  const result = await fetchFor({ rateGate: gate, retry: { retries: 2, minDelayMs: 1 } });

  assert.deepEqual(result.problems, []);
  const times = standIn.arxiv.requests.map((r) => r.at);
  assert.equal(times.length, 4);
  for (let i = 1; i < times.length; i++)
    assert.ok(times[i]! - times[i - 1]! >= 250, `call ${i + 1} came ${Math.round(times[i]! - times[i - 1]!)} ms after the one before`);
});

test("given nothing listening, then both sources are reported unreachable quickly", async (t) => {
  const { config, logger } = await setUp(t);
  const closed = await startPaperSourcesStandIn();
  const [hfApiUrl, arxivApiUrl] = [closed.hfApiUrl, closed.arxivApiUrl];
  await closed.close();
  const started = performance.now();
  const result = await fetchNewPapers({
    date: STAND_IN_DATE,
    config: { ...config, sources: { ...config.sources, hfApiUrl, arxivApiUrl } },
    logger,
    rateGate: createRateGate(100),
    retry: FAST_RETRY,
  });
  assert.ok(performance.now() - started < 2_000);
  assert.deepEqual(result.reachable, { huggingface: false, arxiv: false });
  assert.deepEqual(result.papers, []);
  assert.ok(result.problems.some((p) => p.source === "arxiv" && /not asked for cs\.LG: arXiv gave no answer/.test(p.message)));
  assert.ok(result.problems.some((p) => p.source === "huggingface" && /cannot connect: ECONNREFUSED/.test(p.message)));
});

test("given the reset headers a 429 can carry, then the wait is read from each", () => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  const wait = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), now);
  assert.equal(wait({ "retry-after": "7" }), 7000);
  assert.equal(wait({ "retry-after": "Mon, 23 Nov 2026 10:00:30 GMT" }), 30_000);
  assert.equal(wait({ "ratelimit-reset": "12" }), 12_000);
  assert.equal(wait({ "x-ratelimit-reset": String(now / 1000 + 45) }), 45_000);
  assert.equal(wait({ "retry-after": "2", "ratelimit-reset": "40" }), 2000, "Retry-After first, as ky reads them");
  assert.equal(wait({}), undefined);
  assert.equal(wait({ "retry-after": "soon" }), undefined);
});

test(
  "given arXiv accepting connections and never answering, then it is asked once, the other categories " +
    "are not asked, and Hugging Face's papers still count",
  async (t) => {
    const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL,cs.LG,stat.ML", FETCH_TIMEOUT_MS: "300" });
    standIn.arxiv.setDefault({ kind: "hang" });
    const started = performance.now();
    const result = await fetchFor();

    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(standIn.arxiv.requests.length, 1, "a host that timed out is not asked again in the same run");
    assert.deepEqual(result.reachable, { huggingface: true, arxiv: false });
    const arxiv = result.problems.filter((p) => p.source === "arxiv").map((p) => p.message);
    assert.deepEqual(arxiv, ["cannot fetch cs.CL: no answer within 300 ms", "not asked for cs.LG, stat.ML: arXiv gave no answer"]);
    assert.equal(result.papers.length, 5);
  },
);

test("given a source that never answers and a budget shorter than the timeout, then the fetch ends within the budget, naming the source", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL", FETCH_TIMEOUT_MS: "20000" });
  standIn.hf.setDefault({ kind: "hang" });
  const started = performance.now();
  const result = await fetchFor({ budgetMs: 500 });

  assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
  assert.deepEqual(result.reachable, { huggingface: false, arxiv: true });
  assert.deepEqual(
    result.problems.map((p) => [p.source, p.message]),
    [
      [
        "huggingface",
        "cannot fetch the daily papers for 2026-11-23: no answer within the 500 ms allowed for the digest's sources (DIGEST_FETCH_BUDGET_MS)",
      ],
    ],
  );
  assert.deepEqual(ids(result.papers), ["2611.10002", "2611.10101", "2611.10102"], "arXiv's papers still count");
});

test("given a Retry-After longer than what is left of the budget, then the source is given up at once", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.hf.setDefault({ kind: "status", status: 429, headers: { "retry-after": "20" } });
  const started = performance.now();
  const result = await fetchFor({ budgetMs: 3_000 });
  assert.ok(performance.now() - started < 2_500, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(standIn.hf.requests.length, 1);
  assert.match(
    result.problems[0]!.message,
    /HTTP 429: asked to wait 20 s, longer than what is left of the 3 s allowed for the digest's sources/,
  );
});

test("given arXiv's error feed with HTTP 400, then arXiv's reason is reported, not retried, and the next category is still asked", async (t) => {
  const { fetchFor, standIn } = await setUp(t);
  standIn.arxiv.enqueue({ kind: "arxivError", reason: "incorrect id format for abc" });
  const result = await fetchFor();

  assert.deepEqual(
    result.problems.map((p) => p.message),
    ["cannot fetch cs.CL: arXiv API error: incorrect id format for abc (HTTP 400)"],
  );
  assert.deepEqual(
    standIn.arxiv.requests.map((r) => r.params.search_query),
    ["cat:cs.CL", "cat:cs.LG"],
  );
  assert.ok(
    result.papers.some((p) => p.arxivId === "2611.10201"),
    "cs.LG's papers count",
  );
});

test("given an empty arXiv feed, then it is no problem: the day simply has no arXiv papers", async (t) => {
  const { fetchFor, standIn } = await setUp(t, { DIGEST_ARXIV_CATEGORIES: "cs.CL" });
  standIn.arxiv.enqueue({ kind: "emptyFeed" });
  const result = await fetchFor();
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.reachable, { huggingface: true, arxiv: true });
  assert.equal(result.papers.length, 5);
});

test(
  "given a Hugging Face item whose summary is far bigger than a paper's, then it is skipped with its " +
    "size, as ingest skips it, and the others still count",
  async (t) => {
    const { fetchFor, standIn } = await setUp(t);
    const items = JSON.parse(standIn.daily.get(STAND_IN_DATE)!) as { paper: { id: string; title: string; summary: string } }[];
    const huge = structuredClone(items[0]!);
    huge.paper.id = "2611.19999";
    huge.paper.title = "A Whole Thesis Pasted Into One Record";
    huge.paper.summary = "We pasted every chapter here. ".repeat(5_000);
    standIn.daily.set(STAND_IN_DATE, JSON.stringify([...items, huge]));
    const result = await fetchFor();

    assert.equal(result.papers.length, 8);
    assert.ok(!result.papers.some((p) => p.arxivId === "2611.19999"));
    assert.ok(!result.records.some((p) => p.arxivId === "2611.19999"));
    const problems = result.problems.filter((p) => p.source === "huggingface").map((p) => p.message);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /item at line \d+ skipped: the summary is 149,999 characters long, more than the 100,000 a record may have/);
  },
);
