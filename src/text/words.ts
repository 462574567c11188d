/*
 * Words, stop words and stems: the one tokenizer of the code base. Search,
 * answers, quotes, evidence, the digest's topics and the local embedder all read
 * text through here, so that a word means the same thing to each of them.
 */

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, lower-cased: runs of letters and digits ("GPT-4o" is "gpt", "4o"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The words of a text as written (case kept): "RLHF" stays "RLHF". */
export function wordsAsWritten(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Letters and digits only, lower-cased: "GUI-G^2" and "gui g2" are the same key. */
export function squash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Words only, spaced, case kept: what a full-text parser may see of a user's text (no query syntax). */
export function wordsOnly(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

const MAGNITUDES: Readonly<Record<string, string>> = { thousand: "k", million: "m", billion: "b", trillion: "t" };
/** "a million", "one thousand", "7 billion", "1.5 million": a count and the word for its size. */
const COUNT_IN_WORDS = /\b(a|one|\d+(?:\.\d+)?)\s+(thousand|million|billion|trillion)\b/gi;

/**
 * The forms papers write for counts a question spells out: "a million clips" is "1M" in
 * "OpenVid-1M", "7 billion parameters" is "7B", "a thousand examples" is "1K" or "1,000".
 * Searched beside the words as written, which the paper may use too.
 */
export function countForms(text: string): string[] {
  return [...text.matchAll(COUNT_IN_WORDS)].flatMap(([, count = "", written = ""]) => {
    const n = /^\d/.test(count) ? count : "1";
    const size = written.toLowerCase();
    const short = `${n}${MAGNITUDES[size] ?? ""}`;
    return size === "thousand" && /^\d+$/.test(n) ? [short, `${n},000`] : [short];
  });
}

/** The text, then the short forms of the counts it spells out (see countForms). */
export function withCountForms(text: string): string {
  const forms = countForms(text);
  return forms.length > 0 ? `${text} ${forms.join(" ")}` : text;
}

/** `text` matched as written inside a regular expression. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Words a question is made of but that say nothing about which paper it means. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a about an and any are as at be been but by can could did do does for from has have how i in into is it its me of on or our " +
    "paper papers so than that the their them then there these they this to us using was we were what when where which while who " +
    "whom why will with would you your"
  ).split(" "),
);

/**
 * English stop words as a full-text index drops them (the Snowball and NLTK lists, as words() splits them:
 * "aren't" is "aren" and "t"): a question's word the library's index finds nowhere is one of these, or a
 * word the library never uses ("Australia").
 */
export const INDEX_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below " +
    "between both but by can cannot could did do does doing down during each few for from further had " +
    "has have having he her here hers herself him himself his how i if in into is it its itself me more " +
    "most my myself no nor not of off on once only or other ought our ours ourselves out over own same " +
    "she should so some such than that the their theirs them themselves then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why will with " +
    "would you your yours yourself yourselves just now don ain aren couldn didn doesn hadn hasn haven " +
    "isn mightn mustn needn shan shouldn wasn weren won wouldn"
  ).split(" "),
);

/** The words of a text that carry its meaning: lower-cased, longer than two letters, no stop words. */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 2 && !STOP_WORDS.has(w));
}

/** How many letters of a word match: enough that "models" meets "modeling", and a typo late in a word is forgiven. */
const PREFIX_STEM = 5;

/** A word's matching stem: its first letters ("modeling" → "model"). Matched as a substring of lower-cased text. */
export function prefixStem(word: string): string {
  return word.slice(0, PREFIX_STEM);
}

/** Distinct content words of a text, as prefix stems. */
export function contentWordStems(text: string): string[] {
  return [...new Set(contentWords(text).map(prefixStem))];
}

/** Distinct words of a title as prefix stems, short ones too ("2d", "rl"): a typed title is matched word by word. */
export function titleStems(text: string): string[] {
  return [
    ...new Set(
      words(text)
        .filter((w) => w.length >= 2 && !STOP_WORDS.has(w))
        .map(prefixStem),
    ),
  ];
}

/** The share of `stems` found in `text` (0 when there are none). */
export function stemCoverage(stems: readonly string[], text: string): number {
  if (stems.length === 0) return 0;
  const lower = text.toLowerCase();
  return stems.filter((s) => lower.includes(s)).length / stems.length;
}

/**
 * A light suffix strip, for features rather than matching: "models", "modeling" and
 * "model" give one stem. The local embedder hashes it, so changing it changes the vectors.
 */
export function suffixStem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(ings?|ed|es|s|ly|ation|ations)$/, "");
}

/** A plural's singular for a pattern that allows both ("transformers" → "transformer"; "loss" stays). */
export function singular(word: string): string {
  return word.length > 4 && /[^s]s$/i.test(word) ? word.slice(0, -1) : word;
}
