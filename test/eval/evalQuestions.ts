import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers/paths.js";
import { halfOf, type Half } from "./split.js";

/**
 * The eval's questions (test/eval/questions/*.json), written from the paper lists
 * alone before anything was tuned on them. Each belongs to one half of a split
 * fixed by paper (split.ts); thresholds are chosen on `tune`, figures reported on
 * `heldout`.
 */

export type Library = "seeds" | "corpus";

export const ANSWERABLE_KINDS = ["what-is", "paraphrase", "fact", "compare", "typo-title", "follow-up", "time-window"] as const;
export const OUTSIDE_KINDS = ["outside-offtopic", "outside-topic", "outside-named"] as const;
export type AnswerableKind = (typeof ANSWERABLE_KINDS)[number];
export type OutsideKind = (typeof OUTSIDE_KINDS)[number];
export type Kind = AnswerableKind | OutsideKind;

export interface Turn {
  question: string;
  expected: string[];
}

export interface EvalQuestion {
  id: string;
  library: Library;
  kind: Kind;
  half: Half;
  /** One turn for every kind but follow-up. */
  turns: Turn[];
  /** Fact questions: any of these in the answer states the fact. */
  fact?: string[];
  /** Time windows: the day the question is asked. */
  today?: string;
  /** Outside-named: the name the library lacks. */
  missing?: string;
}

interface RawQuestion {
  id?: unknown;
  library?: unknown;
  kind?: unknown;
  half?: unknown;
  question?: unknown;
  expected?: unknown;
  fact?: unknown;
  today?: unknown;
  turns?: unknown;
  missing?: unknown;
}

export const QUESTIONS_DIR = join(PROJECT_ROOT, "test", "eval", "questions");

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === "string");
export const isOutside = (kind: Kind): kind is OutsideKind => (OUTSIDE_KINDS as readonly string[]).includes(kind);

/** Every question file, checked: a malformed question or one whose paper lies in the other half stops the eval. */
export function loadQuestions(dir = QUESTIONS_DIR): EvalQuestion[] {
  const questions: EvalQuestion[] = [];
  const ids = new Set<string>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const raw = JSON.parse(readFileSync(join(dir, file), "utf8")) as RawQuestion[];
    raw.forEach((q, i) => {
      const where = `${file} #${i + 1}${typeof q.id === "string" ? ` (${q.id})` : ""}`;
      const fail = (why: string): never => {
        throw new Error(`${where}: ${why}`);
      };
      if (typeof q.id !== "string" || ids.has(q.id)) fail("missing or repeated id");
      const kind = q.kind as Kind;
      if (![...ANSWERABLE_KINDS, ...OUTSIDE_KINDS].includes(kind)) fail(`unknown kind ${String(q.kind)}`);
      if (q.library !== "seeds" && q.library !== "corpus") fail(`unknown library ${String(q.library)}`);
      if (q.half !== "tune" && q.half !== "heldout") fail(`unknown half ${String(q.half)}`);
      let turns: Turn[];
      if (kind === "follow-up") {
        if (!Array.isArray(q.turns) || q.turns.length < 2) fail("a follow-up needs two or more turns");
        turns = (q.turns as { question?: unknown; expected?: unknown }[]).map((t) => {
          if (typeof t.question !== "string" || !isStrings(t.expected) || t.expected.length === 0)
            fail("a turn needs a question and expected titles");
          return { question: t.question as string, expected: t.expected as string[] };
        });
      } else {
        if (typeof q.question !== "string" || !isStrings(q.expected)) fail("needs question and expected");
        turns = [{ question: q.question as string, expected: q.expected as string[] }];
      }
      const expected = turns.flatMap((t) => t.expected);
      if (isOutside(kind) !== (expected.length === 0)) fail(isOutside(kind) ? "an outside question expects no paper" : "expects no paper");
      // The split is by paper: every expected paper must lie in the question's half.
      for (const title of expected)
        if (halfOf(title) !== q.half) fail(`"${title}" is in the ${halfOf(title)} half, the question says ${String(q.half)}`);
      if (kind === "fact" && (!isStrings(q.fact) || q.fact.length === 0)) fail("a fact question needs the fact");
      if (kind === "time-window" && (typeof q.today !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(q.today)))
        fail("a time-window question needs today");
      if (kind === "compare" && turns[0]!.expected.length < 2) fail("a comparison expects two papers");
      ids.add(q.id as string);
      questions.push({
        id: q.id as string,
        library: q.library as Library,
        kind,
        half: q.half as Half,
        turns,
        ...(isStrings(q.fact) ? { fact: q.fact } : {}),
        ...(typeof q.today === "string" ? { today: q.today } : {}),
        ...(typeof q.missing === "string" ? { missing: q.missing } : {}),
      });
    });
  }
  return questions;
}

/** The seeds' tune-half questions, one turn each: realistic queries for the benchmarks. */
export function seedQuestions(): string[] {
  return loadQuestions()
    .filter((q) => q.library === "seeds" && q.half === "tune")
    .map((q) => q.turns[0]!.question);
}
