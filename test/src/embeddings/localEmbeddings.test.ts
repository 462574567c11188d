import assert from "node:assert/strict";
import { test } from "node:test";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";

const embeddings = new LocalEmbeddings();
const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

test("given the same text twice, then the vectors are identical and unit length", async () => {
  const [a, b] = await embeddings.embedDocuments(["Sparse mixture of experts layers", "Sparse mixture of experts layers"]);
  assert.deepEqual(a, b);
  assert.equal(a!.length, embeddings.dimensions);
  assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-4);
});

test("given a paraphrase that shares no content word, then it is closer than an unrelated text", async () => {
  const query = await embeddings.embedQuery("a car drives down the highway");
  const paraphrase = await embeddings.embedQuery("automobile travelling on the motorway");
  const unrelated = await embeddings.embedQuery("protein folding predicted from amino acid sequences");
  assert.ok(cosine(query, paraphrase) > cosine(query, unrelated) + 0.1, `${cosine(query, paraphrase)} vs ${cosine(query, unrelated)}`);
});

test("given a question about a method, then the summary describing it ranks above other summaries", async () => {
  const question = await embeddings.embedQuery("how can a network recognise faces by learning a compact embedding space?");
  const docs = await embeddings.embedDocuments([
    "We train a convolutional model that maps face images to vectors where distance measures identity similarity, using a triplet loss.",
    "We propose a reinforcement learning algorithm for robotic grasping in cluttered scenes.",
    "A study of tokenisation choices for machine translation of low-resource languages.",
  ]);
  const scores = docs.map((d) => cosine(question, d));
  assert.equal(scores.indexOf(Math.max(...scores)), 0, scores.join(", "));
});

test("given a name no dictionary knows, then its spelling variants still match", async () => {
  const a = await embeddings.embedQuery("XLNetFormer pretraining");
  const b = await embeddings.embedQuery("xlnetformer pre-training results");
  const c = await embeddings.embedQuery("graph neural networks for molecules");
  assert.ok(cosine(a, b) > cosine(a, c) + 0.2);
});

test("given an empty text, then the vector is all zeros rather than NaN", async () => {
  const v = await embeddings.embedQuery("");
  assert.ok(v.every((x) => x === 0));
});
