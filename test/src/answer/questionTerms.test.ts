import assert from "node:assert/strict";
import test from "node:test";
import { asksWhatNameIs, definesName, describesOnly, mentions, namesIn, shapeOf, titleIn } from "../../../src/answer/questionTerms.js";

test("given a question naming systems, then their names are found as written", () => {
  assert.deepEqual(namesIn("how does Search-R2 train its agent vs GLM-5?"), ["Search-R2", "GLM-5"]);
  assert.deepEqual(namesIn("what is Llama 4?"), ["Llama 4"]);
  assert.deepEqual(namesIn("What is Toolformer?"), ["Toolformer"]);
  assert.deepEqual(namesIn("How does ColBERT's late interaction work?"), ["ColBERT"], "a possessive names its owner");
});

test("given quantities and plain hyphenated words, then they are not taken for names", () => {
  assert.deepEqual(namesIn("the 2.3B-parameter model trained on 10k examples"), []);
  assert.deepEqual(namesIn("Swin vs CvT: CNN-like biases"), ["CvT"], "a sentence's first word may be any capitalised word");
  assert.deepEqual(namesIn("long o1-style reasoning traces from phi-4-mini"), ["o1", "phi-4-mini"], "a lower-case name made an adjective");
});

test("given a question asking what a name is, then it is told from one asking something of it", () => {
  for (const question of ["what is RoBERTa?", "tell me about the RoBERTa paper", "RoBERTa?", "so what's RoBERTa", "the RoBERTa paper"])
    assert.ok(asksWhatNameIs(question, "RoBERTa"), question);
  for (const question of ["what score on the RoBERTa leaderboard?", "how few parameters were enough for RoBERTa?"])
    assert.equal(asksWhatNameIs(question, "RoBERTa"), false, question);
});

test("given a name that only describes something else, then it is told from the thing asked about", () => {
  assert.ok(describesOnly("a reranker trained on DeepSeek-R1-labelled data", "DeepSeek-R1"));
  assert.equal(describesOnly("how does DeepSeek-R1 train its reasoning?", "DeepSeek-R1"), false);
  assert.equal(describesOnly("is Search-R2 better?", "Search"), false, "a name's own parts are the name's");
});

test("given the field's own abbreviations, then they name no paper alone, but do within a name", () => {
  assert.deepEqual(namesIn("lane detection with CNNs, or should I use LLMs and RL?"), []);
  assert.deepEqual(namesIn("what is Logic-RL? does RL on puzzles transfer?"), ["Logic-RL"]);
});

test("given a name and a text, then it is mentioned despite case, hyphens, plurals and acronyms", () => {
  assert.ok(mentions("we release ptm-torrent today", "PTMTorrent") === false);
  assert.ok(mentions("We present PTMTorrent, a dataset", "ptmtorrent"));
  assert.ok(mentions("Denoising Diffusion Probabilistic Models", "DDPM"));
  assert.ok(mentions("runs on an iPhone12", "iPhone"));
  assert.ok(mentions("Neural Machine Translation by Jointly Learning to Align", "Allign"), "one typo away");
});

test("given a different version of a name, then it is not mentioned", () => {
  assert.equal(mentions("Search-R1 trains an agent", "Search-R2"), false);
  assert.equal(mentions("QLoRA quantises", "LoRA"), false);
});

test("given the shape of a question, then definition, quantity and comparison are told apart", () => {
  assert.ok(shapeOf("what is PTMTorrent?").definition);
  assert.ok(shapeOf("How many PTM packages are in the PTMTorrent dataset?").quantity);
  assert.ok(shapeOf("compare FaceNet and ArcFace").comparison);
  assert.equal(shapeOf("which paper trains a discriminator on replaced tokens?").comparison, false);
});

test("given a question that quotes or is a paper's title, then the title is read from it; a plain question is no title", () => {
  assert.equal(titleIn("can you find “Attention Is All You Need” for me?"), "Attention Is All You Need");
  assert.equal(titleIn("Scaling Laws for Neural Language Models"), "Scaling Laws for Neural Language Models");
  assert.equal(titleIn("which methods reduce memory for long documents?"), undefined);
  assert.equal(titleIn("papers on diffusion for audio"), undefined);
});

test("given a text that introduces a name after the words its capitals spell, then it defines that name", () => {
  assert.ok(definesName("introduced LSTM-based Embeddings from Language Models (ELMo), an approach", "ELMo"));
  assert.ok(definesName("proposes Universal Language Model Fine-tuning (ULMFiT), a transfer method", "ULMFiT"));
  assert.ok(definesName("We propose Low-Rank Adaptation (LORA), which freezes the weights", "LoRA"), "written in other case");
});

test("given a text that only uses a name, or brackets it after other words, then it does not define it", () => {
  assert.ok(!definesName("We compare our encoder with ELMo and BERT.", "ELMo"));
  assert.ok(!definesName("a strong contextual baseline (ELMo) is used", "ELMo"));
  assert.ok(!definesName("our method (Quill) is fast", "Quill"), "a name of one capital spells nothing");
});
