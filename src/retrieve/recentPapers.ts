import { paperUrl } from "../paper.js";
import type { PaperStore } from "../store/paperStore.js";

export interface RecentPaper {
  paperId: string;
  title: string;
  publishedAt: string;
  upvotes: number | undefined;
  url: string | undefined;
}

/** Papers published in the last `days` days (by publication date), newest first, then most upvoted. */
export async function recentPapers(store: PaperStore, days: number, limit: number, today: Date = new Date()): Promise<RecentPaper[]> {
  const since = new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const papers = await store.newestPapers({ publishedAfter: since }, limit);
  return papers.map((p) => ({ paperId: p.id, title: p.title, publishedAt: p.publishedAt ?? "", upvotes: p.upvotes, url: paperUrl(p) }));
}
