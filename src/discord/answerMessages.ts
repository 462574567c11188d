import type { Answer } from "../answer/createAnswerer.js";
import type { Source } from "../answer/citations.js";
import { DISCORD_LIMITS, escapeForDiscord, quietLink, splitForDiscord } from "./discordText.js";
import { truncate } from "../text/truncate.js";

/**
 * How an answer looks in Discord: the text (escaped: paper text and model
 * output can't restyle or ping), then its sources as numbered links in `<…>`
 * so no preview cards flood the thread. Split into messages of ≤ 2000 chars.
 */

export const SOURCES_HEADING = "**Sources**";
export const CLOSEST_HEADING = "**Closest papers in the library**";

/** Enough of a quote to check the claim at a glance; the paper's link has the rest. */
const QUOTE_CHARS = 240;

/**
 * Each source: its title as a link, its other links (PDF, code, …), and under a model's answer the
 * sentence of the paper behind the citation. An extractive answer is made of those sentences already.
 */
const sourceLines = (sources: readonly Source[], withQuotes = false) =>
  sources
    .map((s) => {
      const more = Object.entries(s.links)
        .filter(([, url]) => url !== s.url)
        .map(([kind, url]) => quietLink(kind, url));
      const quote = withQuotes && s.quote ? `\n> ${escapeForDiscord(truncate(s.quote, QUOTE_CHARS))}` : "";
      return `${s.n}. ${quietLink(s.title, s.url)}${more.length > 0 ? ` · ${more.join(" · ")}` : ""}${quote}`;
    })
    .join("\n");

export function answerMessages(answer: Answer): string[] {
  const blocks: string[] = [];
  if (answer.notice) blocks.push(`-# ${escapeForDiscord(answer.notice)}`);
  if (answer.grounded) {
    blocks.push(escapeForDiscord(answer.answer));
    if (answer.citations.length > 0) blocks.push(`${SOURCES_HEADING}\n${sourceLines(answer.citations, answer.mode === "llm")}`);
  } else {
    blocks.push(escapeForDiscord(answer.refusal ?? "I couldn't find an answer to that in the library."));
    if (answer.closest.length > 0) blocks.push(`${CLOSEST_HEADING}\n${sourceLines(answer.closest)}`);
  }
  return splitForDiscord(blocks.join("\n\n"));
}

/** The message while the answer is still being written: the text so far, within one message. */
export function progressMessage(partial: string): string {
  const marker = "\n\n-# ✍️ writing…";
  return truncate(escapeForDiscord(partial), DISCORD_LIMITS.content - marker.length) + marker;
}

export const THINKING = "-# 🔎 Looking through the library…";

/** Titles listed under the sources heading of one of the bot's answers (for follow-ups after a restart). */
export function sourceTitlesIn(content: string): string[] | undefined {
  const at = content.indexOf(SOURCES_HEADING);
  if (at < 0) return undefined;
  return [...content.slice(at).matchAll(/^\d+\. (?:\[((?:\\.|[^\]\\])+)\]\(<[^>]+>\)(?: · .*)?|(.+))$/gm)].map((m) =>
    unescapeMarkdown(m[1] ?? m[2] ?? ""),
  );
}

function unescapeMarkdown(text: string): string {
  return text.replace(/\\(.)/g, "$1").replace(/\u200b/g, "");
}
