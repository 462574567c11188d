import { Field, FixedSizeList, Float32, Int32, List, Schema, Utf8 } from "apache-arrow";

/**
 * Explicit Arrow schemas: LanceDB would infer types from the first rows, and a
 * first batch where every `year` is null would then fix the column's type wrongly.
 */

/** The tables' names in the library's database. */
export const PAPERS = "papers";
export const CHUNKS = "chunks";
/** Which embedder made the vectors, and the ingest memo: a key/value table. */
export const META = "meta";

const text = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
const int = (name: string) => new Field(name, new Int32(), true);
const textList = (name: string) => new Field(name, new List(new Field("item", new Utf8(), true)), false);

/** Columns that retrieval filters on live on both tables, so a filtered hybrid query needs no join. */
const filterColumns = [int("year"), text("section", true), text("publishedAt", true), textList("sourceKinds")];

export const papersSchema = new Schema([
  text("id"),
  /** normaliseTitle(title): the key that finds the same paper across sources. */
  text("titleKey"),
  text("arxivId", true),
  text("title"),
  /** The paper's summary: its one whole copy (see storedRows.ts). */
  text("summary"),
  int("upvotes"),
  ...filterColumns,
  /** The whole Paper as JSON, its summary left out: the source of truth for display, merging and re-chunking. */
  text("record"),
  /** Each source's record of the paper as read (JSON array), a summary equal to the paper's left out; `record` is their merge. */
  text("sourceRecords"),
  /** Hash of the sources' records as read (summaries included, whatever `sourceRecords` leaves out): an unchanged paper is neither re-chunked nor rewritten. */
  text("hash"),
]);

export function chunksSchema(dimensions: number): Schema {
  return new Schema([
    text("id"),
    text("paperId"),
    int("chunkIndex"),
    text("title"),
    /** The title, then the passage: every chunk can be attributed and matched on its own. */
    text("text"),
    /** Hash of `text` under the current embedder: a passage whose text is unchanged keeps its vector. */
    text("textHash"),
    new Field("vector", new FixedSizeList(dimensions, new Field("item", new Float32(), true)), false),
    ...filterColumns,
    /**
     * What a search returns for this passage besides its text, as one JSON value:
     * `[paperId, record]`, the record being the paper's without its summary (as on the
     * papers table). A search reads it and `text` instead of three columns and needs no
     * look-up in the papers table: at 100k chunks each column a query reads back costs
     * ~1 ms of CPU. Rows written before the summary was stored at most twice hold
     * `[paperId, text, record]` (storedRows.ts reads both).
     */
    text("hit"),
    /** Hash of the whole row (text, filter columns and the paper's record). */
    text("hash"),
  ]);
}

export const metaSchema = new Schema([text("key"), text("value")]);

export interface PaperRow {
  id: string;
  titleKey: string;
  arxivId: string | null;
  title: string;
  summary: string;
  upvotes: number | null;
  year: number | null;
  section: string | null;
  publishedAt: string | null;
  sourceKinds: string[];
  record: string;
  sourceRecords: string;
  hash: string;
}

export interface ChunkRow {
  id: string;
  paperId: string;
  chunkIndex: number;
  title: string;
  text: string;
  textHash: string;
  vector: number[] | Float32Array;
  year: number | null;
  section: string | null;
  publishedAt: string | null;
  sourceKinds: string[];
  hit: string;
  hash: string;
}
