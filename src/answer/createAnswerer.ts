import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "pino";
import type { AIMessageChunk } from "@langchain/core/messages";
import { withoutSecrets } from "../endpoint.js";
import { errorMessage } from "../errors.js";
import type { PaperHit, Searcher, SearchFilters } from "../retrieve/searchPapers.js";
import { arxivIdIn, paperIdFor, paperLinks } from "../paper.js";
import { findTimeWindow, topicOf, type TimeWindow } from "../retrieve/timeWindow.js";
import { answerProbability, calibrationFor, type Calibration } from "./calibration.js";
import { checkCitations, type CheckedText, type Source } from "./citations.js";
import { comparedPapers } from "./comparedPapers.js";
import { DEFAULT_DEADLINES, DeadlineError, before, seconds, type AnswerDeadlines } from "./deadline.js";
import { byMeaning, evidenceOf, evidenceWords, textOf, type Evidence } from "./evidence.js";
import { extractiveAnswer } from "./extractiveAnswer.js";
import { asksWhatNameIs, mentions, shapeOf, titleIn, type QuestionShape } from "./questionTerms.js";
import { leadingPapers } from "./leadingPapers.js";
import { condenseQuestion, inConversation, type Turn } from "./followUp.js";
import { claimsCiting, supportingQuote, withoutUnsupported } from "./quotes.js";
import { WHATS_NEW_SIZE, whatsNewText } from "./whatsNew.js";
import { archiveAnswer, archiveQuestion } from "./archiveAnswer.js";
import type { DigestArchive } from "../digest/digestArchive.js";

/**
 * Question → retrieval → an answer whose every citation is a paper that was
 * really retrieved, or an honest "not in the library". Knows nothing of Discord
 * or the CLI: both consume `stream()` (partial text, then the final answer).
 */

export interface Answer {
  answer: string;
  citations: Source[];
  /** false: the library does not answer this; `closest` lists what came nearest. */
  grounded: boolean;
  /** Why there is no answer, in one sentence ("I don't have “GLM-5” in the library."), when grounded is false. */
  refusal?: string;
  /** The arXiv id the question names when the library lacks that paper: it can be fetched. */
  missingArxivId?: string;
  /** The paper title the question is or quotes, when nothing answered it: arXiv's title search may have it. */
  missingTitle?: string;
  mode: "llm" | "extractive";
  /** One line for the user when something went wrong but an answer was still given. */
  notice?: string;
  closest: Source[];
  /** `[n]` markers dropped because they named no source. */
  removedCitations: number;
  /** The question actually searched (after resolving a follow-up). */
  searchedFor: string;
}

export interface Assessment {
  searchedFor: string;
  window: TimeWindow | undefined;
  filters: SearchFilters;
  /** What was searched: the question without its time phrase. */
  query: string;
  hits: PaperHit[];
  shape: QuestionShape;
  /** Undefined for "what's new" with no topic, which searches nothing. */
  evidence: Evidence | undefined;
  /** An arXiv id the question names, and whether the library has that paper (then it leads, and is answered from). */
  arxivId?: string;
  namedPaper?: boolean;
  /** A comparison whose every side found the paper it means ("LoRA vs QLoRA"): the library has what is asked. */
  comparedNamed?: boolean;
  /** The question asks for a paper by its short name ("what is ReSearch?", "the LoRA paper"), and the library has it. */
  askedByName?: boolean;
  /** Read with the conversation, the question asks about the paper the last answer led with (see leadingPapers). */
  followsThread?: boolean;
}

export type AnswerEvent = { type: "partial"; text: string } | { type: "done"; answer: Answer };

export interface AnswerOptions {
  k?: number;
  history?: readonly Turn[];
  filters?: SearchFilters;
  /** The channel asked in: a question about the digests posted there is answered from them (with `archive`). */
  channelId?: string;
}

export interface AnswererDeps {
  searcher: Searcher;
  embeddings: EmbeddingsInterface;
  /** A chat model for written answers; without one, answers are extractive. */
  llm?: BaseChatModel;
  /** Where the model is served (its base URL), named in the log when it fails. */
  endpoint?: string;
  /** How long a waiting user gives the model (default LLM_FIRST_TOKEN_MS / LLM_ANSWER_MS's defaults). */
  deadlines?: AnswerDeadlines;
  logger?: Logger;
  /** The answer-or-refuse model; by default the one fit for this embedder (calibration.ts). */
  calibration?: Calibration;
  /** Today, for "this week" and the like. */
  now?: () => Date;
  /** The channels' posted digests: "what did we post about diffusion last month?" is answered from them. */
  archive?: DigestArchive;
}

