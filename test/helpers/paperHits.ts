import type { PaperHit } from "../../src/retrieve/searchPapers.js";

/** A search hit made by hand, for the pure parts of answering: a paper of this title with these passages. */
export function paperHit(title: string, passages: string | string[], score = 1): PaperHit {
  return {
    rank: 1,
    paperId: title,
    title,
    score,
    similarity: 0.5,
    textScore: 1,
    coverage: 0.5,
    titleMatch: 0,
    snippet: "",
    passages: typeof passages === "string" ? [passages] : passages,
    url: undefined,
    year: 2025,
    paper: { id: title, title, summary: "", authors: [], sources: [] },
  };
}
