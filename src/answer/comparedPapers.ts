import type { PaperHit, Searcher, SearchFilters } from "../retrieve/searchPapers.js";
import { contentWords, prefixStem, stemCoverage, words } from "../text/words.js";
import { definesName, isShortNameOf, mentions, namesIn, rareCapitalisedWords } from "./questionTerms.js";

/**
 * A comparison is answered from one paper per thing compared. Searching the whole
 * question finds papers about both at once (or two about the first), so each side is
 * searched on its own: "X vs Y", "compare X and Y", "the difference between X and Y",
 * "how does X differ from Y", "X improves over Y", "X better than Y".
 */

const COMPARISONS = [
  /^(?<a>.+?)\s+(?:vs\.?|versus)\s+(?<b>.+)$/i,
  /\bcompar(?:e|ing)\s+(?<a>.+?)\s+(?:and|with|to|against)\s+(?<b>.+)$/i,
  /\bcontrast(?:ing)?\s+(?<a>.+?)\s+(?:and|with|to|against)\s+(?<b>.+)$/i,
  /\bdifferences?\s+between\s+(?<a>.+?)\s+and\s+(?<b>.+)$/i,
  /^(?<a>.+?)\s+(?:differs?|different)\s+(?:from|to|than)\s+(?<b>.+)$/i,
  /\bsets?\s+(?<a>.+?)\s+apart\s+from\s+(?<b>.+)$/i,
  /^(?<a>.+?)\s+improves?\s+(?:on|over|upon)\s+(?<b>.+)$/i,
  /^(?<a>.+?)\s+(?:better|worse|faster|slower|cheaper)\s+than\s+(?<b>.+)$/i,
  /^(?<a>.+?)\s+compar(?:es?|ed)\s+(?:to|with|against)\s+(?<b>.+)$/i,
  // "X and Y: how do they differ?"
  /^(?<a>[^,:;?]+?)\s+and\s+(?<b>[^,:;?]+?)\s*(?:[:,?]|\s[-—–])\s*.*\b(?:differ|compare|difference)/i,
  // "X or Y, which one …?", "which is better for …, X or Y?": a choice between two.
  /^(?<a>[^,:;?]+?)\s+or\s+(?<b>[^,:;?]+?)\s*(?:[:,?]|\s[-—–])\s*(?:which|what|how|should)\b/i,
  /\b(?:which|what)\b[^,:;]*\b(?:better|best|prefer|choose|pick|use)\b[^,:;]*[,:]\s*(?<a>[^,:;?]+?)\s+or\s+(?<b>[^?,]+)/i,
  // "X or Y?" only beside a word that asks to compare.
  /^(?=.*\b(?:compare|differ|difference)).*?(?<a>\S+(?:\s+\S+){0,3})\s+or\s+(?<b>[^?,]+)/i,
];
/** "… vs a dense baseline": a side that is no particular paper. */
const NO_PAPER =
  /^(?:an?|any|other|others|regular|standard|plain|vanilla|normal|usual|typical|prior|previous|existing|earlier|conventional|traditional|their|its|these|those|baselines?)\b/i;