/** Sources given to the model or quoted from, unless the caller asks for another number. */
const DEFAULT_SOURCES = 5;
/** Papers searched to decide: a name the question uses must be in none of them to be missing. */
const EVIDENCE_HITS = 10;
/** Papers of a name the question uses brought in beside search's: a common name ("Chameleon") may name several. */
const MAX_NAMED = 3;
/** Shorter words have too many near spellings that are other words ("model", "modal"). */
const MIN_VARIANT_LENGTH = 7;

/** The id an embedder gives itself (the local one does), which selects its calibration. */
const embedderIdOf = (embeddings: EmbeddingsInterface) =>
  "id" in embeddings && typeof embeddings.id === "string" ? embeddings.id : undefined;

const toSource = (hit: PaperHit, n: number): Source => ({
  n,
  paperId: hit.paperId,
  title: hit.title,
  url: hit.url,
  links: paperLinks(hit.paper),
});
/** The sources cited by a checked text, numbered as shown, each with the sentence of its paper behind what cites it. */
const citedSources = (checked: CheckedText, sources: readonly PaperHit[]) =>
  checked.cited.map((n, i) => {
    const hit = sources[n - 1]!;
    const quote = supportingQuote(claimsCiting(checked.text, i + 1), hit);
    return { ...toSource(hit, i + 1), ...(quote ? { quote } : {}) };
  });

const quoted = (names: readonly string[]) => names.map((name) => `“${name}”`).join(" or ");

/** What went wrong with the model, for the user's notice: completes "The language model …", never quotes a key. */
function modelFailure(error: unknown): string {
  if (error instanceof DeadlineError) return error.message;
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
  if (typeof status === "number") return `is unavailable right now (it answered HTTP ${status})`;
  return `is unavailable right now (${withoutSecrets(errorMessage(error)).slice(0, 120)})`;
}

