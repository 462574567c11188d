import assert from "node:assert/strict";
import { test } from "node:test";
import { serve } from "../../helpers/httpServer.js";
import { createFetcher, createRateGate, FetchError, type FetchEvent } from "../../../src/fetch/fetchText.js";
import { unreachableUrl } from "../../helpers/paperSourcesStandIn.js";

test("given a 503 then an answer, then the events say what was fetched, the retry and how it ended", async (t) => {
  let calls = 0;
  const base = await serve(t, (_req, res) => {
    if (++calls === 1) return void res.writeHead(503, { "retry-after": "0" }).end();
    res.writeHead(200).end("hello");
  });
  const events: FetchEvent[] = [];
  const fetcher = createFetcher({ timeoutMs: 2_000, maxRetryAfterMs: 5_000, onEvent: (e) => events.push(e) });
  const { text, attempts } = await fetcher.text(`${base}/a`, { label: "the source" });
  assert.equal(text, "hello");
  assert.equal(attempts, 2);
  assert.deepEqual(
    events.map((e) => [e.kind, e.label, "reason" in e ? e.reason : undefined, "waitMs" in e ? e.waitMs : undefined]),
    [
      ["start", "the source", undefined, undefined],
      ["retry", "the source", "HTTP 503 Service Unavailable", 0],
      ["done", "the source", undefined, undefined],
    ],
  );
});

test("given a refused connection, then it is tried once more, and the host is not asked again in the run", async () => {
  const down = await unreachableUrl();
  const events: FetchEvent[] = [];
  const fetcher = createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 5_000, retry: { minDelayMs: 10 }, onEvent: (e) => events.push(e) });
  await assert.rejects(
    fetcher.text(`${down}/a`),
    (e: unknown) => e instanceof FetchError && e.failure === "connection" && /ECONNREFUSED/.test(e.message),
  );
  assert.equal(events.filter((e) => e.kind === "retry").length, 1);
  await assert.rejects(
    fetcher.text(`${down}/b`),
    (e: unknown) => e instanceof FetchError && e.failure === "host-down" && e.hostUnavailable,
  );
  // Another run asks again.
  const next = createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 5_000, retry: { connectionRetries: 0 } });
  await assert.rejects(next.text(`${down}/b`), (e: unknown) => e instanceof FetchError && e.failure === "connection");
});

test("given a paced host whose next turn comes after the budget ends, then the call fails at once without being sent", async (t) => {
  let calls = 0;
  const base = await serve(t, (_req, res) => {
    calls++;
    res.writeHead(200).end("ok");
  });
  const gate = createRateGate(5_000);
  const fetcher = createFetcher({ timeoutMs: 1_000, maxRetryAfterMs: 5_000, budget: { ms: 1_000, what: "the test" }, gateFor: () => gate });
  await fetcher.text(`${base}/first`);
  const started = performance.now();
  await assert.rejects(
    fetcher.text(`${base}/second`),
    (e: unknown) => e instanceof FetchError && e.failure === "budget" && /wants 5 s between calls/.test(e.message),
  );
  assert.ok(performance.now() - started < 500);
  assert.equal(calls, 1);
});
