import {
  FixedSizeList,
  Float32,
  Int32,
  List,
  RecordBatch,
  Struct,
  Table as ArrowTable,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type Schema,
} from "apache-arrow";

/**
 * Builds an Arrow table from row objects column by column, against an explicit
 * schema. LanceDB's generic `makeArrowTable` transposes the rows and appends every
 * float of every vector through a builder, which took most of an ingest's CPU;
 * here each vector column is copied once into one Float32Array that becomes the
 * FixedSizeList's child. Text, int and text-list columns are written straight into
 * their buffers too: Arrow's builders encode each string into a buffer of its own
 * and copy it again (7% of a 100k-passage ingest's main thread, and its garbage).
 * Other types go through Arrow's builders.
 */
export function rowsToArrow<Row extends object>(rows: readonly Row[], schema: Schema): ArrowTable {
  const columns: Data[] = schema.fields.map((field) => {
    const cells = rows.map((row) => (row as Record<string, unknown>)[field.name] ?? null);
    if (field.type instanceof FixedSizeList && field.type.children[0]?.type instanceof Float32) {
      return vectorColumn(cells as ArrayLike<number>[], field.type);
    }
    const all = (test: (cell: unknown) => boolean) => cells.every((cell) => cell === null || test(cell));
    if (field.type instanceof Utf8 && all(isString)) return textColumn(cells as (string | null)[], field.type);
    if (field.type instanceof Int32 && all(Number.isInteger)) return intColumn(cells as (number | null)[], field.type);
    if (field.type instanceof List && field.type.children[0]?.type instanceof Utf8 && all(isStringArray)) {
      return textListColumn(cells as (readonly string[] | null)[], field.type);
    }
    const data = vectorFromArray(cells, field.type).data;
    if (data.length !== 1) throw new Error(`column ${field.name} built in ${data.length} pieces`);
    return data[0]!;
  });
  const struct = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: columns });
  return new ArrowTable(schema, [new RecordBatch(schema, struct)]);
}

function vectorColumn(vectors: ArrayLike<number>[], type: FixedSizeList): Data {
  const size = type.listSize;
  const flat = new Float32Array(vectors.length * size);
  vectors.forEach((v, i) => flat.set(v, i * size));
  const values = makeData({ type: new Float32(), length: flat.length, nullCount: 0, data: flat });
  return makeData({ type, length: vectors.length, nullCount: 0, child: values });
}

const isString = (cell: unknown): boolean => typeof cell === "string";
const isStringArray = (cell: unknown): boolean => Array.isArray(cell) && cell.every(isString);

/** A validity bitmap (1 = present) for cells of which `nulls` are null, or undefined when none is. */
function validity(cells: readonly unknown[], nulls: number): Uint8Array | undefined {
  if (nulls === 0) return undefined;
  const bitmap = new Uint8Array((cells.length + 7) >> 3);
  cells.forEach((cell, i) => {
    if (cell !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

/** Strings as UTF-8 in one buffer, with their offsets: what a Utf8 column holds. */
function utf8Buffers(strings: readonly (string | null)[]): { valueOffsets: Int32Array; data: Uint8Array; nulls: number } {
  let bytes = 0;
  for (const s of strings) if (s !== null) bytes += Buffer.byteLength(s, "utf8");
  const data = Buffer.allocUnsafe(bytes);
  const valueOffsets = new Int32Array(strings.length + 1);
  let end = 0;
  let nulls = 0;
  strings.forEach((s, i) => {
    if (s === null) nulls++;
    else end += data.write(s, end, "utf8");
    valueOffsets[i + 1] = end;
  });
  return { valueOffsets, data, nulls };
}

function textColumn(cells: readonly (string | null)[], type: Utf8): Data {
  const { valueOffsets, data, nulls } = utf8Buffers(cells);
  return makeData({ type, length: cells.length, nullCount: nulls, nullBitmap: validity(cells, nulls), valueOffsets, data });
}

function intColumn(cells: readonly (number | null)[], type: Int32): Data {
  const data = new Int32Array(cells.length);
  let nulls = 0;
  cells.forEach((cell, i) => {
    if (cell === null) nulls++;
    else data[i] = cell;
  });
  return makeData({ type, length: cells.length, nullCount: nulls, nullBitmap: validity(cells, nulls), data });
}

function textListColumn(cells: readonly (readonly string[] | null)[], type: List): Data {
  const items: string[] = [];
  const valueOffsets = new Int32Array(cells.length + 1);
  let nulls = 0;
  cells.forEach((cell, i) => {
    if (cell === null) nulls++;
    else for (const item of cell) items.push(item);
    valueOffsets[i + 1] = items.length;
  });
  const child = textColumn(items, type.children[0]!.type as Utf8);
  return makeData({ type, length: cells.length, nullCount: nulls, nullBitmap: validity(cells, nulls), valueOffsets, child });
}

/** Arrow list cells come back as Vector objects (or arrays); this gives plain values. */
export type ListCell<T> = T[] | { toArray(): ArrayLike<T> };

export function listCell<T>(cell: ListCell<T>): T[] {
  return Array.isArray(cell) ? cell : Array.from(cell.toArray());
}

/** A vector cell as a Float32Array: LanceDB gives a typed array or an Arrow vector. */
export function vectorOf(cell: unknown): Float32Array {
  if (cell instanceof Float32Array) return cell;
  return (cell as { toArray(): Float32Array }).toArray();
}