export function createAnswerer(deps: AnswererDeps) {
  const calibration = deps.calibration ?? calibrationFor(embedderIdOf(deps.embeddings));
  const deadlines = deps.deadlines ?? DEFAULT_DEADLINES;

  function notInLibrary(
    hits: readonly PaperHit[],
    base: Pick<Answer, "mode" | "searchedFor"> & { notice?: string },
    window?: TimeWindow,
    missing: readonly string[] = [],
  ): Answer {
    const closest = hits.slice(0, 3).map((h, i) => toSource(h, i + 1));
    const list = closest.length > 0 ? ` The closest papers I have are: ${closest.map((c) => `“${c.title}”`).join("; ")}.` : "";
    // With a time window, no hit at all means no paper was published in it.
    const refusal =
      missing.length > 0
        ? `I don't have ${quoted(missing)} in the library${window ? ` among the papers published ${window.label}` : ""}.`
        : !window
          ? "I couldn't find an answer to that in the library."
          : hits.length > 0
            ? `I couldn't find an answer to that among the papers published ${window.label}.`
            : `Nothing in the library was published ${window.label}.`;
    return { answer: `${refusal}${list}`, refusal, citations: [], grounded: false, closest, removedCitations: 0, ...base };
  }

  /** "What's new this week?" with no topic: the window's newest papers, each cited. */
  async function whatsNew(window: TimeWindow, filters: SearchFilters, k: number | undefined, searchedFor: string): Promise<Answer> {
    const papers = await deps.searcher.newest(filters, k ?? WHATS_NEW_SIZE);
    if (papers.length === 0) return notInLibrary([], { mode: "extractive", searchedFor }, window);
    const checked = checkCitations(whatsNewText(papers, window.label), papers.length);
    return {
      answer: checked.text,
      citations: citedSources(checked, papers),
      grounded: true,
      mode: "extractive",
      closest: [],
      removedCitations: checked.removed,
      searchedFor,
    };
  }

  async function extractive(
    question: string,
    shape: QuestionShape,
    sources: PaperHit[],
    searchedFor: string,
    notice?: string,
  ): Promise<Answer> {
    const text = await extractiveAnswer(question, shape, sources, deps.embeddings);
    const checked = checkCitations(text, sources.length);
    if (checked.cited.length === 0) return notInLibrary(sources, { mode: "extractive", searchedFor, notice });
    return {
      answer: checked.text,
      citations: citedSources(checked, sources),
      grounded: true,
      mode: "extractive",
      closest: [],
      removedCitations: checked.removed,
      searchedFor,
      ...(notice ? { notice } : {}),
    };
  }

  /** The papers whose short name is one of `names` that `found` lacks, as hits for the query. */
  async function papersOfNames(
    query: string,
    names: readonly string[],
    found: readonly PaperHit[],
    filters: SearchFilters,
  ): Promise<PaperHit[]> {
    const ids = (await Promise.all(names.map((name) => deps.searcher.papersNamed(name)))).flat();
    const missing = [...new Set(ids)].filter((id) => !found.some((hit) => hit.paperId === id)).slice(0, MAX_NAMED);
    return missing.length > 0 ? deps.searcher.search(query, { k: missing.length, filters: { ...filters, paperIds: missing } }) : [];
  }

  /**
   * What the answer is decided on: the standalone question, its time window, the papers found and the evidence in them.
   * `asked` is when the question came (`performance.now()`): a follow-up's rewrite by the model spends the answer's time.
   */
  async function assess(question: string, options: AnswerOptions = {}, asked = performance.now(), rewritten?: string): Promise<Assessment> {
    const rewriteBy = asked + Math.min(deadlines.firstTokenMs, deadlines.answerMs);
    const searchedFor = rewritten ?? (await condenseQuestion(question, options.history ?? [], deps.llm, deps.logger, rewriteBy));
    // "This week", "since 2023": a window on the publication date (or year); the rest of the question is searched.
    const window = findTimeWindow(searchedFor, deps.now?.() ?? new Date());
    const filters = window ? { ...window.filters, ...options.filters } : (options.filters ?? {});
    const query = window ? window.rest : searchedFor;
    // "What's new this week?" with no topic lists the window's newest papers: nothing to search.
    if (window && topicOf(window.rest) === "")
      return { searchedFor, window, filters, query, hits: [], shape: shapeOf(query), evidence: undefined };
    // "What does 2401.00001 propose?": that paper, if the library has it, is the one asked about.
    const arxivId = arxivIdIn(query);
    const shape = shapeOf(query);
    const k = Math.max(options.k ?? DEFAULT_SOURCES, EVIDENCE_HITS);
    const [firstFound, [byId] = [], library] = await Promise.all([
      deps.searcher.search(query, { k, filters }),
      arxivId ? deps.searcher.search(query, { k: 1, filters: { ...filters, paperIds: [paperIdFor("", arxivId)] } }) : [],
      deps.searcher.wordCounts(evidenceWords(shape)),
    ]);
    // A word no passage uses as written may be another form of one that some do ("astronomy", "astronomical").
    const variants = evidenceWords(shape).filter((word) => word.length >= MIN_VARIANT_LENGTH && library.counts.get(word) === 0);
    const found = variants.length > 0 ? await deps.searcher.search(query, { k, filters, variants }) : firstFound;
    // "The ReSearch paper": the paper of the short name a question asks about is among the papers weighed, however
    // low search ranks it ("research" is in many titles).
    const byName = await papersOfNames(
      query,
      shape.names.filter((name) => asksWhatNameIs(question, name)),
      found,
      filters,
    );
    const ranked = [...byMeaning(shape.words, found), ...byName];
    const hits = byId ? [byId, ...ranked.filter((hit) => hit.paperId !== byId.paperId)] : ranked;
    // A comparison leads with one paper per side, a short question naming a paper ("what is NeRF?") with the
    // paper of that short name. The evidence is read from the named paper, the one the answer is about; a
    // comparison is decided on the question as a whole, as "how far ahead is the top paper" means nothing
    // when two papers are asked about.
    const unique = (list: PaperHit[]) => list.filter((hit, i, all) => all.findIndex((other) => other.paperId === hit.paperId) === i);
    // "How does it compare with LoRA?": "it" is the paper the conversation's last answer led with, if found again.
    const led = searchedFor !== question ? options.history?.at(-1)?.sourceTitles?.[0] : undefined;
    const thread = hits.find((hit) => hit.title === led);
    const { compared, named, askedByName, followsThread } = leadingPapers({
      question,
      searchedFor,
      names: shape.names,
      hits,
      compared: await comparedPapers(query, deps.searcher, filters, hits, thread),
      thread,
    });
    const sides = compared.map((side) => side.hit);
    const evidence = evidenceOf(shape, unique([...named, ...hits]), library, sides);
    const ordered = unique([...sides, ...named, ...hits]);
    // A name the question's papers do not mention may still be in another paper: look for it alone
    // before saying the library lacks it.
    const foundAlone = await Promise.all(
      evidence.missing.map(async (name) =>
        (await deps.searcher.search(name, { k: EVIDENCE_HITS, filters })).some((hit) => mentions(textOf(hit), name)),
      ),
    );
    const stillMissing = [...evidence.missing.filter((_, i) => !foundAlone[i]), ...(arxivId && !byId ? [`arXiv ${arxivId}`] : [])];
    return {
      searchedFor,
      window,
      filters,
      query,
      hits: ordered,
      shape,
      evidence: { ...evidence, missing: stillMissing },
      ...(arxivId ? { arxivId, namedPaper: byId !== undefined } : {}),
      ...(compared.length >= 2 && compared.every((side) => side.matched) ? { comparedNamed: true } : {}),
      ...(askedByName ? { askedByName } : {}),
      ...(followsThread ? { followsThread } : {}),
    };
  }

  /**
   * Whether an assessment is answered. A name no retrieved paper mentions is not in the library: say so,
   * whatever the neighbours say. Otherwise the calibrated model decides; a language model is asked on
   * weaker evidence, since it can still answer that the sources do not say.
   */
  function decide({ hits, evidence, namedPaper, comparedNamed, askedByName }: Assessment): { answerable: boolean; probability: number } {
    if (!evidence) return { answerable: true, probability: 1 };
    const probability = calibration ? answerProbability(calibration, evidence.features) : 1;
    const answerable =
      hits.length > 0 &&
      evidence.missing.length === 0 &&
      (namedPaper === true ||
        comparedNamed === true ||
        askedByName === true ||
        probability >= (deps.llm ? (calibration?.askModelAt ?? 0) : (calibration?.answerAt ?? 0)));
    return { answerable, probability };
  }

  async function* stream(question: string, options: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    // A question about the channel's past digests is answered from them; any other goes on as always.
    const { archive, searcher } = deps;
    const { channelId } = options;
    const aboutDigests = archive && channelId ? archiveQuestion(question, deps.now?.() ?? new Date()) : undefined;
    if (archive && channelId && aboutDigests) {
      const input = { asked: aboutDigests, channelId, archive, searcher, k: options.k, searchedFor: question };
      yield { type: "done", answer: await archiveAnswer(input) };
      return;
    }
    const asked = performance.now();
    let assessment = await assess(question, options, asked);
    let decision = decide(assessment);
    // A follow-up the rule took to stand alone, as it names something ("how does that compare with
    // BERT-style masked modeling?"), may still ask about the thread's paper: it is also read with the
    // conversation, and that reading is answered instead when the library answers it more surely, or when it
    // asks about the thread's paper, which uses every name the follow-up does (see leadingPapers).
    const history = options.history ?? [];
    if (!deps.llm && history.length > 0 && assessment.evidence) {
      const withThread = inConversation(question, history);
      if (withThread !== assessment.searchedFor) {
        const second = await assess(question, options, asked, withThread);
        const secondDecision = decide(second);
        if (
          second.evidence &&
          secondDecision.answerable &&
          (secondDecision.probability > decision.probability || second.followsThread === true)
        ) {
          assessment = second;
          decision = secondDecision;
        }
      }
    }
    const { searchedFor, window, filters, query, hits, shape, evidence, arxivId, namedPaper } = assessment;
    if (!evidence) {
      yield { type: "done", answer: await whatsNew(window!, filters, options.k, searchedFor) };
      return;
    }
    const { missing } = evidence;
    const k = options.k ?? DEFAULT_SOURCES;
    const mode = deps.llm ? "llm" : "extractive";
    const { answerable, probability } = decision;
    deps.logger?.debug({ missing, features: evidence.features, probability, answerable }, "answer or refuse");
    if (!answerable) {
      // What could be fetched from arXiv: the paper the question names by id, or by its title.
      const title = arxivId ? undefined : titleIn(query);
      const lacking = arxivId && !namedPaper ? { missingArxivId: arxivId } : title ? { missingTitle: title } : {};
      yield { type: "done", answer: { ...notInLibrary(hits, { mode, searchedFor }, window, missing), ...lacking } };
      return;
    }
    const sources = hits.slice(0, k);
    if (!deps.llm) {
      yield { type: "done", answer: await extractive(query, shape, sources, searchedFor) };
      return;
    }

    const { NOT_IN_LIBRARY, answerPrompt, formatSources } = await import("./llmPrompt.js");
    // A waiting user gets the model's first token within firstTokenMs and its whole answer within answerMs of
    // the question, or the papers quoted: a hang, a stall mid-stream or a slow stream all end at a deadline,
    // which also aborts the request.
    const controller = new AbortController();
    const answerBy = asked + deadlines.answerMs;
    const startBy = Math.min(performance.now() + deadlines.firstTokenMs, answerBy);
    const late = (message: string) => () => {
      controller.abort();
      return new DeadlineError(message);
    };
    const notStarted = late(
      startBy < answerBy
        ? `did not start its answer within ${seconds(deadlines.firstTokenMs)}`
        : `did not answer within ${seconds(deadlines.answerMs)}`,
    );
    const notFinished = late(`did not finish its answer within ${seconds(deadlines.answerMs)}`);
    let chunks: AsyncIterator<AIMessageChunk> | undefined;
    let text = "";
    let finished = false;
    try {
      const chain = answerPrompt.pipe(deps.llm);
      chunks = (
        await before(
          chain.stream({ sources: formatSources(sources), question: searchedFor }, { signal: controller.signal }),
          startBy,
          notStarted,
        )
      )[Symbol.asyncIterator]();
      for (;;) {
        // Whitespace is not a start: a model may keep a connection warm with it.
        const next = await before(chunks.next(), text.trim() ? answerBy : startBy, text.trim() ? notFinished : notStarted);
        if (next.done) break;
        text += next.value.text;
        if (!text.startsWith(NOT_IN_LIBRARY.slice(0, Math.min(text.length, NOT_IN_LIBRARY.length)))) {
          yield { type: "partial", text: checkCitations(text, sources.length).text };
        }
      }
      finished = true;
    } catch (error) {
      const failure =
        error instanceof DeadlineError || (typeof error === "object" && error !== null && "status" in error)
          ? withoutSecrets(errorMessage(error))
          : error;
      deps.logger?.warn(
        { err: failure, endpoint: deps.endpoint, chars: text.length },
        "language model failed; answering from the papers instead",
      );
      const notice = `The language model ${modelFailure(error)}, so this answer quotes the papers directly.`;
      yield { type: "done", answer: await extractive(query, shape, sources, searchedFor, notice) };
      return;
    } finally {
      if (!finished) {
        // Given up (or the caller stopped reading): end the request and let the stream close on its own.
        controller.abort();
        chunks?.return?.().catch(() => undefined);
      }
    }

    // Each citation must be backed by a sentence of its paper (quotes.ts): one that none backs is removed.
    const { checked, sources: cited, unsupported } = withoutUnsupported(checkCitations(text, sources.length), sources);
    if (unsupported > 0)
      deps.logger?.warn({ unsupported }, "citations no sentence of their paper supports were removed from the model's answer");
    if (text.includes(NOT_IN_LIBRARY)) {
      yield { type: "done", answer: notInLibrary(hits, { mode, searchedFor }, window) };
      return;
    }
    if (checked.cited.length === 0) {
      // Empty, garbled, or uncited: nothing in it can be shown as grounded.
      deps.logger?.warn({ chars: text.length }, "language model answer had no valid citation; answering from the papers instead");
      const notice = "The language model's answer could not be checked against the papers, so this answer quotes them directly.";
      yield { type: "done", answer: await extractive(query, shape, sources, searchedFor, notice) };
      return;
    }
    yield {
      type: "done",
      answer: {
        answer: checked.text,
        citations: citedSources(checked, cited),
        grounded: true,
        mode,
        closest: [],
        removedCitations: checked.removed,
        searchedFor,
      },
    };
  }

  /** The whole answer at once (CLI, tests). */
  async function answer(question: string, options: AnswerOptions = {}): Promise<Answer> {
    for await (const event of stream(question, options)) if (event.type === "done") return event.answer;
    throw new Error("the answer stream ended without an answer");
  }

  return { stream, answer, assess };
}

export type Answerer = ReturnType<typeof createAnswerer>;
