import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "pino";
import { errorMessage } from "../errors.js";
import type { PaperHit, Searcher, SearchFilters } from "../retrieve/searchPapers.js";
import { findTimeWindow, topicOf, type TimeWindow } from "../retrieve/timeWindow.js";
import { checkCitations, type Source } from "./citations.js";
import { extractiveAnswer } from "./extractiveAnswer.js";
import { condenseQuestion, type Turn } from "./followUp.js";
import { WHATS_NEW_SIZE, whatsNewText } from "./whatsNew.js";

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
  mode: "llm" | "extractive";
  /** One line for the user when something went wrong but an answer was still given. */
  notice?: string;
  closest: Source[];
  /** `[n]` markers dropped because they named no source. */
  removedCitations: number;
  /** The question actually searched (after resolving a follow-up). */
  searchedFor: string;
}

export type AnswerEvent = { type: "partial"; text: string } | { type: "done"; answer: Answer };

export interface AnswerOptions {
  k?: number;
  history?: readonly Turn[];
  filters?: SearchFilters;
}

export interface AnswererDeps {
  searcher: Searcher;
  embeddings: EmbeddingsInterface;
  /** A chat model for written answers; without one, answers are extractive. */
  llm?: BaseChatModel;
  logger?: Logger;
  /** Below this cosine similarity a paper is not evidence for the question. */
  minSimilarity?: number;
  /** Below this relevance (similarity + coverage) for the best paper, the library does not answer. */
  minRelevance?: number;
  /** Today, for "this week" and the like. */
  now?: () => Date;
}

/** A paper this far from the question (cosine) is not quoted or given to the model. */
export const DEFAULT_MIN_SIMILARITY = 0.45;
/**
 * relevance = cosine similarity + share of the question's words the paper covers.
 * Chosen on the eval set (test/eval/questions.json), where the two groups barely
 * overlap: 12 of 14 questions the seeds do not answer stay below 1.04, and all
 * answerable questions that search finds reach 1.16 or more.
 */
export const DEFAULT_MIN_RELEVANCE = 1.15;

/** A question whose words are (almost) a paper's title is about that paper. */
const NAMES_A_PAPER = 0.8;

export const relevanceOf = (hit: Pick<PaperHit, "similarity" | "coverage">) => hit.similarity + hit.coverage;
const DEFAULT_SOURCES = 5;
/** An extractive answer quotes only papers whose search score is at least this share of the best one's. */
const EXTRACTIVE_SCORE_RATIO = 0.85;

const toSource = (hit: PaperHit, n: number): Source => ({ n, paperId: hit.paperId, title: hit.title, url: hit.url });

