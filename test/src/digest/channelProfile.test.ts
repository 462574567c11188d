import assert from "node:assert/strict";
import { test } from "node:test";
import { buildDigest } from "../../../src/digest/buildDigest.js";
import {
  affinities,
  dayMonth,
  describeProfile,
  learnProfile,
  paperText,
  type PaperSignal,
  type PaperVote,
} from "../../../src/digest/channelProfile.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { makePaper, type NewPaperFields, type Paper } from "../../../src/paper.js";

const DATE = "2026-12-04";
const HF = `hf-daily-api:http://127.0.0.1:1/api/daily_papers?date=${DATE}`;
const embeddings = new LocalEmbeddings();

function paper(fields: Partial<NewPaperFields> & { title: string }): Paper {
  return makePaper({ source: HF, publishedAt: DATE, summary: `${fields.title} is studied here.`, authors: ["A. Author"], ...fields });
}

function vote(p: Paper, kind: PaperSignal, at = "2026-12-03T10:00:00.000Z", userId = "u1"): PaperVote {
  return { paperId: p.id, userId, vote: kind, at, title: p.title, text: paperText(p), keywords: p.keywords ?? [] };
}

// What the channel voted on, days before.
const likedBefore = [
  paper({
    title: "Latent Diffusion for Video Generation",
    arxivId: "2612.00001",
    summary: "We train a video diffusion model that generates long, coherent videos from text prompts.",
  }),
  paper({
    title: "Consistent Video Diffusion with Temporal Attention",
    arxivId: "2612.00002",
    summary: "A diffusion model for text-to-video generation with temporal attention layers.",
  }),
];
const dislikedBefore = [
  paper({
    title: "Robot Manipulation with Language Agents",
    arxivId: "2612.00003",
    summary: "An embodied agent plans robot manipulation tasks with a language model.",
  }),
  paper({
    title: "Agents for Robot Navigation",
    arxivId: "2612.00004",
    summary: "Robot navigation agents that plan with language models in embodied environments.",
  }),
];

// The day's papers: the robotics one has the most upvotes, the video diffusion one the fewest.
const today = [
  paper({
    title: "Embodied Robot Agents That Plan Manipulation",
    arxivId: "2612.00101",
    upvotes: 40,
    summary: "Language agents control robot arms for manipulation in embodied settings.",
  }),
  paper({
    title: "Scaling Laws for Tabular Data",
    arxivId: "2612.00102",
    upvotes: 30,
    summary: "We study scaling of tabular prediction models.",
  }),
  paper({
    title: "Sparse Attention for Long Documents",
    arxivId: "2612.00103",
    upvotes: 20,
    summary: "An attention pattern for long document understanding.",
  }),
  paper({
    title: "Robot Agents Learn Navigation from Video",
    arxivId: "2612.00104",
    upvotes: 12,
    summary: "Embodied robot agents navigate with language model planning.",
  }),
  paper({ title: "Faster Tokenizers for Tabular Text", arxivId: "2612.00106", upvotes: 5, summary: "A tokenizer for tables and text." }),
  paper({
    title: "Text-to-Video Diffusion at Low Cost",
    arxivId: "2612.00105",
    upvotes: 3,
    summary: "A cheap video diffusion model for text-to-video generation.",
  }),
];

const votes = [...likedBefore.map((p) => vote(p, "up")), ...dislikedBefore.map((p) => vote(p, "down"))];

test("given no votes, then the digest ranks exactly as without a profile (cold start)", async () => {
  const profile = await learnProfile([], embeddings);
  const [plain, learned] = await Promise.all([
    buildDigest({ papers: today, date: DATE, max: 3 }),
    buildDigest({ papers: today, date: DATE, max: 3, profile }),
  ]);
  assert.deepEqual(learned, plain);
});

test("given 👍 on video diffusion and 👎 on robot agents, then the video diffusion paper rises with the reason and the robot papers sink", async () => {
  const profile = await learnProfile(votes, embeddings);
  const digest = await buildDigest({ papers: today, date: DATE, max: today.length, profile });
  const ids = digest.entries.map((e) => e.arxivId);
  assert.equal(ids[0], "2612.00105", JSON.stringify(digest.entries.map((e) => [e.title, e.score])));
  assert.match(
    digest.entries[0]!.reason ?? "",
    /^like “(Latent Diffusion for Video Generation|Consistent Video Diffusion with Temporal Attention)” you 👍 on 3 Dec$/,
  );
  assert.ok(ids.indexOf("2612.00104") > ids.indexOf("2612.00102"), "the robot navigation paper below a neutral one");
  assert.ok(ids.indexOf("2612.00101") > ids.indexOf("2612.00103"), "the robot manipulation paper below a less upvoted neutral one");
});

