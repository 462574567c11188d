import { Float32, RecordBatch, Struct, Table as ArrowTable, makeData, vectorFromArray, type Data, type Schema } from "apache-arrow";
import { chunksSchema, type ChunkRow } from "./schema.js";

/**
 * Builds the Arrow table for chunk rows column by column. LanceDB's generic
 * `makeArrowTable` transposes row objects and appends every float of every vector
 * through a builder, which took most of an ingest's CPU; here the vectors are
 * copied once into one Float32Array that becomes the FixedSizeList's child.
 */
export function chunkRowsToArrow(rows: readonly ChunkRow[], dimensions: number): ArrowTable {
  const schema: Schema = chunksSchema(dimensions);
  const flat = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => flat.set(row.vector, i * dimensions));

  const columns: Data[] = schema.fields.map((field) => {
    if (field.name === "vector") {
      const values = makeData({ type: new Float32(), length: flat.length, nullCount: 0, data: flat });
      return makeData({ type: field.type, length: rows.length, nullCount: 0, child: values });
    }
    const values = rows.map((row) => row[field.name as keyof ChunkRow] ?? null);
    const data = vectorFromArray(values, field.type).data;
    if (data.length !== 1) throw new Error(`column ${field.name} built in ${data.length} pieces`);
    return data[0]!;
  });
  const struct = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: columns });
  return new ArrowTable(schema, [new RecordBatch(schema, struct)]);
}
