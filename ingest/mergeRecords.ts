import { memoized } from "../src/memo.js";
import { mergePapers, normaliseTitle, sha1, type Paper } from "../src/paper.js";

/**
 * One paper, once. Each source's record of a paper is kept as it was read; the
 * paper shown to users is the merge of those records. Re-reading a source
 * replaces that source's record only, so a corrected file can make a summary
 * shorter, while another source's richer summary still wins the merge.
 */

/** `daily-page:000.txt`: the one source a parsed record comes from. */
const sourceOf = (p: Paper) => p.sources[0] ?? "";

/**
 * Groups records of the same paper: the same arXiv id, or the same normalised
 * title (a record without an arXiv id joins the record that has one). Keys are
 * the paper ids the groups will be stored under.
 */
export function groupSameRecords(papers: readonly Paper[]): Map<string, Paper[]> {
  const idByTitle = new Map<string, string>();
  for (const p of papers) if (p.arxivId) idByTitle.set(normaliseTitle(p.title), p.id);
  const groups = new Map<string, Paper[]>();
  for (const p of papers) {
    const id = p.arxivId ? p.id : (idByTitle.get(normaliseTitle(p.title)) ?? p.id);
    groups.set(id, [...(groups.get(id) ?? []), p]);
  }
  return groups;
}

/** One record per source (a page listing a paper twice yields one), sorted by source, canonical. */
export function bySource(records: readonly Paper[]): Paper[] {
  const merged = new Map<string, Paper>();
  for (const r of records) {
    const seen = merged.get(sourceOf(r));
    merged.set(sourceOf(r), seen ? mergePapers(seen, r) : r);
  }
  return [...merged.values()].sort((a, b) => sourceOf(a).localeCompare(sourceOf(b))).map(canonicalPaper);
}

/** Replaces stored records of the sources read again, keeps the others. */
export function replaceSources(stored: readonly Paper[], incoming: readonly Paper[]): Paper[] {
  const fresh = new Set(incoming.map(sourceOf));
  return bySource([...stored.filter((r) => !fresh.has(sourceOf(r))), ...incoming]);
}

/** The paper users see: every source's record merged, in source order, under `id`. */
export function mergeSources(records: readonly Paper[], id: string): Paper {
  const [first, ...rest] = records;
  if (!first) throw new Error(`no records for paper ${id}`);
  return canonicalPaper({ ...rest.reduce(mergePapers, first), id });
}

/**
 * Sorts keys and the sets (sources, listing days) so that the same content always
 * serialises, and so hashes, the same way whatever order the sources were read in.
 * Keywords and categories keep their order, which means something (the primary
 * arXiv category first, the most relevant keyword first); records are merged in
 * source order, so their merge is as stable.
 */
export function canonicalPaper(paper: Paper): Paper {
  const canonical: Paper = { ...paper, sources: [...paper.sources].sort() };
  if (paper.listedOn) canonical.listedOn = [...paper.listedOn].sort();
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(Object.keys(canonical).join(","))) out[key] = canonical[key as keyof Paper];
  return out as unknown as Paper;
}

/**
 * A record's keys (its field names, joined by commas) in canonical order. Records share a few
 * sets of keys, so each set is sorted once: sorting every record's keys with localeCompare was a
 * visible share of an ingest.
 */
const sortedKeys = memoized((keys: string) => keys.split(",").sort((a, b) => a.localeCompare(b)), 1000);

/** Hash of a paper's per-source records (ids aside): equal hashes mean nothing to write. */
export function recordsHash(records: readonly Paper[]): string {
  return sha1(JSON.stringify(records.map(({ id: _id, ...rest }) => rest)));
}

/** `daily-page:000.txt` → `daily-page`: what a "source" filter matches. */
export function sourceKinds(paper: Paper): string[] {
  return [...new Set(paper.sources.map((s) => s.split(":", 1)[0] ?? s))].sort();
}
