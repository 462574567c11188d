import assert from "node:assert/strict";
import { test } from "node:test";
import type { Answer } from "../../../src/answer/createAnswerer.js";
import { answerMessages, sourceTitlesIn } from "../../../src/discord/answerMessages.js";

const base: Answer = {
  answer: "",
  citations: [],
  grounded: true,
  mode: "extractive",
  closest: [],
  removedCitations: 0,
  searchedFor: "q",
};

test("given a grounded answer, then it ends with numbered sources linked without previews, readable back for follow-ups", () => {
  const [message, ...rest] = answerMessages({
    ...base,
    answer: "ELECTRA trains a discriminator to spot replaced tokens [1]. It beats BERT at equal compute [2].",
    citations: [
      { n: 1, paperId: "arxiv:2003.10555", title: "ELECTRA: Pre-training Text Encoders as Discriminators", url: "https://arxiv.org/abs/2003.10555" },
      { n: 2, paperId: "title:x", title: "A paper [with] brackets", url: undefined },
    ],
  });
  assert.equal(rest.length, 0);
  assert.match(message!, /\*\*Sources\*\*\n1\. \[ELECTRA: Pre-training Text Encoders as Discriminators\]\(<https:\/\/arxiv\.org\/abs\/2003\.10555>\)\n2\. A paper \\\[with\\\] brackets$/);
  assert.deepEqual(sourceTitlesIn(message!), ["ELECTRA: Pre-training Text Encoders as Discriminators", "A paper [with] brackets"]);
});

test("given a 5,000-character answer, then every message fits and the sources list stays whole in the last one", () => {
  const long = Array.from({ length: 75 }, (_, i) => `Finding ${i} holds across the reported benchmarks and settings [${(i % 2) + 1}].`).join(" ");
  const citations = [1, 2].map((n) => ({ n, paperId: `p${n}`, title: `Paper number ${n}`, url: `https://arxiv.org/abs/2401.0000${n}` }));
  const parts = answerMessages({ ...base, answer: long, citations });
  assert.ok(long.length > 4000 && parts.length >= 3);
  for (const p of parts) assert.ok(p.length <= 2000);
  assert.match(parts.at(-1)!, /\*\*Sources\*\*\n1\. .+\n2\. .+$/);
});

test("given the library does not answer, then the user sees that plainly with the closest titles", () => {
  const [message] = answerMessages({
    ...base,
    grounded: false,
    answer: "I couldn't find an answer to that in the library. The closest papers I have are: “X”.",
    closest: [{ n: 1, paperId: "p", title: "Closest @everyone paper", url: "https://arxiv.org/abs/1" }],
  });
  assert.match(message!, /^I couldn't find an answer to that in the library\.\n\n\*\*Closest papers in the library\*\*\n1\. /);
  assert.doesNotMatch(message!, /@everyone/);
});

test("given an LLM failure notice, then it is shown as one small line above the answer", () => {
  const [message] = answerMessages({ ...base, notice: "The language model is unavailable right now.", answer: "Quoted [1].", citations: [{ n: 1, paperId: "p", title: "T", url: undefined }] });
  assert.match(message!, /^-# The language model is unavailable right now\.\n\nQuoted \[1\]\./);
});