/** A side that points back at the conversation ("how does it compare with LoRA?", "… how fast is it compared with …"). */
const POINTS_BACK = /(?:^|\s)(?:it|they|them|this|this one|that one)$/i;
/** Words around a side that are the question's, not the side's. */
const LEADING =
  /^(?:(?:so|and|but|ok)\s+)?(?:how\s+(?:does|do|is|are)|what(?:'s|\s+is|\s+are)?\s+(?:the\s+)?(?:main\s+)?(?:difference|differences)?|is|are|does|do|can|the(?:\s+original)?|a|an)\s+/i;

function cleanSide(side: string): string {
  let text = side.split(/[:?—–;(,]|\s-\s/)[0]!.trim();
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(LEADING, "").trim();
  }
  return text;
}

/** The things a question compares, if it is a comparison: two phrases, each as written and cleaned. */
function sidePhrasesOf(question: string): { written: string; side: string }[] {
  for (const pattern of COMPARISONS) {
    const groups = pattern.exec(question.trim())?.groups;
    if (!groups) continue;
    const raw = [groups.a ?? "", groups.b ?? ""].map((side) => side.trim());
    if (raw.some((side) => NO_PAPER.test(side))) return [];
    const sides = raw.map((written) => ({ written, side: cleanSide(written) }));
    if (sides.every(({ side }) => /[\p{L}\p{N}]{2,}/u.test(side))) return sides;
  }
  return [];
}

/** The things a question compares, if it is a comparison: two phrases. */
export function sidesOf(question: string): string[] {
  return sidePhrasesOf(question).map(({ side }) => side);
}

/**
 * How surely a paper is the one a side names: its title's lead is the name ("LoRA: …"), its title's lead, text
 * ("… Language Models (ELMo)", where the title never says it) or authors ("Houlsby") name it, or neither.
 */
function nameScore(hit: PaperHit, names: readonly string[]): number {
  const lead = hit.title.split(":")[0] ?? "";
  if (names.some((name) => isShortNameOf(hit.title, name))) return 3;
  const introduces = (name: string) => hit.passages.some((passage) => definesName(passage, name));
  if (names.some((name) => mentions(lead, name) || introduces(name) || hit.paper.authors.some((author) => mentions(author, name))))
    return 2;
  return names.some((name) => mentions(hit.title, name)) ? 1 : 0;
}

export interface ComparedSide {
  hit: PaperHit;
  /** The paper is the one the side means: its short name, a name in its title's lead or authors, or every word of a side with no name in its title. */
  matched: boolean;
}

/**
 * The side is how the title's lead begins, two words or more: "Program of Thoughts" is "Program of
 * Thoughts Prompting: Disentangling …". A name so written needs no confirmation from the whole question.
 */
function leadBeginsWith(title: string, side: string): boolean {
  const lead = title.split(":")[0] ?? "";
  return contentWords(side).length >= 2 && words(lead).join(" ").startsWith(words(side).join(" "));
}

/** An author named in a question (a capitalised word of letters only), and how a text credits them: "by Sutskever", "Sutskever et al.". */
interface Author {
  name: string;
  credit: RegExp;
}
const authorOf = (name: string): Author => ({ name, credit: new RegExp(`\\b(?:by\\s+${name}\\b|${name}\\s+et\\s+al\\b)`, "u") });

/** A paper by the author: among its authors, or so credited in its text ("This paper by Sutskever et al."), as summaries do when the record lists none. */
function isBy(hit: PaperHit, { name, credit }: Author): boolean {
  return hit.paper.authors.some((author) => mentions(author, name)) || hit.passages.some((passage) => credit.test(passage));
}

/** Every content word of a side ("latent diffusion") is in the title ("… with Latent Diffusion Models"). */
function titleHasAll(title: string, side: string): boolean {
  const stems = contentWords(side).map(prefixStem);
  return stems.length > 0 && stemCoverage(stems, title) === 1;
}

/**
 * The best paper for each side of a comparison, in the order the question names them;
 * none if it is not one. A side known only by its words ("latent diffusion") keeps its
 * paper only if the whole question found that paper too (`found`). A side that points
 * back ("it") is the conversation's paper, `thread`; without one, it is no comparison.
 */
export async function comparedPapers(
  question: string,
  searcher: Searcher,
  filters: SearchFilters,
  found: readonly PaperHit[],
  thread?: PaperHit,
): Promise<ComparedSide[]> {
  const chosen: ComparedSide[] = [];
  for (const { written, side } of sidePhrasesOf(question)) {
    if (POINTS_BACK.test(side)) {
      if (!thread || chosen.some((c) => c.hit.paperId === thread.paperId)) return [];
      chosen.push({ hit: thread, matched: true });
      continue;
    }
    // A side is known by its first name ("MEMIT for editing facts in GPT models" is MEMIT), else by its words;
    // a rare capitalised word as written ("adapters (Houlsby et al.)", "the Bahdanau paper") may be an author.
    const names = namesIn(side).slice(0, 1);
    const authors = rareCapitalisedWords(written)
      .filter((word) => !names.includes(word))
      .map(authorOf);
    // The papers of that short name or acronym ("DDPM" spells a title its text may never write out),
    // the side's own search, and the whole question's papers.
    const namedIds = names[0] ? await searcher.papersNamed(names[0]) : [];
    const [byName, bySearch] = await Promise.all([
      namedIds.length > 0 ? searcher.search(names[0]!, { k: 3, filters: { ...filters, paperIds: namedIds } }) : [],
      searcher.search(names[0] ?? side, { k: 10, filters }),
    ]);
    const hits = [...byName, ...bySearch, ...found].filter((hit) => !chosen.some((c) => c.hit.paperId === hit.paperId));
    // Search's order, unless a paper is more surely the one meant.
    // The side written out as a title's lead ("One RL to See Them All") is that paper, whatever names it holds.
    // An author named adds to what the words say: "adapters (Houlsby et al.)" is the adapters paper by Houlsby.
    const score = (hit: PaperHit) =>
      isShortNameOf(hit.title, side)
        ? 6
        : leadBeginsWith(hit.title, side)
          ? 5
          : (names.length > 0 ? nameScore(hit, names) : titleHasAll(hit.title, side) ? 2 : 0) +
            (authors.some((author) => isBy(hit, author)) ? 2 : 0);
    // Each paper scored once, with its rank in the whole question's results (past the end if absent).
    const scored = hits.map((hit) => {
      const at = found.findIndex((other) => other.paperId === hit.paperId);
      return { hit, score: score(hit), wholeRank: at < 0 ? found.length : at };
    });
    // Of papers that fit the side's name or title equally ("Chameleon" names two), the one the whole question
    // ranks higher ("… a visual expert or early fusion?"); of papers that fit it in no such way, the side's own search's first.
    const best = scored.reduce<(typeof scored)[number] | undefined>(
      (top, x) =>
        top === undefined || x.score > top.score || (x.score > 0 && x.score === top.score && x.wholeRank < top.wholeRank) ? x : top,
      undefined,
    );
    if (!best) continue;
    // A side of plain words keeps its paper only if the whole question found it too, as words match loosely
    // alone; unless the title begins with the side, or holds every word of a side of three or more.
    const surely = best.score >= 5 || (contentWords(side).length >= 3 && titleHasAll(best.hit.title, side));
    if (names.length > 0 || surely || best.wholeRank < found.length) chosen.push({ hit: best.hit, matched: best.score >= 2 });
  }
  return chosen;
}
