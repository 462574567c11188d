import { arxivAdderFor, type App } from "../app.js";
import { countFlag } from "./countFlag.js";
import { bibtexFor } from "../bibtex.js";
import { paperLinks, parseArxivId, type Paper } from "../paper.js";
import { findPaper, type FindResult } from "../retrieve/findPaper.js";
import { createSearcher } from "../retrieve/searchPapers.js";
import { similarPapers } from "../retrieve/similarPapers.js";
import type { PaperStore } from "../store/paperStore.js";

/** Finds the paper or prints "did you mean" and sets exit code 1. */
async function resolve(store: PaperStore, query: string, json: boolean | undefined): Promise<Paper | undefined> {
  return shownIfFound(await findPaper(store, query), query, json);
}

/** The paper found, or "did you mean" printed and exit code 1. */
function shownIfFound(found: FindResult, query: string, json: boolean | undefined): Paper | undefined {
  if ("paper" in found) return found.paper;
  process.exitCode = 1;
  if (json) process.stdout.write(`${JSON.stringify({ error: "not found", query, didYouMean: found.suggestions })}\n`);
  else {
    const hint = found.suggestions.length > 0 ? `\nDid you mean:\n${found.suggestions.map((t) => `  - ${t}`).join("\n")}` : "";
    process.stderr.write(`No paper matches "${query}".${hint}\n`);
  }
  return undefined;
}

export function formatPaper(p: Paper): string {
  const authors = p.authors.length > 0 ? p.authors.join(", ") : p.authorCount ? `${p.authorCount} authors` : undefined;
  const rows: [string, string | number | undefined][] = [
    ["authors", authors],
    ["published", p.publishedAt ?? p.year],
    ["section", p.section],
    ["upvotes", p.upvotes],
    ["sources", p.sources.join(", ")],
    ...Object.entries(paperLinks(p)),
  ];
  const lines = [p.title, ...rows.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => `  ${k}: ${v}`)];
  lines.push("", p.summary || "(known by title only: no summary in the library)");
  return `${lines.join("\n")}\n`;
}

export interface PaperFlags {
  json?: boolean;
  bibtex?: boolean;
  /** false (`--no-fetch`): never ask arXiv for a paper the library lacks. */
  fetch?: boolean;
}

export async function paperCommand(app: App, query: string, flags: PaperFlags): Promise<void> {
  const store = await app.openStore();
  try {
    const found = await findPaper(store, query);
    // An arXiv id the library lacks is fetched from arXiv and added, then shown like any other.
    const fetched =
      !("paper" in found) && parseArxivId(query) && flags.fetch !== false ? await (await arxivAdderFor(app, store)).byId(query) : undefined;
    const paper = fetched?.paper ?? shownIfFound(found, query, flags.json);
    if (!paper) return;
    const added = fetched?.added === true;
    if (flags.bibtex) process.stdout.write(bibtexFor(paper));
    else if (flags.json)
      process.stdout.write(`${JSON.stringify({ paper: { ...paper, links: paperLinks(paper) }, ...(fetched ? { added } : {}) })}\n`);
    else process.stdout.write(`${formatPaper(paper)}${added ? "\n(fetched from arXiv and added to the library)\n" : ""}`);
  } finally {
    store.close();
  }
}

export async function similarCommand(app: App, query: string, flags: { k: string; json?: boolean }): Promise<void> {
  const store = await app.openStore();
  try {
    const k = countFlag("--k", flags.k, 50);
    const paper = await resolve(store, query, flags.json);
    if (!paper) return;
    const embedder = await app.embedder("search");
    await store.requireEmbedder(embedder);
    const results = await similarPapers(createSearcher({ store, embeddings: embedder.embeddings }), paper, k);
    if (flags.json) process.stdout.write(`${JSON.stringify({ paper: { paperId: paper.id, title: paper.title }, results })}\n`);
    else
      process.stdout.write(
        `Similar to “${paper.title}”:\n${results
          .map((r) => `${r.rank}. ${r.title}${r.year ? ` (${r.year})` : ""}  ${r.similarity.toFixed(2)}${r.url ? `\n   ${r.url}` : ""}`)
          .join("\n")}\n`,
      );
  } finally {
    store.close();
  }
}
