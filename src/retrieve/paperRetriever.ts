import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { PaperHit, SearchFilters, Searcher } from "./searchPapers.js";

/** What each Document says of its paper, beside its text: enough to cite and link it. */
export interface PaperMetadata {
  paperId: string;
  title: string;
  rank: number;
  score: number;
  similarity: number;
  textScore: number;
  snippet: string;
  url: string | undefined;
  year: number | undefined;
  authors: string[];
  publishedAt: string | undefined;
  arxivId: string | undefined;
}

export interface PaperRetrieverInput extends BaseRetrieverInput {
  searcher: Searcher;
  /** Papers returned (default 10, as the searcher's). */
  k?: number;
  filters?: SearchFilters;
}

/**
 * The hybrid searcher as a LangChain retriever: one Document per paper, best first,
 * its text the paper's best passages and its metadata the paper's. The searcher does
 * the work unchanged; this only reshapes its hits, so that the library can be used
 * wherever LangChain takes a retriever (chains, callbacks, tracing).
 */
export class PaperRetriever extends BaseRetriever<PaperMetadata> {
  lc_namespace = ["paperbot", "retrievers"];
  private readonly searcher: Searcher;
  private readonly k: number | undefined;
  private readonly filters: SearchFilters | undefined;

  static override lc_name(): string {
    return "PaperRetriever";
  }

  constructor({ searcher, k, filters, ...fields }: PaperRetrieverInput) {
    super(fields);
    this.searcher = searcher;
    this.k = k;
    this.filters = filters;
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PaperMetadata>[]> {
    const hits = await this.searcher.search(query, { k: this.k, filters: this.filters });
    return hits.map(paperDocument);
  }
}

/** A hit as a Document: the passages (or, for a paper known by its title only, the title) and the paper's facts. */
export function paperDocument(hit: PaperHit): Document<PaperMetadata> {
  return new Document({
    pageContent: hit.passages.length > 0 ? hit.passages.join("\n\n") : hit.title,
    id: hit.paperId,
    metadata: {
      paperId: hit.paperId,
      title: hit.title,
      rank: hit.rank,
      score: hit.score,
      similarity: hit.similarity,
      textScore: hit.textScore,
      snippet: hit.snippet,
      url: hit.url,
      year: hit.year,
      authors: hit.paper.authors,
      publishedAt: hit.paper.publishedAt,
      arxivId: hit.paper.arxivId,
    },
  });
}
