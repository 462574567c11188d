import assert from "node:assert/strict";
import { test } from "node:test";
import { findCalendarDay, findTimeWindow, topicOf } from "../../../src/retrieve/timeWindow.js";

const TODAY = new Date("2026-11-23T15:00:00Z");

test("given 'this week', then papers published in the last 7 days are asked for, and the rest of the question is kept", () => {
  const window = findTimeWindow("What's new this week on diffusion models?", TODAY);
  assert.deepEqual(window?.filters, { publishedAfter: "2026-11-16", publishedBefore: "2026-11-23" });
  assert.equal(window?.rest, "What's new on diffusion models?");
  assert.equal(window?.label, "this week (since 16 Nov 2026)");
});

test("given a window in days, weeks or months, in digits or words, then it counts back from today and stops at today", () => {
  const cases: [string, string][] = [
    ["papers from the last 3 days", "2026-11-20"],
    ["anything on agents in the past two weeks?", "2026-11-09"],
    ["what came out over the last few months", "2026-08-25"],
    ["robotics papers of the past week", "2026-11-16"],
    ["speech work last month", "2026-10-24"],
    ["new retrieval papers today", "2026-11-23"],
  ];
  for (const [question, since] of cases)
    assert.deepEqual(findTimeWindow(question, TODAY)?.filters, { publishedAfter: since, publishedBefore: "2026-11-23" }, question);
});

test("given 'yesterday', then only that day is asked for", () => {
  assert.deepEqual(findTimeWindow("What was published yesterday?", TODAY)?.filters, {
    publishedAfter: "2026-11-22",
    publishedBefore: "2026-11-22",
  });
});

test("given years, then the window is on the paper's year", () => {
  const cases: [string, object][] = [
    ["Which papers since 2023 use LoRA?", { yearFrom: 2023 }],
    ["quantization work before 2020", { yearTo: 2019 }],
    ["vision transformers after 2021", { yearFrom: 2022 }],
    ["agents between 2021 and 2023", { yearFrom: 2021, yearTo: 2023 }],
    ["retrieval from 2019 to 2022", { yearFrom: 2019, yearTo: 2022 }],
    ["which paper published in 2024 introduced this?", { yearFrom: 2024, yearTo: 2024 }],
    ["what was new in 2022 on speech?", { yearFrom: 2022, yearTo: 2022 }],
    ["best papers this year", { yearFrom: 2026, yearTo: 2026 }],
    ["best papers last year", { yearFrom: 2025, yearTo: 2025 }],
  ];
  for (const [question, filters] of cases) assert.deepEqual(findTimeWindow(question, TODAY)?.filters, filters, question);
});

test("given a question with dates, numbers or month names that name no window, then nothing is filtered", () => {
  for (const question of [
    "What did the 2017 attention paper show?",
    "How does Mamba compare with transformers in May benchmarks?",
    "Which model has 7 billion parameters?",
    "What is the role of the last layer?",
    "a week-long evaluation of agents",
    "What do today's language models still get wrong about arithmetic?",
    "which pre-training method trains a discriminator to spot tokens swapped in by a small generator?",
  ]) {
    assert.equal(findTimeWindow(question, TODAY), undefined, question);
  }
});

test("given what is left of a question, then newness words are not a topic and a subject is", () => {
  assert.equal(topicOf("What's new?"), "");
  assert.equal(topicOf("anything interesting out"), "");
  assert.equal(topicOf("Show me the latest papers"), "");
  assert.equal(topicOf("What's new on robot learning?"), "robot learning");
});

test(
  "given one calendar day in a question, then findCalendarDay takes it (the last such day up to today " +
    "when no year is given), and findTimeWindow leaves it alone",
  () => {
    const cases: [string, string, string][] = [
      ["which papers did the digest have on 3 Dec?", "2025-12-03", "which papers did the digest have?"],
      ["the digest of November 20th", "2026-11-20", "the digest"],
      ["what was posted on Nov. 23, 2026?", "2026-11-23", "what was posted?"],
      ["the digest from the 2nd of March 2024", "2024-03-02", "the digest"],
      ["anything on agents in the digest on 2026-11-21?", "2026-11-21", "anything on agents in the digest?"],
      ["papers in today's digest", "2026-11-23", "papers in digest"],
      ["yesterday's digest", "2026-11-22", "digest"],
    ];
    for (const [question, day, rest] of cases) {
      const window = findCalendarDay(question, TODAY);
      assert.deepEqual(window?.filters, { publishedAfter: day, publishedBefore: day }, question);
      assert.equal(window?.rest, rest, question);
    }
    assert.equal(findCalendarDay("which papers did the digest have on 3 Dec?", TODAY)?.label, "on 3 Dec 2025");
    assert.equal(findTimeWindow("which papers did the digest have on 3 Dec?", TODAY), undefined);
    for (const question of ["the digest on 31 Feb", "what is the 2026-13-01 release?", "how may 3 layers help?", "results on 4 marathons"])
      assert.equal(findCalendarDay(question, TODAY), undefined, question);
  },
);
