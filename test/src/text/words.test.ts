import assert from "node:assert/strict";
import test from "node:test";
import {
  STOP_WORDS,
  contentWordStems,
  countForms,
  contentWords,
  prefixStem,
  singular,
  squash,
  stemCoverage,
  suffixStem,
  titleStems,
  words,
  wordsOnly,
} from "../../../src/text/words.js";

test("given text with punctuation and case, then its words are the lower-cased runs of letters and digits", () => {
  assert.deepEqual(words("GPT-4o beats BERT's F1!"), ["gpt", "4o", "beats", "bert", "s", "f1"]);
  assert.deepEqual(words("Ünïcode naïve"), ["ünïcode", "naïve"]);
  assert.deepEqual(words("  "), []);
});

test("given a question, then its content words drop stop words and words of two letters or less", () => {
  assert.deepEqual(contentWords("What is the paper that uses RL for robots?"), ["uses", "robots"]);
  assert.ok(STOP_WORDS.has("paper") && STOP_WORDS.has("which"));
});

test("given words that share their first five letters, then they share a prefix stem, once per text", () => {
  assert.equal(prefixStem("modeling"), "model");
  assert.deepEqual(contentWordStems("models modeling model transformers"), ["model", "trans"]);
});

test("given a title, then its stems keep short words but not stop words", () => {
  assert.deepEqual(titleStems("RL for 2D Robots: a Study"), ["rl", "2d", "robot", "study"]);
});

test("given stems and a text, then coverage is the share of stems found in it, case aside", () => {
  assert.equal(stemCoverage(["model", "robot"], "A MODEL of the world"), 0.5);
  assert.equal(stemCoverage([], "anything"), 0);
});

test("given word forms, then the suffix stem and the singular strip what they say and keep short words", () => {
  assert.equal(suffixStem("modeling"), "model");
  assert.equal(suffixStem("models"), "model");
  assert.equal(suffixStem("gans"), "gans");
  assert.equal(singular("transformers"), "transformer");
  assert.equal(singular("loss"), "loss");
  assert.equal(singular("GANs"), "GANs");
});

test("given user punctuation, then squash and wordsOnly keep only letters and digits", () => {
  assert.equal(squash("GUI-G^2"), "guig2");
  assert.equal(wordsOnly('"LoRA" AND (rank)*'), "LoRA AND rank");
});

test("given counts spelled out, then their forms are the count and the size's letter, and thousands in digits", () => {
  assert.deepEqual(countForms("about a million clips, 7 billion parameters, one thousand prompts, 1.5 Million hours"), [
    "1m",
    "7b",
    "1k",
    "1,000",
    "1.5m",
  ]);
  assert.deepEqual(countForms("millions of clips, a thousandth, 12 thousands"), []);
});
