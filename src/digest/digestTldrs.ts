import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { splitSentences } from "../answer/citations.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Paper } from "../paper.js";
import { truncate } from "../text/truncate.js";

/* What the digest says of each paper: a one- or two-sentence TL;DR, and where it came from. */

export type TldrSource = "ai-summary" | "llm" | "abstract" | "none";

export interface Tldr {
  text: string;
  source: TldrSource;
}

export interface TldrOptions {
  /** When given, writes the TL;DRs of papers whose source has no AI summary (one call; failures fall back to the abstract). */
  llm?: BaseChatModel;
  /** Default 30 s. */
  llmTimeoutMs?: number;
  logger?: Logger;
}

const TLDR_MAX_CHARS = 320;

/** The first one or two sentences, within `max` characters (cut at a word with "…" when one sentence is already longer). */
export function firstSentences(text: string, max = TLDR_MAX_CHARS, count = 2): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (!clean) return "";
  let out = "";
  for (const sentence of splitSentences(clean).slice(0, count)) {
    const next = `${out}${sentence}`.trim();
    if (next.length > max) break;
    out = `${next} `;
  }
  out = out.trim();
  return out || truncate(clean, max);
}

/** The source's AI summary, else the LLM's (one call for all), else the abstract's first sentences. */
export async function writeTldrs(papers: readonly Paper[], options: TldrOptions): Promise<Tldr[]> {
  const tldrs: Tldr[] = papers.map((p) => {
    if (p.aiSummary?.trim()) return { text: firstSentences(p.aiSummary), source: "ai-summary" };
    if (p.summary.trim()) return { text: firstSentences(p.summary), source: "abstract" };
    return { text: "", source: "none" };
  });
  const wanted = papers.map((p, i) => ({ paper: p, i })).filter(({ i }) => tldrs[i]?.source === "abstract");
  if (!options.llm || wanted.length === 0) return tldrs;
  try {
    const written = await llmTldrs(
      options.llm,
      wanted.map((w) => w.paper),
      options.llmTimeoutMs ?? 30_000,
    );
    wanted.forEach(({ i }, k) => {
      const text = written.get(k + 1);
      if (text) tldrs[i] = { text, source: "llm" };
    });
    const missing = wanted.length - written.size;
    if (missing > 0) options.logger?.warn({ missing }, "the model wrote no usable TL;DR for some papers: using their abstracts");
  } catch (error) {
    options.logger?.warn({ err: errorMessage(error) }, "TL;DRs by the model failed: using the abstracts");
  }
  return tldrs;
}

async function llmTldrs(llm: BaseChatModel, papers: readonly Paper[], timeoutMs: number): Promise<Map<number, string>> {
  const { tldrChain } = await import("./tldrPrompt.js");
  const listing = papers.map((p, i) => `[${i + 1}] Title: ${p.title}\nAbstract: ${p.summary.slice(0, 1500)}`).join("\n\n");
  const reply = await tldrChain(llm).invoke({ listing, count: papers.length }, { signal: AbortSignal.timeout(timeoutMs) });
  const out = new Map<number, string>();
  for (const { paper: n, tldr } of reply.tldrs) {
    const text = tldr
      .replace(/\*\*|__|`/g, "")
      .replace(/\s+/g, " ")
      .trim();
    if (n < 1 || n > papers.length || out.has(n)) continue;
    // A link, a refusal or a fragment is not a TL;DR.
    if (text.length < 15 || /https?:\/\//i.test(text)) continue;
    out.set(n, firstSentences(text));
  }
  return out;
}
