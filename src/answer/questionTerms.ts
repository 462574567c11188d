import { wordRank } from "../embeddings/localEmbeddings.js";
import { SKIPPED_IN_ACRONYMS } from "../paper.js";
import { STOP_WORDS, contentWords, escapeRegExp, squash, words } from "../text/words.js";
import { sidesOf } from "./comparedPapers.js";

/**
 * What a question asks about, read from its words alone: the names it uses
 * (model, method or dataset names such as "PTMTorrent", "GLM-5", "Llama 4"), and
 * what shape of answer it wants ("what is X", a number, a comparison). A name is the
 * strongest evidence there is: if no retrieved passage contains it, the library does
 * not have the thing asked about, however close the neighbours' topics are.
 */

/** A word written like a name: an inner capital (DeiT, ColBERT), letters with digits (YOLOv10, R2), or all capitals (BERT). */
const NAME_TOKEN = /^(?=.*\p{L})(?:\p{L}[\p{L}\p{N}]*\p{Lu}[\p{L}\p{N}]*|\p{L}*\p{N}[\p{L}\p{N}]*|\p{Lu}{2,}s?)$/u;
/** Capitalised words that are names only as the first word of a sentence or in headings, and "arXiv", where papers come from. */
const NOT_NAMES = new Set([
  "I",
  "OK",
  "AND",
  "OR",
  "VS",
  "THE",
  "A",
  "AN",
  "OF",
  "IN",
  "ON",
  "FOR",
  "TO",
  "IS",
  "ARE",
  "WHAT",
  "HOW",
  "WHY",
  "TL",
  "DR",
  "TLDR",
  "PLS",
  "FAQ",
  "arXiv",
]);
/**
 * The field's own abbreviations ("LLMs", "CNN", "ML"): every paper is about one, so they name no paper,
 * and one missing from the sources says nothing about what the library lacks. Within a name they
 * are part of it: "Logic-RL", "LLM-Pruner".
 */
const FIELD_WORDS = new Set([
  "AI",
  "ML",
  "DL",
  "NLP",
  "CV",
  "RL",
  "NN",
  "DNN",
  "CNN",
  "RNN",
  "GNN",
  "LLM",
  "VLM",
  "MLLM",
  "LM",
  "SOTA",
  "GPU",
  "CPU",
  "TPU",
  "API",
  "QA",
]);
const isFieldWord = (part: string) => FIELD_WORDS.has(part.replace(/s$/, ""));

/** Words past this frequency rank in the word-vector vocabulary are rare enough to be names when capitalised. */
const RARE_RANK = 60_000;

export interface QuestionShape {
  /** Names in the question, as written ("GLM-5", "Llama 4"). */
  names: string[];
  /** "What is X", "tell me about X", "explain X", "X?": the paper's own statement of what it is. */
  definition: boolean;
  /** Asks for a number or quantity ("how many", "what accuracy"). */
  quantity: boolean;
  /** Compares two or more things. */
  comparison: boolean;
  /** The question's content words, lower-cased. */
  words: string[];
  /** See unknownWords. */
  unknown: string[];
}

/** Words past this frequency rank are terms of art rather than everyday English. */
const TERM_RANK = 8_000;

/**
 * Lower-case words English does not have: a name typed in lower case ("gptq"), or
 * an abbreviation or typo ("params", "themselfs"). Too unsure to refuse on, but
 * evidence when no retrieved paper has them.
 */
export function unknownWords(question: string): string[] {
  return (question.match(/(?<![\p{L}\p{N}-])\p{Ll}{4,}(?![\p{L}\p{N}-])/gu) ?? []).filter((word) => wordRank(word) < 0);
}

/** The words English rarely uses, rarest first: those that say what a question is about. */
export function rareWords(words: readonly string[]): string[] {
  const rarity = (word: string) => {
    const rank = wordRank(word);
    return rank < 0 ? Number.MAX_SAFE_INTEGER : rank;
  };
  return words.filter((word) => rarity(word) > TERM_RANK).sort((a, b) => rarity(b) - rarity(a));
}

