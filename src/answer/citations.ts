/**
 * The grounding rules every answer passes through, whoever wrote it: a `[n]`
 * must name one of the numbered sources given, the citation list is exactly the
 * sources cited, and a sentence that cites only sources that were not given is
 * dropped, because nothing retrieved supports it. What is shown is numbered 1..n in
 * order of first use, so a reader never meets [2] before [1].
 */

export interface Source {
  n: number;
  paperId: string;
  title: string;
  url: string | undefined;
  /** The paper's own sentence behind the citation (quotes.ts); none for a paper only listed as close. */
  quote?: string;
  /** Every link known for the paper, by kind (paperLinks). */
  links: Record<string, string>;
  /** For an answer from a channel's past digests: the digest the paper was posted in (its date, the link to the post). */
  postedIn?: { date: string; url?: string };
}

export interface CheckedText {
  text: string;
  /** Markers removed because they named no source. */
  removed: number;
  /** The given source numbers cited, in order of first citation: shown as [1], [2], … in this order. */
  cited: number[];
}

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/** Splits into sentences with the built-in segmenter (handles "e.g.", decimals, quotes). */
export function splitSentences(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  return [...segmenter.segment(text)].map((s) => s.segment);
}

export function checkCitations(text: string, sourceCount: number): CheckedText {
  let removed = 0;
  const cited: number[] = [];
  const valid = (n: number) => n >= 1 && n <= sourceCount;
  const sentences = splitSentences(text).flatMap((sentence) => {
    const markers = [...sentence.matchAll(MARKER)].flatMap((m) => (m[1] ?? "").split(",").map((x) => Number(x.trim())));
    if (markers.length > 0 && !markers.some(valid)) {
      removed += markers.length;
      return [];
    }
    const kept = sentence.replace(MARKER, (_all, list: string) => {
      const ns = list.split(",").map((x) => Number(x.trim()));
      const good = ns.filter(valid);
      removed += ns.length - good.length;
      for (const n of good) if (!cited.includes(n)) cited.push(n);
      return good.map((n) => `[${n}]`).join("");
    });
    return [kept];
  });
  const shown = (n: number) => cited.indexOf(n) + 1;
  const shownText = sentences
    .join("")
    .replace(MARKER, (_all, n: string) => `[${shown(Number(n))}]`)
    .replace(/[ \t]+([.,;:])/g, "$1")
    .trim();
  return { text: shownText, removed, cited };
}
