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
      {
        n: 1,
        paperId: "arxiv:2003.10555",
        title: "ELECTRA: Pre-training Text Encoders as Discriminators",
        url: "https://arxiv.org/abs/2003.10555",
        links: {},
      },
      { n: 2, paperId: "title:x", title: "A paper [with] brackets", url: undefined, links: {} },
    ],
  });
  assert.equal(rest.length, 0);
  assert.match(
    message!,
    /\*\*Sources\*\*\n1\. \[ELECTRA: Pre-training Text Encoders as Discriminators\]\(<https:\/\/arxiv\.org\/abs\/2003\.10555>\)\n2\. A paper \\\[with\\\] brackets$/,
  );
  assert.deepEqual(sourceTitlesIn(message!), ["ELECTRA: Pre-training Text Encoders as Discriminators", "A paper [with] brackets"]);
});

test("given a 5,000-character answer, then every message fits and the sources list stays whole in the last one", () => {
  const long = Array.from(
    { length: 75 },
    (_, i) => `Finding ${i} holds across the reported benchmarks and settings [${(i % 2) + 1}].`,
  ).join(" ");
  const citations = [1, 2].map((n) => ({
    n,
    paperId: `p${n}`,
    title: `Paper number ${n}`,
    url: `https://arxiv.org/abs/2401.0000${n}`,
    links: {},
  }));
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
    closest: [{ n: 1, paperId: "p", title: "Closest @everyone paper", url: "https://arxiv.org/abs/1", links: {} }],
  });
  assert.match(message!, /^I couldn't find an answer to that in the library\.\n\n\*\*Closest papers in the library\*\*\n1\. /);
  assert.doesNotMatch(message!, /@everyone/);
});

test("given an LLM failure notice, then it is shown as one small line above the answer", () => {
  const [message] = answerMessages({
    ...base,
    notice: "The language model is unavailable right now.",
    answer: "Quoted [1].",
    citations: [{ n: 1, paperId: "p", title: "T", url: undefined, links: {} }],
  });
  assert.match(message!, /^-# The language model is unavailable right now\.\n\nQuoted \[1\]\./);
});

test("given a model's answer with quotes and links, then each title is followed by its other links and its quote, and the titles still read back", () => {
  const [message] = answerMessages({
    ...base,
    mode: "llm",
    answer: "ELECTRA trains a discriminator [1].",
    citations: [
      {
        n: 1,
        paperId: "arxiv:2003.10555",
        title: "ELECTRA: Pre-training Text Encoders as Discriminators",
        url: "https://arxiv.org/abs/2003.10555",
        links: { arxiv: "https://arxiv.org/abs/2003.10555", code: "https://github.com/google-research/electra" },
        quote: `We train a discriminator that predicts whether each token was replaced by a generator sample @everyone ${"and more words ".repeat(30)}`,
      },
    ],
  });
  assert.match(
    message!,
    /\n1\. \[ELECTRA[^\n]*\]\(<https:\/\/arxiv\.org\/abs\/2003\.10555>\) · \[code\]\(<https:\/\/github\.com\/google-research\/electra>\)\n> We train a discriminator/,
  );
  const quoteLine = message!.split("\n").find((line) => line.startsWith("> "))!;
  assert.ok(quoteLine.length < 260 && quoteLine.endsWith("…"), "a long quote is cut at a word");
  assert.doesNotMatch(message!, /@everyone/);
  assert.deepEqual(sourceTitlesIn(message!), ["ELECTRA: Pre-training Text Encoders as Discriminators"]);
});

test("given a name the library lacks, then the user is told which", () => {
  const [message] = answerMessages({
    ...base,
    grounded: false,
    refusal: "I don't have “GLM-5” in the library.",
    answer: "I don't have “GLM-5” in the library. The closest papers I have are: “X”.",
  });
  assert.match(message!, /^I don't have “GLM-5” in the library\./);
});

test("given an extractive answer, then its sentences, the papers' own, are not repeated as quotes", () => {
  const sentence = "We train a discriminator that predicts whether each token was replaced.";
  const [message] = answerMessages({
    ...base,
    answer: `${sentence} [1]`,
    citations: [{ n: 1, paperId: "p", title: "ELECTRA", url: undefined, links: {}, quote: sentence.slice(0, -1) }],
  });
  assert.doesNotMatch(message!, /^> /m);
});
