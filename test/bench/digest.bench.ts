/**
 * `npm run bench:digest`: does a digest that learns from a channel's 👍/👎 show the channel more of what it
 * likes and less of what it does not, without hiding the day's big papers? Simulated channels on the real
 * daily lists of ../shared/corpus (Hugging Face Daily Papers, 2024–2025): each has a hidden taste (liked and
 * disliked kinds of paper, by words in title and abstract), votes on the papers of its first 5 digests as
 * its taste says (👍 liked kind, 👎 disliked kind, nothing otherwise), then receives 30 more days of
 * digests, ranked with what it taught (learned) and as today (upvotes). The profile's weights are chosen
 * on channels starting in 2024 and reported on channels starting in 2025. Exits 1 when a floor of
 * issue #14 fails on the report set: precision@5 of liked papers ≥ 1.5× today's, share of disliked papers
 * in the top 5 ≤ half of today's, and no paper among the day's 3 most upvoted left out of the digest
 * unless the channel dislikes its kind.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseHfDailyApi } from "../../ingest/parsers/hfDailyApi.js";
import { buildDigest, type Digest } from "../../src/digest/buildDigest.js";
import { learnProfile, DEFAULT_PROFILE_WEIGHTS, type PaperVote, type ProfileWeights } from "../../src/digest/channelProfile.js";
import { LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import type { Paper } from "../../src/paper.js";

const CORPUS = new URL("../../../../shared/corpus/hf-daily-2024-2025.jsonl.gz", import.meta.url);
const VOTE_DAYS = 5;
const LATER_DAYS = 30;
const MAX = 10; // DIGEST_MAX_PAPERS' default
const AT = 5;
const START_EVERY = Number(process.env.BENCH_START_EVERY ?? 12);
const REPORT_FROM = "2025-01-01";

interface Taste {
  name: string;
  likes: RegExp;
  dislikes: RegExp;
}
const TASTES: Taste[] = [
  {
    name: "likes diffusion & video, not robots & agents",
    likes: /diffusion|video generation|text-to-video|image generation|text-to-image|image editing/i,
    dislikes: /robot|embodied|\bagents?\b|agentic/i,
  },
  {
    name: "likes LLM reasoning & RL, not images & 3D",
    likes: /reasoning|chain-of-thought|mathemati|\bmath\b|reinforcement learning/i,
    dislikes: /diffusion|\bvideos?\b|\bimages?\b|\b3D\b|gaussian splatting/i,
  },
  {
    name: "likes 3D vision, not LLM reasoning",
    likes: /\b3D\b|gaussian splatting|NeRF|radiance field|point cloud|depth estimation|\bmesh/i,
    dislikes: /reasoning|chain-of-thought|mathemati|instruction tuning/i,
  },
  {
    name: "likes speech & audio, not code & math",
    likes: /speech|audio|music|voice|spoken|\bTTS\b|\bASR\b/i,
    dislikes: /code generation|\bcoding\b|software engineering|mathemati|\bmath\b/i,
  },
];

type Kind = "liked" | "disliked" | "neutral";
function kindOf(taste: Taste, paper: Paper): Kind {
  const text = `${paper.title}\n${paper.summary}`;
  const likes = taste.likes.test(text);
  const dislikes = taste.dislikes.test(text);
  return likes && !dislikes ? "liked" : dislikes && !likes ? "disliked" : "neutral";
}

interface Day {
  date: string;
  papers: Paper[];
}
const days: Day[] = gunzipSync(readFileSync(CORPUS))
  .toString("utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => {
    const { date, items } = JSON.parse(line) as { date: string; items: unknown[] };
    const papers = parseHfDailyApi(JSON.stringify(items), {
      source: `hf-daily-${date}.json`,
      referenceDate: new Date(`${date}T23:59:59Z`),
    }).papers.map((p) => p.paper);
    return { date, papers };
  })
  .filter((d) => d.papers.length > 0)
  .sort((a, b) => a.date.localeCompare(b.date));

const embeddings = new LocalEmbeddings();
const starts = days.map((_, i) => i).filter((i) => i % START_EVERY === 0 && i + VOTE_DAYS + LATER_DAYS <= days.length);
const tuneStarts = starts.filter((i) => days[i]!.date < REPORT_FROM);
const reportStarts = starts.filter((i) => days[i]!.date >= REPORT_FROM);

interface Tally {
  channels: number;
  days: number;
  todayLiked: number;
  learnedLiked: number;
  todayDisliked: number;
  learnedDisliked: number;
  /** Papers among the day's 3 most upvoted left out of the learned digest though not of a disliked kind. */
  droppedTop: number;
  /** … and those left out that were of a disliked kind (allowed). */
  droppedDisliked: number;
  votes: number;
}
const emptyTally = (): Tally => ({
  channels: 0,
  days: 0,
  todayLiked: 0,
  learnedLiked: 0,
  todayDisliked: 0,
  learnedDisliked: 0,
  droppedTop: 0,
  droppedDisliked: 0,
  votes: 0,
});

const share = (taste: Taste, digest: Digest, papers: Map<string, Paper>, kind: Kind) => {
  const top = digest.entries.slice(0, AT);
  return top.length === 0 ? 0 : top.filter((e) => kindOf(taste, papers.get(e.id)!) === kind).length / top.length;
};

