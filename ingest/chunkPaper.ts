import type { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { Paper } from "../src/paper.js";

export interface PaperChunk {
  chunkIndex: number;
  /** The title, a blank line, then the passage: what is embedded, indexed and quoted. */
  text: string;
}

const CHUNK_SIZE = 1000;

let splitter: Promise<RecursiveCharacterTextSplitter> | undefined;
/**
 * ~1,000 characters holds an abstract's claim with its context; the 150-character
 * overlap keeps a sentence cut at a boundary readable in both chunks. The splitter
 * prefers paragraph, then sentence, then word boundaries. Imported on first use:
 * it costs ~0.4 s of start-up that a run with nothing to split should not pay.
 */
function getSplitter(): Promise<RecursiveCharacterTextSplitter> {
  splitter ??= import("@langchain/textsplitters").then(
    ({ RecursiveCharacterTextSplitter }) =>
      new RecursiveCharacterTextSplitter({
        chunkSize: CHUNK_SIZE,
        chunkOverlap: 150,
        separators: ["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keepSeparator: false,
      }),
  );
  return splitter;
}

/**
 * Splits a paper's summary into chunks that each carry the title, so a passage is
 * attributable on its own. A paper known only by its title still gets one chunk:
 * it can be found and cited by title.
 */
export async function chunkPaper(paper: Pick<Paper, "title" | "summary">): Promise<PaperChunk[]> {
  if (!paper.summary) return [{ chunkIndex: 0, text: paper.title }];
  const pieces = paper.summary.length <= CHUNK_SIZE ? [paper.summary] : await (await getSplitter()).splitText(paper.summary);
  return pieces.map((piece, chunkIndex) => ({ chunkIndex, text: `${paper.title}\n\n${piece.trim()}` }));
}
