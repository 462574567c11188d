import type { PaperHit } from "../retrieve/searchPapers.js";
import { contentWordStems, stemCoverage } from "../text/words.js";
import { checkCitations, splitSentences, type CheckedText } from "./citations.js";

/**
 * The quote behind a citation: the sentence of the cited paper's retrieved text
 * that best supports what the answer says with that citation. It is taken from the
 * paper's own text, never from the answer, so it cannot be invented; `occursIn`
 * checks that once more before it is shown. An extractive answer's sentences are
 * the paper's own, so each is its own quote.
 */

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
/** A quote shares at least this share of the claim's content words; below, no sentence of the paper says it. */
const MIN_SUPPORT = 0.3;

const squashed = (text: string) => text.replace(/\s+/g, " ").trim();
/** Without the full stop the extractive answer may add to a bullet point, and without citation markers. */
const bare = (text: string) => squashed(text.replace(MARKER, "")).replace(/\s*[.!?…]+$/, "");

/** An answer's sentences, each with its citation markers: "…a sentence. [1] The next…" gives the [1] to the sentence before it. */
function citingSentences(answer: string): string[] {
  const sentences: string[] = [];
  for (const sentence of splitSentences(answer)) {
    const leading = /^\s*(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+/.exec(sentence)?.[0] ?? "";
    if (leading && sentences.length > 0) sentences[sentences.length - 1] += ` ${leading.trim()} `;
    if (sentence.slice(leading.length).trim()) sentences.push(sentence.slice(leading.length));
  }
  return sentences;
}

const markersIn = (sentence: string) => [...sentence.matchAll(MARKER)].flatMap((m) => (m[1] ?? "").split(",").map((x) => Number(x.trim())));

/** The sentences of an answer that cite source `n` (as shown), without their markers. */
export function claimsCiting(answer: string, n: number): string[] {
  return citingSentences(answer)
    .filter((sentence) => markersIn(sentence).includes(n))
    .map(bare);
}

/** `quote` is in `text` word for word, whitespace aside. */
export function occursIn(quote: string, text: string): boolean {
  const wanted = bare(quote);
  return wanted.length > 0 && squashed(text).includes(wanted);
}

/** Quoted sentences per citation, at most: one per claim, the first claims first. */
const MAX_QUOTED = 2;

/** The sentence of `sentences` that best supports `claim`: the claim itself when the paper says it word for word. */
function bestSupport(claim: string, sentences: readonly string[]): string | undefined {
  if (sentences.includes(claim)) return claim;
  const wanted = contentWordStems(claim);
  if (wanted.length === 0) return undefined;
  let best: { sentence: string; support: number } | undefined;
  for (const sentence of sentences) {
    const support = stemCoverage(wanted, sentence);
    if (!best || support > best.support) best = { sentence, support };
  }
  return best && best.support >= MIN_SUPPORT ? best.sentence : undefined;
}

/** What the paper says that supports `claims`: its own sentences, one per claim, or none if none shares enough of their words. */
export function supportingQuote(claims: readonly string[], hit: PaperHit): string | undefined {
  const text = (hit.passages.length > 0 ? hit.passages : [hit.paper.summary]).join("\n");
  const sentences = splitSentences(text).map(bare);
  const quoted = [...new Set(claims.map((claim) => bestSupport(claim, sentences)))].filter(
    (q): q is string => q !== undefined && occursIn(q, text),
  );
  return quoted.length > 0 ? quoted.slice(0, MAX_QUOTED).join(" … ") : undefined;
}

/**
 * A model's checked answer less the citations no sentence of their paper supports: a claim's
 * marker for a paper that nowhere says it is removed (and counted), and a claim left citing
 * nothing is dropped, as the citation check drops one citing no given source. `sources` are
 * the checked text's, as numbered in it; the result is numbered 1..n again, with its sources.
 */
export function withoutUnsupported(
  checked: CheckedText,
  sources: readonly PaperHit[],
): { checked: CheckedText; sources: PaperHit[]; unsupported: number } {
  const shown = checked.cited.map((n) => sources[n - 1]!);
  const sentencesOf = shown.map((hit) =>
    splitSentences((hit.passages.length > 0 ? hit.passages : [hit.paper.summary]).join("\n")).map(bare),
  );
  let unsupported = 0;
  // Marker 0 names no source: the citation check removes it, and the claim when nothing else backs it.
  const marked = citingSentences(checked.text)
    .map((sentence) =>
      sentence.replace(MARKER, (_all, list: string) => {
        const kept = list.split(",").map((x) => {
          const n = Number(x.trim());
          if (bestSupport(bare(sentence), sentencesOf[n - 1] ?? []) !== undefined) return n;
          unsupported++;
          return 0;
        });
        return `[${kept.join(",")}]`;
      }),
    )
    .join("");
  if (unsupported === 0) return { checked: { ...checked, cited: shown.map((_, i) => i + 1) }, sources: shown, unsupported };
  const again = checkCitations(marked, shown.length);
  return { checked: { ...again, removed: checked.removed + again.removed }, sources: shown, unsupported };
}