const DEFINITION =
  /^\s*(?:(?:so\s+)?(?:what(?:'s|\s+is|\s+are|\s+was|\s+does|\s+do)|tell\s+me\s+(?:about|more)|explain|describe|summari[sz]e|who\s+made|how\s+does|how\s+do|what\s+problem\s+does|give\s+me\s+(?:an?\s+)?(?:overview|summary|tl;?dr)|eli5|overview\s+of)\b|^\s*[\p{L}\p{N}][\p{L}\p{N}\-. ]{0,40}\?\s*$)/iu;
const QUANTITY =
  /\b(?:how\s+(?:many|much|big|large|long|fast|far|often|well)|what(?:'s|\s+is|\s+was|\s+are)?\s+(?:the\s+)?(?:accuracy|score|size|number|percentage|speed-?up|improvement|error|bleu|f1|auc|rate|count|parameter)|by\s+how\s+much|how\s+(?:high|low))\b|\b(?:parameters?|params|accuracy|speed-?up|percent|%|score[sd]?)\b.*\?/i;

/**
 * The paper title a question quotes (“Attention Is All You Need”) or is ("Scaling Laws for Neural
 * Language Models", mostly capitalised words and no question mark), if it looks like one.
 */
export function titleIn(question: string): string | undefined {
  const quoted = /[“"]([^”"]{10,300})[”"]/.exec(question)?.[1]?.trim();
  if (quoted && quoted.split(/\s+/).length >= 3) return quoted;
  if (question.includes("?")) return undefined;
  const text = question.trim().replace(/[.!]+$/, "");
  const words = text.split(/\s+/);
  if (words.length < 3 || words.length > 30) return undefined;
  return words.filter((word) => /^[\p{Lu}\p{N}]/u.test(word)).length / words.length >= 0.6 ? text : undefined;
}

/**
 * Capitalised words English rarely uses, wherever they stand ("Houlsby et al.", "the Bahdanau paper",
 * "Sutskever's"): in a comparison's side they may name the paper's authors.
 */
export function rareCapitalisedWords(text: string): string[] {
  const words = text.match(/(?<![\p{L}\p{N}])\p{Lu}\p{Ll}{3,}(?![\p{L}\p{N}])/gu) ?? [];
  return [
    ...new Set(
      words.filter((word) => {
        const rank = wordRank(word);
        return rank < 0 || rank > RARE_RANK;
      }),
    ),
  ];
}

/** The names a question uses, in order, each once. */
export function namesIn(question: string): string[] {
  const raw = question.split(/[\s/]+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  // "ColBERT's" names ColBERT.
  const tokens = raw.map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "").replace(/['’]s$/u, ""));
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // "Houlsby et al." names an author, whom a library of titles and abstracts may not list.
    if (/^et$/i.test(tokens[i + 1] ?? "")) continue;
    // A capitalised word in mid-sentence that English rarely uses is a name ("What is Toolformer?").
    const midSentence = i > 0 && !/[.?!:;]$/.test(raw[i - 1]!);
    if (midSentence && /^\p{Lu}\p{Ll}{3,}$/u.test(token)) {
      const rank = wordRank(token);
      if (rank < 0 || rank > RARE_RANK) names.push(token);
    }
    const next = tokens[i + 1] ?? "";
    // "Llama 4", "Gemma 3", "SAM 2", "ConvNeXt V2": a capitalised word and a version number.
    if (/^\p{Lu}[\p{L}-]*$/u.test(token) && /^[vV]?\d+(?:\.\d+)?[a-zA-Z]?$/.test(next) && !NOT_NAMES.has(token.toUpperCase())) {
      names.push(`${token} ${next}`);
      i++;
      continue;
    }
    const name = nameIn(token);
    if (name) names.push(name);
  }
  return [...new Set(names)];
}

/** Words that make a name an adjective ("o1-style", "GPT-4-level"): the sentence's, not the name's, even after a lower-case name. */
const AS_ADJECTIVE =
  /^(?:like|style|based|level|scale|sized?|free|aware|only|specific|type|inspired|trained|tuned|driven|guided|generated|powered|class|grade|centric|esque)$/;

/**
 * The name a token is, if any. A hyphenated token is one name ("Search-R2",
 * "Skywork-Reward-V2") less a trailing plain word ("CNN-like", "ImageNet-trained",
 * "o1-style"); a quantity ("10k", "2.3B") is not a name.
 */
function nameIn(token: string): string | undefined {
  const parts = token.split(/[-_.]/);
  // A trailing plain word is the sentence's, not the name's: "CNN-like", "ImageNet-trained" (not "phi-4-mini").
  const sentences = /\p{Lu}/u.test(token) ? (part: string) => /^\p{Ll}+$/u.test(part) : (part: string) => AS_ADJECTIVE.test(part);
  while (parts.length > 1 && sentences(parts.at(-1)!)) parts.pop();
  if (!/^\p{L}/u.test(parts[0] ?? "")) return undefined;
  const named =
    parts.some(
      (part) => NAME_TOKEN.test(part) && !NOT_NAMES.has(part) && !(parts.length === 1 && isFieldWord(part)) && /^\p{L}/u.test(part),
    ) ||
    // Words and a version: "Mamba-2", "phi-4-mini-reasoning".
    (parts.length > 1 && parts.some((part) => /^\d/.test(part)));
  return named ? token.slice(0, parts.join("-").length) : undefined;
}

export function shapeOf(question: string): QuestionShape {
  const names = namesIn(question);
  return {
    names,
    definition: DEFINITION.test(question) && question.split(/\s+/).length <= 12,
    quantity: QUANTITY.test(question),
    comparison: sidesOf(question).length >= 2,
    words: contentWords(question),
    unknown: unknownWords(question),
  };
}

/** The question asks what the name is ("what is RoBERTa?", "tell me about the RoBERTa paper", "the RoBERTa paper"), not something of it. */
export const asksWhatNameIs = (question: string, name: string) =>
  new RegExp(
    `^\\s*(?:(?:so\\s+)?(?:what(?:'s|\\s+is|\\s+are|\\s+was)|who\\s+(?:is|are|made)|tell\\s+me\\s+about|explain|describe)\\s+)?(?:the\\s+)?${escapeRegExp(name)}\\b(?:\\s+(?:paper|model|method))?\\s*[?.!]*\\s*$`,
    "iu",
  ).test(question);

/** The name only describes something else in the question ("DeepSeek-R1-labelled data", "GPT-4-generated text"): not what is asked about. */
export const describesOnly = (question: string, name: string) => new RegExp(`${escapeRegExp(name)}-\\p{Ll}`, "u").test(question);

/** `name` is the paper's short name: its title's lead before the colon ("LoRA: Low-Rank …", "Big Bird: …" for BigBird). */
export function isShortNameOf(title: string, name: string): boolean {
  return title.includes(":") && squash(title.split(":")[0]!) === squash(name);
}

/**
 * `text` introduces `name` as its own, spelling its capitals with the words before it in brackets:
 * "Embeddings from Language Models (ELMo)", "Universal Language Model Fine-tuning (ULMFiT)". A paper
 * whose title does not carry its name ("Deep contextualized word representations") is known by this.
 */
export function definesName(text: string, name: string): boolean {
  const capitals = name.replace(/[^\p{Lu}]/gu, "");
  if (capitals.length < 2) return false;
  const key = squash(name);
  for (const match of text.matchAll(/\(([^()]{2,30})\)/g)) {
    if (squash(match[1]!) !== key) continue;
    // The words just before the bracket, as many as the capitals and a few more; joining words ("from") spell nothing.
    const before = (text.slice(0, match.index).match(/\p{L}[\p{L}\p{N}]*/gu) ?? [])
      .filter((word) => !STOP_WORDS.has(word.toLowerCase()))
      .slice(-(capitals.length + 2));
    if (isAcronymIn(before.join(" "), capitals)) return true;
  }
  return false;
}

/**
 * `name` written anywhere in `text`, ignoring case, punctuation and spaces inside it ("GUI-G^2"), a
 * plural "s", and a version after a name that ends in a letter ("iPhone" in "iPhone12");
 * or an acronym of consecutive words of it ("DDPM": "Denoising Diffusion Probabilistic Models").
 */
export function mentions(text: string, name: string): boolean {
  const parts = words(name);
  if (parts.length === 0) return false;
  const escaped = parts.map(escapeRegExp);
  const version = /\p{L}$/u.test(name) ? "\\p{N}*" : "";
  if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped.join("[^\\p{L}\\p{N}]{0,3}")}(?:e?s)?${version}(?![\\p{L}\\p{N}])`, "iu").test(text))
    return true;
  if (/^\p{Lu}{2,6}s?$/u.test(name)) return isAcronymIn(text, name.replace(/s$/, ""));
  // A plain word (a rare one taken for a name) may be mistyped: "Allign" is "Align".
  return (
    /^\p{L}{5,}$/u.test(name) && (text.match(/\p{L}{4,}/gu) ?? []).some((word) => withinOneEdit(word.toLowerCase(), name.toLowerCase()))
  );
}

/** One insertion, deletion, substitution or swap of neighbours apart (or equal). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  const rest = (x: string, y: string) => x === y;
  return (
    rest(a.slice(i + 1), b.slice(i + 1)) || // substitution
    rest(a.slice(i + 1), b.slice(i)) || // a has one more
    rest(a.slice(i), b.slice(i + 1)) || // b has one more
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a.slice(i + 2), b.slice(i + 2))) // swap
  );
}

/** `acronym` spelled by the initials of consecutive words of `text` (small joining words may be skipped). */
function isAcronymIn(text: string, acronym: string): boolean {
  const words = text.match(/\p{L}[\p{L}\p{N}]*/gu) ?? [];
  const letters = acronym.toLowerCase();
  for (let start = 0; start < words.length; start++) {
    let matched = 0;
    for (let i = start; i < words.length && matched < letters.length; i++) {
      const word = words[i]!.toLowerCase();
      if (word[0] === letters[matched]) matched++;
      else if (!(matched > 0 && SKIPPED_IN_ACRONYMS.has(word))) break;
    }
    if (matched === letters.length) return true;
  }
  return false;
}
