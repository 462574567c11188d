import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { serve } from "../helpers/httpServer.js";
import { pathToFileURL } from "node:url";
import { readInputs } from "../../ingest/readInputs.js";
import { buildConfig } from "../../src/config.js";
import { ARXIV_MIN_INTERVAL_MS, createFetcher, sourcesFetcher, USER_AGENT, type FetcherOptions } from "../../src/fetch/fetchText.js";
import { startPaperSourcesStandIn } from "../helpers/paperSourcesStandIn.js";
import { fixture } from "../helpers/paths.js";

const fetcher = (options: Partial<FetcherOptions> = {}) =>
  createFetcher({ timeoutMs: 2_000, maxRetryAfterMs: 10_000, retry: { minDelayMs: 10 }, ...options });

test("given a URL argument, then its body is fetched over HTTP with paperbot's user agent and retried after a 503", async (t) => {
  const body = await readFile(fixture("pipeline/hf-daily.json"), "utf8");
  const seen: IncomingHttpHeaders[] = [];
  const base = await serve(t, (req, res) => {
    seen.push(req.headers);
    if (seen.length === 1) return void res.writeHead(503).end("busy");
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  const url = `${base}/api/daily_papers?date=2025-10-30`;
  const { inputs, failed } = await readInputs([url], { fetcher: fetcher() });
  assert.deepEqual(failed, []);
  assert.equal(inputs[0]?.source, url);
  assert.equal(inputs[0]?.text, body);
  assert.equal(seen.length, 2);
  assert.ok(seen.every((h) => h["user-agent"] === USER_AGENT));
});

test("given a URL that never answers, then it fails once, within its timeout, naming the URL; that host is not asked again and other inputs are still read", async (t) => {
  let calls = 0;
  const base = await serve(t, () => void calls++);
  const started = performance.now();
  const { inputs, failed } = await readInputs([`${base}/slow`, fixture("pipeline/papers.jsonl"), `${base}/other`], {
    fetcher: fetcher({ timeoutMs: 200 }),
  });
  assert.ok(performance.now() - started < 3_000, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(inputs.length, 1);
  assert.equal(calls, 1, "a timeout is not retried, and the host is not asked for the second URL");
  assert.deepEqual(
    failed.map((f) => [f.source, f.reason]),
    [
      [`${base}/slow`, "cannot fetch: no answer within 200 ms"],
      [`${base}/other`, `cannot fetch: not asked: ${new URL(base).host} gave no answer earlier in this run (no answer within 200 ms)`],
    ],
  );
});

test("given an answer whose body stops half-way, then the attempt's timeout still ends it", async (t) => {
  const base = await serve(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('[{"title": "A paper",');
  });
  const started = performance.now();
  const { failed } = await readInputs([`${base}/stalls`], { fetcher: fetcher({ timeoutMs: 300 }) });
  assert.ok(performance.now() - started < 3_000, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(failed[0]?.reason, "cannot fetch: the answer did not finish within 300 ms");
});

test("given a URL answering 404, then the status is reported without retrying", async (t) => {
  let calls = 0;
  const base = await serve(t, (_req, res) => {
    calls++;
    res.writeHead(404).end();
  });
  const { failed } = await readInputs([`${base}/missing`], { fetcher: fetcher() });
  assert.equal(failed[0]?.reason, "cannot fetch: HTTP 404 Not Found");
  assert.equal(calls, 1);
});

test("given a 429 with RateLimit-Reset, then the URL is fetched again after the reset; one beyond the cap fails at once", async (t) => {
  const times: number[] = [];
  let reset = "1";
  const base = await serve(t, (_req, res) => {
    times.push(performance.now());
    if (times.length % 2 === 1) return void res.writeHead(429, { "ratelimit-reset": reset }).end("slow down");
    res.writeHead(200, { "content-type": "application/json" }).end("[]");
  });
  const { failed } = await readInputs([`${base}/limited`], { fetcher: fetcher() });
  assert.deepEqual(failed, []);
  assert.equal(times.length, 2);
  assert.ok(times[1]! - times[0]! >= 1_000, `retried after ${Math.round(times[1]! - times[0]!)} ms`);

  reset = "3600";
  const again = await readInputs([`${base}/limited`], { fetcher: fetcher() });
  assert.equal(times.length, 3);
  assert.equal(again.failed[0]?.reason, "cannot fetch: HTTP 429: rate limited for 3600 s, longer than the 10 s we wait");
});

test("given arXiv's error feed with HTTP 400, then arXiv's reason is reported", async (t) => {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  standIn.arxiv.enqueue({ kind: "arxivError", reason: "incorrect id format for abc" });
  const url = `${standIn.arxivApiUrl}?id_list=abc`;
  const { failed } = await readInputs([url], { fetcher: fetcher() });
  assert.deepEqual(failed, [{ source: url, line: 0, reason: "cannot fetch: arXiv API error: incorrect id format for abc (HTTP 400)" }]);
});

test("given two arXiv URLs, then ingest keeps arXiv's 3 s between the calls", async (t) => {
  const standIn = await startPaperSourcesStandIn();
  t.after(() => standIn.close());
  const config = buildConfig({ ARXIV_API_URL: standIn.arxivApiUrl });
  const urls = ["cs.CL", "cs.LG"].map((c) => `${standIn.arxivApiUrl}?search_query=cat:${c}`);
  const { inputs, failed } = await readInputs(urls, { fetcher: sourcesFetcher(config) });
  assert.deepEqual(failed, []);
  assert.equal(inputs.length, 2);
  const [first, second] = standIn.arxiv.requests;
  assert.ok(first && second);
  assert.ok(second.at - first.at >= ARXIV_MIN_INTERVAL_MS, `second call ${Math.round(second.at - first.at)} ms after the first`);
});

test("given file: URLs of a file and of a directory, then they are read as that file and that directory's files", async () => {
  const file = pathToFileURL(fixture("pipeline/papers.jsonl")).href;
  const dir = pathToFileURL(fixture("real-formats/jsonl-dir")).href;
  const { inputs, failed } = await readInputs([file, dir], { fetcher: createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 1_000 }) });
  assert.deepEqual(failed, []);
  assert.deepEqual(
    inputs.map((i) => i.source),
    ["papers.jsonl", "first.jsonl", "second.jsonl"],
  );
  assert.equal(inputs[0]?.text, await readFile(fixture("pipeline/papers.jsonl"), "utf8"));
});

test("given a file: URL naming another host, or a URL of a scheme it cannot read, then each is refused with the reason", async () => {
  const { inputs, failed } = await readInputs(
    ["file://fileserver/share/papers.json", "ftp://example.org/papers.json", "file:///no/such/papers.json"],
    { fetcher: createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 1_000 }) },
  );
  assert.deepEqual(inputs, []);
  assert.deepEqual(
    failed.map((f) => [f.source, f.line]),
    [
      ["file://fileserver/share/papers.json", 0],
      ["ftp://example.org/papers.json", 0],
      ["file:///no/such/papers.json", 0],
    ],
  );
  assert.match(failed[0]!.reason, /^cannot read this file: URL: File URL host must be "localhost" or empty/);
  assert.equal(failed[1]!.reason, "cannot read ftp: URLs: give a file, a directory, a file: URL or an http(s) URL");
  assert.equal(failed[2]!.reason, "no such file or directory", "a file: URL of a missing file is just that");
});

test("given a folder with its own README and Markdown notes, then they are passed over quietly and the papers are read; a README named as an argument is still read", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "paperbot-notes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, "more"));
  const papers = await readFile(fixture("pipeline/papers.jsonl"), "utf8");
  for (const name of ["README.md", "Readme", "notes.markdown", "more/readme.txt", "CHANGES.MD"])
    await writeFile(join(dir, name), "# What these files are\n\nSome notes.\n");
  for (const name of ["papers.jsonl", "readme-papers.jsonl", "more/listing.jsonl"]) await writeFile(join(dir, name), papers);
  const options = { fetcher: createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 1_000 }) };

  const { inputs, failed } = await readInputs([dir], options);
  assert.deepEqual(failed, []);
  assert.deepEqual(inputs.map((i) => i.source).sort(), ["listing.jsonl", "papers.jsonl", "readme-papers.jsonl"]);

  const named = await readInputs([join(dir, "README.md")], options);
  assert.deepEqual(
    named.inputs.map((i) => i.source),
    ["README.md"],
  );
});
