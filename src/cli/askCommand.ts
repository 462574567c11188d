import type { App } from "../app.js";
import { countFlag } from "./countFlag.js";
import { createAnswerer, type Answer } from "../answer/createAnswerer.js";
import { modelForAnswers } from "../answer/createChatModel.js";
import { createSearcher } from "../retrieve/searchPapers.js";

export interface AskFlags {
  k?: string;
  json?: boolean;
}

export function formatAnswer(a: Answer): string {
  const lines = [a.notice ? `(${a.notice})\n` : "", a.answer];
  if (a.citations.length > 0) {
    lines.push("", "Sources:");
    for (const c of a.citations) {
      lines.push(`  [${c.n}] ${c.title}${c.url ? ` — ${c.url}` : ""}`);
      if (c.quote) lines.push(`      “${c.quote}”`);
    }
  }
  return `${lines.filter((l, i) => i > 0 || l).join("\n")}\n`;
}

export async function askCommand(app: App, question: string, flags: AskFlags): Promise<void> {
  const k = flags.k === undefined ? undefined : countFlag("--k", flags.k, 20);
  const store = await app.openStore();
  try {
    const embedder = await app.embedder("search");
    await store.requireEmbedder(embedder);
    const { embeddings } = embedder;
    const answerer = createAnswerer({
      searcher: createSearcher({ store, embeddings }),
      embeddings,
      logger: app.logger,
      ...(await modelForAnswers(app.config, app.logger)),
    });
    let shown = 0;
    let answer: Answer | undefined;
    for await (const event of answerer.stream(question, { k })) {
      if (event.type === "done") answer = event.answer;
      else if (!flags.json && process.stdout.isTTY) {
        // On a terminal, show the answer as it is written.
        process.stdout.write(event.text.slice(shown));
        shown = event.text.length;
      }
    }
    if (!answer) throw new Error("no answer");
    if (flags.json) {
      const { answer: text, citations, grounded, mode, notice } = answer;
      process.stdout.write(
        `${JSON.stringify({
          answer: text,
          citations: citations.map(({ n, paperId, title, url, quote, links }) => ({
            n,
            paperId,
            title,
            url: url ?? null,
            quote: quote ?? null,
            links,
          })),
          grounded,
          mode,
          ...(notice ? { notice } : {}),
        })}\n`,
      );
      return;
    }
    if (shown > 0) process.stdout.write("\n\n");
    // The model's text is on screen: add its sources. Unless it failed part-way: then the quoted answer follows, with its notice.
    const wroteIt = shown > 0 && answer.mode === "llm";
    process.stdout.write(wroteIt ? formatAnswer({ ...answer, answer: "", notice: undefined }).trimStart() : formatAnswer(answer));
  } finally {
    store.close();
  }
}
