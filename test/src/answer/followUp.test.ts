import assert from "node:assert/strict";
import test from "node:test";
import { inConversation, standaloneQuestion, type Turn } from "../../../src/answer/followUp.js";

const DEIT: Turn = {
  question: "what is DeiT",
  sourceTitles: ["Training data-efficient image transformers & distillation through attention"],
};

test("given a chain of follow-ups, then the last one is still read with the question that named the paper", () => {
  const history: Turn[] = [{ question: "what's the architecture of Falcon-H1?" }, { question: "which model sizes did they release" }];
  const standalone = standaloneQuestion("how long a context does it support?", history);
  assert.match(standalone, /Falcon-H1/);
  assert.match(standalone, /model sizes/);
});

test("given a follow-up that names nothing, then it is read with the previous question", () => {
  const standalone = standaloneQuestion("where do the tasks come from and how many are there?", [
    { question: "what does MLE-bench measure?" },
  ]);
  assert.match(standalone, /MLE-bench/);
});

test("given a question that starts a new search, then it is searched as it is", () => {
  for (const question of [
    "is there a paper that uses T5 as a reranker instead?",
    "are there other papers that train GUI agents with online RL without needing human annotations?",
    "wasn't there a paper claiming you only need about a thousand examples for alignment?",
    "did anyone check whether random search over sparse configurations works as well?",
    "and is there a diffusion LM that fills spans and decodes them in parallel so it can keep the KV cache?",
    "ok so are there papers that train GUI agents with online RL?",
    "anything that lets a user steer the in-between motion by editing keypoint trajectories?",
    "anything similar for text? like whether a detector trained on one model's text transfers to others",
    "what about approaches that keep only a few informative tokens before they reach the LLM?",
    "and what about self-play where the agent proposes its own search tasks?",
    "what about getting multimodal models to write plotting code for a given figure?",
    "and one where the same encoder does both retrieval and reranking?",
  ]) {
    assert.equal(standaloneQuestion(question, [DEIT]), question);
  }
});

test("given 'what about' a setting, or 'anything else', then it asks the thread's paper more", () => {
  for (const question of ["and what about at 4 bits?", "what about the 70B model?", "anything else?"])
    assert.match(standaloneQuestion(question, [DEIT]), /follow-up to: what is DeiT/, question);
});

test("given a question naming its own subject, then the conversation is not added to it", () => {
  const question = "How does ColBERT's late interaction compare with a cross-encoder?";
  assert.equal(standaloneQuestion(question, [DEIT]), question);
});

test("given an ordinal, then it is replaced by that source's title", () => {
  const standalone = standaloneQuestion("what dataset did the second one use?", [
    { question: "long documents?", sourceTitles: ["A", "Lantern: Linear Attention"] },
  ]);
  assert.match(standalone, /"Lantern: Linear Attention"/);
});

test("given a long thread of follow-ups, then only the last few questions are carried", () => {
  const history: Turn[] = Array.from({ length: 12 }, (_, i) => ({ question: `and what about it, part ${i}?` }));
  const standalone = standaloneQuestion("and what did it cost?", history);
  assert.doesNotMatch(standalone, /part 8\b/);
  assert.match(standalone, /part 11\b/);
});

test("given a follow-up naming something, then its reading with the conversation carries the thread's question, unless it starts a new search", () => {
  const history: Turn[] = [{ question: "is there autoregressive video pretraining by next-frame prediction?" }];
  const named = "how does that compare with BERT-style masked modeling?";
  assert.equal(standaloneQuestion(named, history), named, "the rule reads it alone");
  assert.equal(inConversation(named, history), `${named} (follow-up to: ${history[0]!.question})`);
  const newSearch = "is there a paper that uses T5 as a reranker?";
  assert.equal(inConversation(newSearch, history), newSearch);
});

test("given a new search whose pronoun points back at the thread, then it is read with the conversation", () => {
  for (const question of ["and are there papers that build on it?", "is there code for their method?"])
    assert.match(standaloneQuestion(question, [DEIT]), /follow-up to: what is DeiT/, question);
});

test("given a question between that named something but was answered from the thread's paper, then the next follow-up is still read with the question that named the paper", () => {
  const dirl = ["DiRL: An Efficient Post-Training Framework for Diffusion Language Models"];
  const history: Turn[] = [
    { question: "what is DiRL, the post-training framework for diffusion language models?", sourceTitles: dirl },
    { question: "how is FlexAttention used in the training loop?", sourceTitles: dirl },
  ];
  assert.match(standaloneQuestion("did it beat Qwen2.5 models on math?", history), /what is DiRL/);
  const switched: Turn[] = [history[0]!, { ...history[1]!, sourceTitles: ["FlexAttention: A Programming Model"] }];
  assert.doesNotMatch(standaloneQuestion("did it beat Qwen2.5 models on math?", switched), /what is DiRL/, "answered from another paper");
});

test("given 'the 32B model', then the follow-up is read with the previous question", () => {
  const history: Turn[] = [{ question: "is there a self-play method where one LLM both decomposes and solves?" }];
  assert.match(standaloneQuestion("how does the 32B model compare with DeepSeek-V3?", history), /follow-up to: is there a self-play/);
});
