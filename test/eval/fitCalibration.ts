/**
 * `npm run eval:fit`: fits the answer-or-refuse model (src/answer/calibration.ts)
 * on the TUNE half of the eval questions only, and writes its numbers into that file.
 *
 * Each question turn is assessed exactly as `ask` assesses it (the answerer's
 * `assess`). Examples: an answerable turn whose expected paper search ranks first is
 * a "yes"; an out-of-library question is a "no"; answerable turns that search does
 * not rank first are left out of the fit (an answer would cite the wrong paper), but
 * count when the thresholds are chosen. Two fits: one for the local embedder (with
 * its cosine similarity), and `words`, with no similarity, for any other embedder.
 *
 *   npm run eval:fit -- [--keep DIR] [--without a,b] [--dump FILE: each turn's features and out-of-fold probability, as JSON]
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WORDS_ONLY, answerProbability, type Calibration } from "../../src/answer/calibration.js";
import { createAnswerer } from "../../src/answer/createAnswerer.js";
import { FEATURE_NAMES, type Features } from "../../src/answer/evidence.js";
import type { Turn } from "../../src/answer/followUp.js";
import { LOCAL_EMBEDDER_ID, LocalEmbeddings } from "../../src/embeddings/localEmbeddings.js";
import { normaliseTitle } from "../../src/paper.js";
import { createSearcher } from "../../src/retrieve/searchPapers.js";
import { PaperStore } from "../../src/store/paperStore.js";
import { PROJECT_ROOT } from "../helpers/paths.js";
import { buildLibrary } from "./evalLibraries.js";
import { isOutside, loadQuestions, type Kind, type Library } from "./evalQuestions.js";

// --without a,b: fit without these features, to see what each one is worth out of fold.
const { values: args } = parseArgs({
  options: { keep: { type: "string" }, without: { type: "string", default: "" }, dump: { type: "string" } },
});
const without = new Set(args.without.split(",").filter(Boolean));

/**
 * Answerable questions the extractive answer may refuse, and the model gate, on the tune half. Two
 * in a hundred, not three: on the tune half search ranks the right paper first for ~95% of them,
 * so every refusal comes out of the few points "right paper cited" (target 92%) has left.
 */
const MAX_REFUSED = 0.02;
const MAX_REFUSED_BEFORE_MODEL = 0.01;

interface Example {
  /** The question's id: all turns of a conversation fall in one fold. */
  id: string;
  kind: Kind;
  question: string;
  top: string;
  features: Features;
  /** A name in the question no retrieved paper mentions: refused before the model is consulted. */
  missing: boolean;
  /** 1: the library answers it (and search ranks the paper first), 0: it does not, undefined: answerable, not ranked first. */
  label: 0 | 1 | undefined;
}

async function collect(library: Library, root: string): Promise<Example[]> {
  const store = await PaperStore.open({ uri: await buildLibrary(library, root) });
  const embeddings = new LocalEmbeddings();
  const examples: Example[] = [];
  try {
    let today = new Date();
    const answerer = createAnswerer({ searcher: createSearcher({ store, embeddings }), embeddings, now: () => today });
    for (const q of loadQuestions().filter((x) => x.half === "tune" && x.library === library)) {
      today = q.today ? new Date(`${q.today}T12:00:00Z`) : new Date("2026-01-15T12:00:00Z");
      const history: Turn[] = [];
      for (const turn of q.turns) {
        const { hits, evidence } = await answerer.assess(turn.question, { history });
        // The next turn follows an answer that cited what this one expected.
        history.push({ question: turn.question, sourceTitles: turn.expected });
        if (!evidence) continue;
        const want = new Set(turn.expected.map(normaliseTitle));
        const first = hits[0] ? want.has(normaliseTitle(hits[0].title)) : false;
        examples.push({
          id: q.id,
          kind: q.kind,
          question: turn.question,
          top: hits[0]?.title ?? "",
          features: evidence.features,
          missing: evidence.missing.length > 0,
          label: isOutside(q.kind) ? 0 : first ? 1 : undefined,
        });
      }
    }
  } finally {
    store.close();
  }
  return examples;
}

