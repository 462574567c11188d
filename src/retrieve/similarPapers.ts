import type { Paper } from "../paper.js";
import type { Searcher } from "./searchPapers.js";

export interface SimilarPaper {
  rank: number;
  paperId: string;
  title: string;
  /** Cosine similarity of the paper's text to the other paper's closest passage. */
  similarity: number;
  url: string | undefined;
  year: number | undefined;
}

/**
 * The papers closest to this one: the library searched (vectors and words, fused)
 * with the paper's own title and summary, the paper itself left out. Its rare words
 * ("point cloud") count as much as its meaning, so neighbours share its topic, not
 * only its vocabulary; a paper known by title only is searched by its title.
 */
export async function similarPapers(searcher: Searcher, paper: Paper, k = 5): Promise<SimilarPaper[]> {
  const hits = await searcher.search(paper.summary ? `${paper.title}\n${paper.summary}` : paper.title, { k: k + 1 });
  return hits
    .filter((hit) => hit.paperId !== paper.id)
    .slice(0, k)
    .map((hit, i) => ({
      rank: i + 1,
      paperId: hit.paperId,
      title: hit.title,
      similarity: Math.round(hit.similarity * 1000) / 1000,
      url: hit.url,
      year: hit.year,
    }));
}
