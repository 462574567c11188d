import type { PaperHit } from "../retrieve/searchPapers.js";
import type { ComparedSide } from "./comparedPapers.js";
import { textOf } from "./evidence.js";
import { pointsBack } from "./followUp.js";
import { asksWhatNameIs, describesOnly, isShortNameOf, mentions, namesIn, shapeOf } from "./questionTerms.js";

/**
 * Which papers an answer leads with, ahead of search's order: a comparison's paper per side, the
 * conversation's paper a follow-up asks about, or the paper a short question names ("what is NeRF?").
 */

/**
 * Content words of a question short enough that a paper's short name in it is what it asks about ("how many
 * parameters does BERT have?"); a longer one may use the name as context ("reasoning traces from QwQ and DeepSeek-R1").
 */
const NAMED_LEADS_WITHIN = 8;

export interface LeadingPapers {
  /** The comparison's papers, one per side (none if it is no comparison). */
  compared: ComparedSide[];
  /** Otherwise the paper the question is about: the thread's, or the paper of a name it asks about. */
  named: PaperHit[];
  /** The question asks for a paper by its short name ("what is ReSearch?", "the LoRA paper"), and it leads. */
  askedByName: boolean;
  /** The question asks about the conversation's paper (`thread`), which leads it or its comparison. */
  followsThread: boolean;
}

export interface LeadInput {
  /** The question as asked, and as searched (with the conversation it continues, if read so). */
  question: string;
  searchedFor: string;
  /** The names the searched text uses. */
  names: readonly string[];
  hits: readonly PaperHit[];
  /** The comparison's papers as found (comparedPapers). */
  compared: readonly ComparedSide[];
  /** The paper the conversation's last answer led with, if search found it again for this reading. */
  thread: PaperHit | undefined;
}

export function leadingPapers({ question, searchedFor, names, hits, compared, thread }: LeadInput): LeadingPapers {
  // Read with the conversation, "how few parameters were enough for RoBERTa on MRPC?" asks the thread's paper,
  // which uses both names, not the RoBERTa paper, and "what do the GRPO rewards target?" asks about the thread's
  // captioner's own use of GRPO, however many other papers use it; "what is RoBERTa?" asks for that paper. A follow-up naming
  // nothing that points back ("how much faster is it?") asks the thread's paper, whichever paper its words fit.
  const own = shapeOf(question);
  const threadLeads =
    thread !== undefined &&
    (own.names.length > 0
      ? own.names.every((name) => mentions(textOf(thread), name) && !asksWhatNameIs(question, name))
      : pointsBack(question));
  // A comparison that leaves out the thread's paper it asks about ("prefill speedups versus QuaRot's overhead?") is
  // that paper against a baseline, not two papers.
  const sides = threadLeads && !compared.some((side) => side.hit.paperId === thread.paperId) ? [] : [...compared];
  if (sides.length > 0) return { compared: sides, named: [], askedByName: false, followsThread: threadLeads };
  if (threadLeads) return { compared: [], named: [thread], askedByName: false, followsThread: true };
  const named = leadingNames(question, searchedFor, names)
    .filter((name) => !describesOnly(searchedFor, name) && (own.words.length <= NAMED_LEADS_WITHIN || asksWhatNameIs(question, name)))
    .flatMap((name) => hits.filter((hit) => isShortNameOf(hit.title, name)).slice(0, 1));
  const askedByName = named.some((hit) => names.some((name) => isShortNameOf(hit.title, name) && asksWhatNameIs(question, name)));
  return { compared: [], named, askedByName, followsThread: false };
}

/**
 * The names whose papers lead, in order. A follow-up that points back ("how much did it improve DeepSeek-R1?")
 * is about the thread's paper: the names its reading with the conversation brought come before its own.
 */
function leadingNames(question: string, searchedFor: string, names: readonly string[]): readonly string[] {
  if (searchedFor === question || !pointsBack(question)) return names;
  const own = new Set(namesIn(question));
  return [...names.filter((name) => !own.has(name)), ...names.filter((name) => own.has(name))];
}
