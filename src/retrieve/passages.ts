import { truncate } from "../text/truncate.js";

/*
 * A chunk's text is its paper's title, a blank line, then the passage (ingest/chunkPaper.ts), so that
 * a passage is attributable on its own. A paper known by its title only has one chunk: the bare title.
 */

const SNIPPET_CHARS = 240;

/** The title line every chunk starts with. */
export function titleOf(chunkText: string): string {
  const cut = chunkText.indexOf("\n\n");
  return cut >= 0 ? chunkText.slice(0, cut) : chunkText;
}

/** The passage without the title line every chunk starts with. */
export function passageOf(chunkText: string): string {
  const cut = chunkText.indexOf("\n\n");
  return cut >= 0 ? chunkText.slice(cut + 2) : chunkText;
}

/** Whether the chunk holds a passage after its title line (not a paper known by title only). */
export function hasPassage(chunkText: string): boolean {
  return chunkText.includes("\n\n");
}

export function snippetOf(passage: string): string {
  return truncate(passage, SNIPPET_CHARS);
}
