import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { embedInThread } from "../../../src/embeddings/embeddingThread.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { sampledPapers } from "../../helpers/realCorpus.js";

const embeddings = new LocalEmbeddings();
const texts = [
  ...sampledPapers(200, { seed: 21 }).map((p) => `${p.title}\n\n${p.summary}`),
  "",
  "Ünïcödé façade naïve — 注意力 attention",
  "x",
];

const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

test("given real passages, when embedded on the thread, then each vector is the main thread's bit for bit", async () => {
  const onThread = await embeddings.embedFloat32InThread(texts);
  const onMain = embeddings.embedFloat32(texts);
  assert.equal(onThread.length, texts.length);
  for (const [i, vector] of onThread.entries()) {
    assert.equal(vector.length, embeddings.dimensions);
    assert.ok(bytes(vector).equals(bytes(onMain[i]!)), `vector ${i} differs`);
  }
});

test("given several requests at once, then each gets its own texts' vectors, in order", async () => {
  const parts = [texts.slice(0, 70), texts.slice(70, 71), [], texts.slice(71)];
  const results = await Promise.all(parts.map((part) => embedInThread(part, embeddings.dimensions)));
  assert.deepEqual(
    results.map((r) => r.length),
    parts.map((p) => p.length),
  );
  const onMain = embeddings.embedFloat32(texts);
  results.flat().forEach((vector, i) => assert.ok(bytes(vector).equals(bytes(onMain[i]!)), `vector ${i} differs`));
});

test("given a process that embedded on the thread, then it exits on its own as soon as its work is done", async () => {
  // The idle thread must not keep a CLI run alive (it would end only after its idle timeout, 60 s).
  const script = `
    const { LocalEmbeddings } = await import(${JSON.stringify(new URL("../../../src/embeddings/localEmbeddings.js", import.meta.url).href)});
    const vectors = await new LocalEmbeddings().embedFloat32InThread(["attention is all you need", "diffusion models"]);
    console.log(vectors.length);
  `;
  const started = performance.now();
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0);
  assert.equal(out.trim(), "2");
  assert.ok(performance.now() - started < 30_000, `took ${Math.round(performance.now() - started)} ms`);
});