async function simulate(taste: Taste, start: number, weights: ProfileWeights, tally: Tally): Promise<void> {
  const votes: PaperVote[] = [];
  for (let d = 0; d < VOTE_DAYS; d++) {
    const day = days[start + d]!;
    const profile = await learnProfile(votes, embeddings, weights);
    const digest = await buildDigest({ papers: day.papers, date: day.date, max: MAX, profile });
    const byId = new Map(day.papers.map((p) => [p.id, p]));
    for (const entry of digest.entries) {
      const paper = byId.get(entry.id)!;
      const kind = kindOf(taste, paper);
      if (kind === "neutral") continue;
      votes.push({
        paperId: paper.id,
        userId: "member",
        vote: kind === "liked" ? "up" : "down",
        at: `${day.date}T12:00:00.000Z`,
        title: paper.title,
        text: `${paper.title}\n${paper.summary.slice(0, 1000)}`,
        keywords: paper.keywords ?? [],
      });
    }
  }
  tally.votes += votes.length;
  tally.channels++;
  const profile = await learnProfile(votes, embeddings, weights);
  for (let d = VOTE_DAYS; d < VOTE_DAYS + LATER_DAYS; d++) {
    const day = days[start + d]!;
    const byId = new Map(day.papers.map((p) => [p.id, p]));
    const [today, learned] = await Promise.all([
      buildDigest({ papers: day.papers, date: day.date, max: MAX }),
      buildDigest({ papers: day.papers, date: day.date, max: MAX, profile }),
    ]);
    tally.days++;
    tally.todayLiked += share(taste, today, byId, "liked");
    tally.learnedLiked += share(taste, learned, byId, "liked");
    tally.todayDisliked += share(taste, today, byId, "disliked");
    tally.learnedDisliked += share(taste, learned, byId, "disliked");
    const shown = new Set(learned.entries.map((e) => e.id));
    const topVoted = [...day.papers]
      .filter((p) => (p.upvotes ?? 0) > 0)
      .sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0))
      .slice(0, 3);
    for (const p of topVoted) {
      if (shown.has(p.id)) continue;
      if (kindOf(taste, p) === "disliked") tally.droppedDisliked++;
      else tally.droppedTop++;
    }
  }
}

async function run(startsOf: number[], weights: ProfileWeights): Promise<Map<Taste, Tally>> {
  const out = new Map<Taste, Tally>();
  for (const taste of TASTES) {
    const tally = emptyTally();
    for (const start of startsOf) await simulate(taste, start, weights, tally);
    out.set(taste, tally);
  }
  return out;
}

const p = (t: Tally) => ({
  todayP: t.todayLiked / t.days,
  learnedP: t.learnedLiked / t.days,
  todayD: t.todayDisliked / t.days,
  learnedD: t.learnedDisliked / t.days,
});
const passes = (t: Tally) => {
  const m = p(t);
  return m.learnedP >= 1.5 * m.todayP && m.learnedD <= 0.5 * m.todayD && t.droppedTop === 0;
};

// Choosing the ranking weights on the 2024 channels: every floor met for every taste first, then the most liked and fewest disliked papers.
const grid: ProfileWeights[] = [];
// The dislike thresholds are not tuned: they guard a promise (the day's big papers stay) rather than a
// figure, and a looser margin chosen on 2024 (0.2) let 2025's speech channels lose four of them.
for (const similarity of [0.5, 1, 2]) for (const terms of [0.5, 1, 2]) grid.push({ ...DEFAULT_PROFILE_WEIGHTS, similarity, terms });
const fitness = (result: Map<Taste, Tally>) => {
  let score = 0;
  for (const t of result.values()) {
    const m = p(t);
    score += m.learnedP - m.learnedD - (passes(t) ? 0 : 10) - t.droppedTop;
  }
  return score;
};
let best = { weights: DEFAULT_PROFILE_WEIGHTS as ProfileWeights, score: -Infinity };
const tuneAll = process.env.BENCH_TUNE !== "0";
console.log(
  `corpus: ${days.length} days (${days[0]!.date} … ${days.at(-1)!.date}); channels start every ${START_EVERY} days: ${tuneStarts.length} starts in 2024 (to choose the weights), ${reportStarts.length} in 2025 (reported)`,
);
if (tuneAll) {
  for (const weights of grid) {
    const score = fitness(await run(tuneStarts, weights));
    if (score > best.score) best = { weights, score };
  }
  console.log(
    `weights chosen on the 2024 channels: ${JSON.stringify(best.weights)} (defaults in src/digest/channelProfile.ts: ${JSON.stringify(DEFAULT_PROFILE_WEIGHTS)})`,
  );
}

const report = await run(reportStarts, best.weights);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `\n== digests of ${MAX} papers, top ${AT} measured, days ${VOTE_DAYS + 1}–${VOTE_DAYS + LATER_DAYS} after ${VOTE_DAYS} days of votes; channels starting in 2025 ==`,
);
console.log(
  [
    "taste",
    "channels",
    "votes/channel",
    "P@5 today",
    "P@5 learned",
    "×",
    "disliked today",
    "disliked learned",
    "top-3 dropped (not disliked / disliked)",
    "floors",
  ].join(" | "),
);
let failed = 0;
for (const [taste, t] of report) {
  const m = p(t);
  const ok = passes(t);
  if (!ok) failed++;
  console.log(
    [
      taste.name,
      t.channels,
      (t.votes / t.channels).toFixed(1),
      pct(m.todayP),
      pct(m.learnedP),
      m.todayP > 0 ? `${(m.learnedP / m.todayP).toFixed(2)}×` : "–",
      pct(m.todayD),
      pct(m.learnedD),
      `${t.droppedTop} / ${t.droppedDisliked}`,
      ok ? "met" : "FAILED",
    ].join(" | "),
  );
}
if (failed > 0) {
  console.error(`${failed} taste(s) below a floor of issue #14`);
  process.exit(1);
}