test(
  "given a profile that would push one of the day's 3 most upvoted papers out, then it stays in the " +
    "digest while its kind is not clearly disliked",
  async () => {
    const profile = await learnProfile(votes, embeddings);
    const without = await buildDigest({
      papers: today,
      date: DATE,
      max: 4,
      profile: { ...profile, weights: { ...profile.weights, dislikeTerms: -Infinity, dislikeMargin: -Infinity } },
    });
    assert.ok(
      !without.entries.some((e) => e.arxivId === "2612.00101"),
      "with every paper taken for a disliked kind, the robot paper leaves the digest",
    );
    const digest = await buildDigest({ papers: today, date: DATE, max: 4, profile });
    const ids = digest.entries.map((e) => e.arxivId);
    assert.equal(ids.length, 4);
    assert.ok(
      ids.includes("2612.00101"),
      `two 👎 on robot papers do not yet make the day's most upvoted paper a disliked kind: ${JSON.stringify(ids)}`,
    );
    assert.ok(ids.includes("2612.00105"));
    assert.ok(!ids.includes("2612.00106"), "the lowest ranked other paper made room");
    assert.ok(ids.indexOf("2612.00101") > ids.indexOf("2612.00102"), "kept, but in its learned place");
  },
);

test("given a member who changes a vote, then only the latest counts, and a 👍 and a 👎 by two members cancel out", async () => {
  const [a, b] = likedBefore as [Paper, Paper];
  const changed = await learnProfile([vote(a, "up", "2026-12-01T10:00:00.000Z"), vote(a, "down", "2026-12-02T10:00:00.000Z")], embeddings);
  assert.deepEqual(changed.liked, []);
  assert.deepEqual(
    changed.disliked.map((p) => p.paperId),
    [a.id],
  );
  const split = await learnProfile(
    [vote(b, "up", "2026-12-01T10:00:00.000Z", "u1"), vote(b, "down", "2026-12-01T11:00:00.000Z", "u2")],
    embeddings,
  );
  assert.deepEqual([split.liked, split.disliked], [[], []]);
});

test("given votes, then the profile's description names the papers and the words it learned", async () => {
  const profile = await learnProfile(votes);
  const described = describeProfile(profile);
  assert.deepEqual(described.liked.sort(), likedBefore.map((p) => p.title).sort());
  assert.ok(described.likedWords.includes("diffusion") && described.likedWords.includes("video"), JSON.stringify(described));
  assert.ok(described.dislikedWords.includes("robot"), JSON.stringify(described));
  assert.equal(dayMonth("2026-12-03T23:59:00Z"), "3 Dec");
});

const VIDEO_TODAY = 5; // "Text-to-Video Diffusion at Low Cost", the day's least upvoted

test("given a paper only asked about in a digest's thread, then like papers rise, less than for a 👍, with the reason saying it was asked about", async () => {
  const [liked] = likedBefore as [Paper];
  const [askedOnly, upvoted] = await Promise.all([
    learnProfile([vote(liked, "asked")], embeddings),
    learnProfile([vote(liked, "up")], embeddings),
  ]);
  assert.deepEqual(
    askedOnly.liked.map((p) => [p.title, p.asked]),
    [[liked.title, true]],
  );
  assert.ok(askedOnly.strength < upvoted.strength, `${askedOnly.strength} < ${upvoted.strength}`);
  const [fromQuestion, fromVote] = await Promise.all([affinities(askedOnly, today), affinities(upvoted, today)]);
  const video = fromQuestion[VIDEO_TODAY]!;
  assert.ok(video.boost > 0, JSON.stringify(video));
  assert.ok(video.boost < fromVote[VIDEO_TODAY]!.boost, `${video.boost} < ${fromVote[VIDEO_TODAY]!.boost}`);
  assert.equal(video.reason, "like “Latent Diffusion for Video Generation” asked about in the thread on 3 Dec");
  assert.equal(fromVote[VIDEO_TODAY]!.reason, "like “Latent Diffusion for Video Generation” you 👍 on 3 Dec");
  assert.ok(Math.max(...fromQuestion.filter((_, i) => i !== VIDEO_TODAY).map((a) => a.boost)) < video.boost, "the video paper gains most");
  assert.deepEqual(describeProfile(askedOnly).askedAbout, [liked.title]);

  const digest = await buildDigest({ papers: today, date: DATE, max: today.length, profile: askedOnly });
  assert.equal(digest.entries[0]?.arxivId, "2612.00105", "the day's least upvoted paper, like the one asked about, first");
  assert.match(digest.entries[0]?.reason ?? "", /asked about in the thread on 3 Dec/);
});

test("given a member who asked about a paper and voted on it, then their vote alone counts; questions by two members weigh as one 👍", async () => {
  const [a, b] = likedBefore as [Paper, Paper];
  const askedThenDown = await learnProfile([vote(a, "asked", "2026-12-01T10:00:00.000Z"), vote(a, "down", "2026-12-02T10:00:00.000Z")]);
  assert.deepEqual(
    askedThenDown.disliked.map((p) => [p.paperId, p.net]),
    [[a.id, -1]],
  );
  const askedAndUp = await learnProfile([vote(a, "up", "2026-12-01T10:00:00.000Z"), vote(a, "asked", "2026-12-02T10:00:00.000Z")]);
  assert.deepEqual(
    askedAndUp.liked.map((p) => [p.net, p.asked, p.at]),
    [[1, false, "2026-12-01T10:00:00.000Z"]],
  );
  const twoAsked = await learnProfile([vote(b, "asked", undefined, "u1"), vote(b, "asked", undefined, "u2")]);
  assert.deepEqual(
    twoAsked.liked.map((p) => [p.net, p.asked]),
    [[1, true]],
  );
  assert.equal(twoAsked.strength, 1);
});