export function createAnswerer(deps: AnswererDeps) {
  const minSimilarity = deps.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  const minRelevance = deps.minRelevance ?? DEFAULT_MIN_RELEVANCE;

  function notInLibrary(hits: readonly PaperHit[], base: Pick<Answer, "mode" | "searchedFor"> & { notice?: string }, window?: TimeWindow): Answer {
    const closest = hits.slice(0, 3).map((h, i) => toSource(h, i + 1));
    const list = closest.length > 0 ? ` The closest papers I have are: ${closest.map((c) => `“${c.title}”`).join("; ")}.` : "";
    // With a time window, no hit at all means no paper was published in it.
    const answer = !window
      ? `I couldn't find an answer to that in the library.${list}`
      : hits.length > 0
        ? `I couldn't find an answer to that among the papers published ${window.label}.${list}`
        : `Nothing in the library was published ${window.label}.`;
    return { answer, citations: [], grounded: false, closest, removedCitations: 0, ...base };
  }

  /** "What's new this week?" with no topic: the window's newest papers, each cited. */
  async function whatsNew(window: TimeWindow, filters: SearchFilters, k: number | undefined, searchedFor: string): Promise<Answer> {
    const papers = await deps.searcher.newest(filters, k ?? WHATS_NEW_SIZE);
    if (papers.length === 0) return notInLibrary([], { mode: "extractive", searchedFor }, window);
    const checked = checkCitations(whatsNewText(papers, window.label), papers.length);
    return { answer: checked.text, citations: checked.cited.map((n) => toSource(papers[n - 1]!, n)), grounded: true, mode: "extractive", closest: [], removedCitations: checked.removed, searchedFor };
  }

  async function extractive(question: string, allSources: PaperHit[], searchedFor: string, notice?: string): Promise<Answer> {
    // Quoting is only as good as the papers quoted: keep those scored close to the best.
    const best = allSources[0]?.score ?? 0;
    const sources = allSources.filter((h) => h.score >= best * EXTRACTIVE_SCORE_RATIO);
    const text = await extractiveAnswer(question, sources, deps.embeddings);
    const checked = checkCitations(text, sources.length);
    if (checked.cited.length === 0) return notInLibrary(sources, { mode: "extractive", searchedFor, notice });
    return {
      answer: checked.text,
      citations: checked.cited.map((n) => toSource(sources[n - 1]!, n)),
      grounded: true,
      mode: "extractive",
      closest: [],
      removedCitations: checked.removed,
      searchedFor,
      ...(notice ? { notice } : {}),
    };
  }

  async function* stream(question: string, options: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const searchedFor = await condenseQuestion(question, options.history ?? [], deps.llm, deps.logger);
    // "This week", "since 2023": a window on the publication date (or year); the rest of the question is searched.
    const window = findTimeWindow(searchedFor, deps.now?.() ?? new Date());
    const filters = window ? { ...window.filters, ...options.filters } : options.filters;
    if (window && topicOf(window.rest) === "") {
      yield { type: "done", answer: await whatsNew(window, filters ?? {}, options.k, searchedFor) };
      return;
    }
    const hits = await deps.searcher.search(window ? window.rest : searchedFor, { k: options.k ?? DEFAULT_SOURCES, filters });
    // Either the passages speak to the question, or the question names a paper we have.
    const answerable = hits.some((h) => relevanceOf(h) >= minRelevance || h.titleMatch >= NAMES_A_PAPER);
    const sources = answerable ? hits.filter((h) => h.similarity >= minSimilarity || h.titleMatch >= NAMES_A_PAPER) : [];
    const mode = deps.llm ? "llm" : "extractive";
    if (sources.length === 0) {
      yield { type: "done", answer: notInLibrary(hits, { mode, searchedFor }, window) };
      return;
    }
    if (!deps.llm) {
      yield { type: "done", answer: await extractive(searchedFor, sources, searchedFor) };
      return;
    }

    const { NOT_IN_LIBRARY, answerPrompt, formatSources } = await import("./llmPrompt.js");
    let text = "";
    try {
      const messages = await answerPrompt.formatMessages({ sources: formatSources(sources), question: searchedFor });
      for await (const chunk of await deps.llm.stream(messages)) {
        text += typeof chunk.content === "string" ? chunk.content : "";
        if (!text.startsWith(NOT_IN_LIBRARY.slice(0, Math.min(text.length, NOT_IN_LIBRARY.length)))) {
          yield { type: "partial", text: checkCitations(text, sources.length).text };
        }
      }
    } catch (error) {
      deps.logger?.warn({ err: error }, "language model failed; answering from the papers instead");
      const notice = `The language model is unavailable right now (${errorMessage(error).slice(0, 120)}), so this answer quotes the papers directly.`;
      yield { type: "done", answer: await extractive(searchedFor, sources, searchedFor, notice) };
      return;
    }

    const checked = checkCitations(text, sources.length);
    if (text.includes(NOT_IN_LIBRARY)) {
      yield { type: "done", answer: notInLibrary(hits, { mode, searchedFor }, window) };
      return;
    }
    if (checked.cited.length === 0) {
      // Empty, garbled, or uncited: nothing in it can be shown as grounded.
      deps.logger?.warn({ chars: text.length }, "language model answer had no valid citation; answering from the papers instead");
      const notice = "The language model's answer could not be checked against the papers, so this answer quotes them directly.";
      yield { type: "done", answer: await extractive(searchedFor, sources, searchedFor, notice) };
      return;
    }
    yield {
      type: "done",
      answer: {
        answer: checked.text,
        citations: checked.cited.map((n) => toSource(sources[n - 1]!, n)),
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

  return { stream, answer };
}

export type Answerer = ReturnType<typeof createAnswerer>;
