import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { AnswerVoteStore, type AnswerVote } from "../../../src/store/answerVotes.js";
import { DigestVoteStore } from "../../../src/store/digestVotes.js";
import { tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

/** What `paperbot votes --json` prints. */
interface VotesJson {
  since: string | null;
  answers: {
    counts: { up: number; down: number };
    votes: {
      at: string;
      vote: "up" | "down";
      question: string | null;
      answer: string;
      citations: { n: number; paperId: string; title: string }[];
      grounded: boolean | null;
      mode: string | null;
      userId: string;
      channelId: string;
      guildId: string | null;
      messageId: string | null;
      answerId: string;
    }[];
  };
  digest: { channels: { channelId: string; up: number; down: number; asked: number; papers: number; latestAt: string }[] };
}

const ELECTRA = { n: 1, paperId: "arxiv:2003.10555", title: "ELECTRA: Pre-training Text Encoders as Discriminators" };

const answerVote = (fields: Partial<AnswerVote>): AnswerVote => ({
  answerId: "a1",
  userId: "111111111111111111",
  vote: "up",
  at: "2026-12-01T09:00:00.000Z",
  channelId: "222222222222222222",
  guildId: "333333333333333333",
  messageId: "444444444444444444",
  question: "which method detects replaced tokens?",
  answer: "ELECTRA trains a discriminator to spot replaced tokens [1].",
  citations: [ELECTRA],
  grounded: true,
  mode: "extractive",
  ...fields,
});

/** A library holding votes as the bot leaves them: two 👍, two 👎 (one after a restart), and digest votes in two channels. */
async function libraryWithVotes(dir: string): Promise<string> {
  const uri = join(dir, "db");
  const answers = await AnswerVoteStore.open({ uri });
  await answers.vote(answerVote({}));
  await answers.vote(answerVote({ userId: "555555555555555555", at: "2026-12-02T10:00:00.000Z" }));
  await answers.vote(
    answerVote({
      answerId: "a2",
      vote: "down",
      at: "2026-12-03T11:00:00.000Z",
      question: "what top-5 error did the 2012 ImageNet network reach?",
      answer: "I couldn't find an answer to that in the library.",
      citations: [],
      grounded: false,
    }),
  );
  const {
    question: _,
    grounded: __,
    mode: ___,
    ...afterRestart
  } = answerVote({
    answerId: "a3",
    vote: "down",
    at: "2026-12-05T12:30:00.000Z",
    answer: "Quoted answer as shown in Discord [1]",
    citations: [],
  });
  await answers.vote(afterRestart);
  answers.close();

  const digest = await DigestVoteStore.open({ uri });
  const paper = { paperId: "arxiv:2611.10003", title: "Byte-Level Language Models", text: "Byte-Level Language Models", keywords: [] };
  await digest.vote({ ...paper, channelId: "c-general", userId: "u1", vote: "up", at: "2026-12-02T08:00:00.000Z" });
  await digest.vote({ ...paper, channelId: "c-general", userId: "u2", vote: "down", at: "2026-12-04T08:00:00.000Z" });
  await digest.asked([{ ...paper, channelId: "c-general", userId: "u3", at: "2026-12-04T09:00:00.000Z" }]);
  await digest.vote({ ...paper, channelId: "c-other", userId: "u1", vote: "up", at: "2026-11-30T08:00:00.000Z" });
  digest.close();
  return uri;
}

test(
  "given votes in the library, then `votes --json` reports every answer vote (newest first) with its " +
    "question, answer, citations and counts, and the digest votes per channel",
  async (t) => {
    const dir = await tempDir(t);
    const uri = await libraryWithVotes(dir);
    const run = await runCli(["votes", "--json"], { cwd: dir, env: { LANCEDB_URI: uri } });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as VotesJson;
    assert.equal(report.since, null);
    assert.deepEqual(report.answers.counts, { up: 2, down: 2 });
    assert.deepEqual(
      report.answers.votes.map((v) => [v.answerId, v.vote, v.at]),
      [
        ["a3", "down", "2026-12-05T12:30:00.000Z"],
        ["a2", "down", "2026-12-03T11:00:00.000Z"],
        ["a1", "up", "2026-12-02T10:00:00.000Z"],
        ["a1", "up", "2026-12-01T09:00:00.000Z"],
      ],
    );
    assert.deepEqual(report.answers.votes[3], {
      at: "2026-12-01T09:00:00.000Z",
      vote: "up",
      question: "which method detects replaced tokens?",
      answer: "ELECTRA trains a discriminator to spot replaced tokens [1].",
      citations: [ELECTRA],
      grounded: true,
      mode: "extractive",
      userId: "111111111111111111",
      channelId: "222222222222222222",
      guildId: "333333333333333333",
      messageId: "444444444444444444",
      answerId: "a1",
    });
    const afterRestart = report.answers.votes[0]!;
    assert.deepEqual(
      [afterRestart.question, afterRestart.grounded, afterRestart.mode, afterRestart.answer],
      [null, null, null, "Quoted answer as shown in Discord [1]"],
    );
    assert.deepEqual(report.digest.channels, [
      { channelId: "c-general", up: 1, down: 1, asked: 1, papers: 1, latestAt: "2026-12-04T09:00:00.000Z" },
      { channelId: "c-other", up: 1, down: 0, asked: 0, papers: 1, latestAt: "2026-11-30T08:00:00.000Z" },
    ]);
  },
);

test(
  "given --down and --since, then only the 👎 from that day on are listed, the counts cover the period, " +
    "and a bad day is refused naming the flag",
  async (t) => {
    const dir = await tempDir(t);
    const uri = await libraryWithVotes(dir);
    const run = await runCli(["votes", "--down", "--since", "2026-12-02", "--json"], { cwd: dir, env: { LANCEDB_URI: uri } });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as VotesJson;
    assert.equal(report.since, "2026-12-02");
    assert.deepEqual(report.answers.counts, { up: 1, down: 2 });
    assert.deepEqual(
      report.answers.votes.map((v) => [v.answerId, v.question]),
      [
        ["a3", null],
        ["a2", "what top-5 error did the 2012 ImageNet network reach?"],
      ],
    );
    assert.deepEqual(
      report.digest.channels.map((c) => [c.channelId, c.up, c.down, c.asked]),
      [["c-general", 1, 1, 1]],
    );

    const bad = await runCli(["votes", "--since", "2026-02-30"], { cwd: dir, env: { LANCEDB_URI: uri } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--since "2026-02-30": expected a day as YYYY-MM-DD/);
    assert.equal(bad.stdout, "");
  },
);

test("given votes, then `votes` prints the counts, the latest 👎 questions with their answers and citations, and the digest votes per channel", async (t) => {
  const dir = await tempDir(t);
  const uri = await libraryWithVotes(dir);
  // A .env from before votes moved into the library: its VOTES_FILE must not stop the command.
  await writeFile(join(dir, ".env"), "VOTES_FILE=./data/votes.jsonl\n");
  const run = await runCli(["votes"], { cwd: dir, env: { LANCEDB_URI: uri } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Votes on answers: 2 👍, 2 👎\n/);
  assert.match(
    run.stdout,
    /Latest 👎, newest first:\n {2}2026-12-05 12:30 {2}\(question not known: voted after a restart\)\n {20}answer: “Quoted answer as shown in Discord \[1\]”\n/,
  );
  assert.match(
    run.stdout,
    / {2}2026-12-03 11:00 {2}“what top-5 error did the 2012 ImageNet network reach\?”\n {20}answer: “I couldn't find an answer to that in the library\.”\n {20}no answer found · extractive\n/,
  );
  assert.doesNotMatch(run.stdout, /which method detects replaced tokens/, "👍 questions are counted, not listed");
  assert.match(
    run.stdout,
    /Votes on digest papers, by channel:\n {2}c-general {2}1 👍, 1 👎, 1 asked about in the thread · 1 paper · latest 2026-12-04\n/,
  );
});

test("given a library nobody voted in, then `votes` says so and exits 0", async (t) => {
  const dir = await tempDir(t);
  const run = await runCli(["votes"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "No votes on answers yet.\n\nNo votes on digest papers yet.\n");
  const json = await runCli(["votes", "--json"], { cwd: dir, env: { LANCEDB_URI: join(dir, "db") } });
  assert.deepEqual(JSON.parse(json.stdout), { since: null, answers: { counts: { up: 0, down: 0 }, votes: [] }, digest: { channels: [] } });
});
