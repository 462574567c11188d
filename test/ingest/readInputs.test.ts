import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { readInputs } from "../../ingest/readInputs.js";
import { fixture } from "../helpers/paths.js";

async function serve(t: { after(fn: () => unknown): void }, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("given a URL argument, then its body is fetched over HTTP and retried after a 503", async (t) => {
  const body = await readFile(fixture("pipeline/hf-daily.json"), "utf8");
  let calls = 0;
  const base = await serve(t, (req, res) => {
    calls++;
    if (calls === 1) return void res.writeHead(503).end("busy");
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  const url = `${base}/api/daily_papers?date=2025-10-30`;
  const { inputs, failed } = await readInputs([url], { fetchTimeoutMs: 2_000 });
  assert.deepEqual(failed, []);
  assert.equal(inputs[0]?.source, url);
  assert.equal(inputs[0]?.text, body);
  assert.equal(calls, 2);
});

test("given a URL that never answers, then it is reported as timed out and other inputs are still read", async (t) => {
  const base = await serve(t, () => undefined);
  const { inputs, failed } = await readInputs([`${base}/slow`, fixture("pipeline/papers.jsonl")], { fetchTimeoutMs: 200, fetchRetries: 0 });
  assert.equal(inputs.length, 1);
  assert.match(failed[0]!.reason, /cannot fetch: no answer within 200 ms/);
});

test("given a URL answering 404, then the status is reported without retrying", async (t) => {
  let calls = 0;
  const base = await serve(t, (_req, res) => {
    calls++;
    res.writeHead(404).end();
  });
  const { failed } = await readInputs([`${base}/missing`], { fetchTimeoutMs: 1_000 });
  assert.match(failed[0]!.reason, /HTTP 404/);
  assert.equal(calls, 1);
});

test("given file: URLs of a file and of a directory, then they are read as that file and that directory's files", async () => {
  const file = pathToFileURL(fixture("pipeline/papers.jsonl")).href;
  const dir = pathToFileURL(fixture("real-formats/jsonl-dir")).href;
  const { inputs, failed } = await readInputs([file, dir], { fetchTimeoutMs: 1_000 });
  assert.deepEqual(failed, []);
  assert.deepEqual(
    inputs.map((i) => i.source),
    ["papers.jsonl", "first.jsonl", "second.jsonl"],
  );
  assert.equal(inputs[0]?.text, await readFile(fixture("pipeline/papers.jsonl"), "utf8"));
});

test("given a file: URL naming another host, or a URL of a scheme it cannot read, then each is refused with the reason", async () => {
  const { inputs, failed } = await readInputs(["file://fileserver/share/papers.json", "ftp://example.org/papers.json", "file:///no/such/papers.json"], { fetchTimeoutMs: 1_000 });
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