/** L2-regularised logistic regression by gradient descent on standardised inputs; returns raw-scale weights. */
function fit(examples: readonly Example[], names: readonly (keyof Features)[]): Pick<Calibration, "bias" | "weights"> {
  const xs = examples.map((e) => names.map((n) => e.features[n]));
  const ys = examples.map((e) => e.label ?? 0);
  const mean = names.map((_, j) => xs.reduce((s, x) => s + x[j]!, 0) / xs.length);
  const sd = names.map((_, j) => Math.sqrt(xs.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / xs.length) || 1);
  const zs = xs.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  // Both classes count equally, however many examples each has.
  const positives = ys.filter((y) => y === 1).length;
  const weightOf = (y: number) => (y === 1 ? xs.length / (2 * positives) : xs.length / (2 * (xs.length - positives)));
  const w = names.map(() => 0);
  let b = 0;
  const lambda = 0.01;
  for (let step = 0; step < 5000; step++) {
    const gw = names.map(() => 0);
    let gb = 0;
    zs.forEach((z, i) => {
      const p = 1 / (1 + Math.exp(-(b + z.reduce((s, v, j) => s + v * w[j]!, 0))));
      const err = (p - ys[i]!) * weightOf(ys[i]!);
      z.forEach((v, j) => (gw[j]! += err * v));
      gb += err;
    });
    for (let j = 0; j < w.length; j++) w[j]! -= 0.5 * (gw[j]! / zs.length + lambda * w[j]!);
    b -= (0.5 * gb) / zs.length;
  }
  const weights = Object.fromEntries(
    FEATURE_NAMES.map((n) => {
      const j = names.indexOf(n);
      return [n, j < 0 ? 0 : round(w[j]! / sd[j]!)];
    }),
  ) as Calibration["weights"];
  const bias = round(b - names.reduce((s, n, j) => s + (w[j]! * mean[j]!) / sd[j]!, 0));
  return { bias, weights };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const probability = answerProbability;

/**
 * The highest threshold that refuses at most `maxRefused` of the answerable turns (missing-name refusals
 * included), read from each turn's probability as `probabilityOf` gives it.
 */
function thresholdFor(examples: readonly Example[], probabilityOf: (e: Example) => number, maxRefused: number): number {
  const answerable = examples.filter((e) => !isOutside(e.kind));
  const allowed = Math.floor(maxRefused * answerable.length) - answerable.filter((e) => e.missing).length;
  const ps = answerable
    .filter((e) => !e.missing)
    .map(probabilityOf)
    .sort((a, b) => a - b);
  // Refusing the `allowed` lowest: the threshold sits just above the highest of them.
  if (allowed <= 0) return Math.floor((ps[0] ?? 0) * 1000) / 1000;
  return Math.floor((ps[Math.min(allowed, ps.length - 1)] ?? 0) * 1000) / 1000;
}

const FOLDS = 5;
const foldOf = (e: Example) => createHash("sha256").update(e.id).digest()[0]! % FOLDS;

/**
 * Each turn's probability from a model fit without its question (5-fold, by question). A threshold
 * read from the probabilities of the questions a model was fit on sits too close to them: on
 * questions it has not seen, more are refused than it allowed. Read from these, it holds.
 */
function outOfFold(examples: readonly Example[], features: readonly (keyof Features)[]): Map<Example, number> {
  const probabilities = new Map<Example, number>();
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = fit(
      examples.filter((e) => e.label !== undefined && !e.missing && foldOf(e) !== fold),
      features,
    );
    for (const e of examples.filter((x) => foldOf(x) === fold)) probabilities.set(e, probability(model, e.features));
  }
  return probabilities;
}

/** What the calibration refuses on the tune half; `unseen`: each turn judged by the model fit without its question, as a held-out one would be. */
function report(name: string, examples: readonly Example[], c: Calibration, unseen?: Map<Example, number>): void {
  const refused = (e: Example, at: number) => e.missing || (unseen?.get(e) ?? probability(c, e.features)) < at;
  const share = (xs: readonly Example[], at: number) =>
    `${((100 * xs.filter((e) => refused(e, at)).length) / Math.max(1, xs.length)).toFixed(1)}%`;
  const answerable = examples.filter((e) => !isOutside(e.kind));
  console.log(`${name}${unseen ? ", out of fold" : ""}: answer at ${c.answerAt}, ask a model at ${c.askModelAt}`);
  console.log(`  tune: answerable refused ${share(answerable, c.answerAt)} (before a model ${share(answerable, c.askModelAt)})`);
  for (const kind of ["outside-offtopic", "outside-topic", "outside-named"] as const) {
    const of = examples.filter((e) => e.kind === kind);
    console.log(`  tune: ${kind} refused ${share(of, c.answerAt)} (before a model ${share(of, c.askModelAt)}) of ${of.length}`);
  }
}

const root = args.keep ?? (await mkdtemp(join(tmpdir(), "paperbot-fit-")));
try {
  const examples = [...(await collect("seeds", root)), ...(await collect("corpus", root))];
  const labelled = examples.filter((e) => e.label !== undefined && !e.missing);
  const all: (keyof Features)[] = FEATURE_NAMES.filter((n) => !without.has(n));
  const calibrations: Calibration[] = [
    { embedder: LOCAL_EMBEDDER_ID, features: all },
    { embedder: WORDS_ONLY, features: all.filter((n) => n !== "similarity") },
  ].map(({ embedder, features }) => {
    const model = fit(labelled, features);
    const unseen = outOfFold(examples, features);
    const probabilityOf = (e: Example) => unseen.get(e) ?? 0;
    const calibration = {
      embedder,
      ...model,
      answerAt: thresholdFor(examples, probabilityOf, MAX_REFUSED),
      askModelAt: thresholdFor(examples, probabilityOf, MAX_REFUSED_BEFORE_MODEL),
    };
    // What to compare features and settings by: the in-sample figures flatter every added feature.
    report(calibration.embedder, examples, calibration, unseen);
    return calibration;
  });
  console.log(
    `tune examples: ${examples.length} (${labelled.filter((e) => e.label === 1).length} yes, ${labelled.filter((e) => e.label === 0).length} no)`,
  );
  for (const c of calibrations) report(c.embedder, examples, c);
  if (args.dump) {
    const unseen = outOfFold(examples, all);
    writeFileSync(
      args.dump,
      JSON.stringify(
        examples.map((e) => ({ ...e, p: unseen.get(e) })),
        null,
        1,
      ),
    );
  }

  const file = join(PROJECT_ROOT, "src", "answer", "calibration.ts");
  const source = readFileSync(file, "utf8");
  const fitted = `// BEGIN FITTED (written by test/eval/fitCalibration.ts)\nexport const CALIBRATIONS: readonly Calibration[] = ${JSON.stringify(calibrations, null, 2)};\n// END FITTED`;
  // Written as the formatter writes it, so that `npm run lint` passes on a refit.
  const prettier = await import("prettier");
  const text = source.replace(/\/\/ BEGIN FITTED[\s\S]*\/\/ END FITTED/, fitted);
  writeFileSync(file, await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file }));
  console.log(`\nwrote ${file}`);
} finally {
  if (!args.keep) await rm(root, { recursive: true, force: true });
}
