import {
  FixedSizeList,
  Float32,
  RecordBatch,
  Struct,
  Table as ArrowTable,
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
 * FixedSizeList's child.
 */
export function rowsToArrow<Row extends object>(rows: readonly Row[], schema: Schema): ArrowTable {
  const columns: Data[] = schema.fields.map((field) => {
    const cells = rows.map((row) => (row as Record<string, unknown>)[field.name] ?? null);
    if (field.type instanceof FixedSizeList && field.type.children[0]?.type instanceof Float32) {
      return vectorColumn(cells as ArrayLike<number>[], field.type);
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
