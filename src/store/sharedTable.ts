import * as lancedb from "@lancedb/lancedb";
import type { Connection, Table } from "@lancedb/lancedb";
import type { Schema } from "apache-arrow";
import type { StoreOptions } from "./paperStore.js";
import { sqlString } from "./sql.js";

/**
 * A small table of the library that every bot process reads and writes (votes on answers and on
 * digest papers): read with no cache, as another process may have written since, and created by
 * whichever process writes first. Opened without a schema, it is only read (the old subscriptions
 * table, subscriptionsTable.ts).
 */
export class SharedTable {
  private table: Table | undefined;

  private constructor(
    private readonly db: Connection,
    private readonly name: string,
    private readonly schema: Schema | undefined,
  ) {}

  static async open(options: StoreOptions, name: string, schema?: Schema): Promise<SharedTable> {
    const db = await lancedb.connect(options.uri, {
      storageOptions: options.storageOptions ?? {},
      readConsistencyInterval: options.readConsistencySeconds ?? 0,
    });
    return new SharedTable(db, name, schema);
  }

  /** The table, once this or another process has created it. */
  async existing(): Promise<Table | undefined> {
    if (!this.table && (await this.db.tableNames()).includes(this.name)) this.table = await this.db.openTable(this.name);
    return this.table;
  }

  async ensure(): Promise<Table> {
    if (!this.schema) throw new Error(`the ${this.name} table was opened to be read, not written`);
    // exist_ok: another process may create it at the same moment.
    this.table ??= await this.db.createEmptyTable(this.name, this.schema, { mode: "create", existOk: true });
    return this.table;
  }

  /** Every row (none before the table exists). */
  async rows(): Promise<unknown[]> {
    const table = await this.existing();
    return table ? table.query().toArray() : [];
  }

  /** Deletes the rows whose `column` holds `value`; how many there were. */
  async deleteRowsWith(column: string, value: string): Promise<number> {
    const table = await this.existing();
    if (!table) return 0;
    const where = `${column} = ${sqlString(value)}`;
    const count = await table.countRows(where);
    if (count > 0) await table.delete(where);
    return count;
  }

  close(): void {
    this.table?.close();
    this.db.close();
  }
}

/**
 * The newest row per key (by `at`, an ISO instant), oldest first. LanceDB's mergeInsert is not atomic
 * between two writers (two processes upserting one key at once can both insert), so the small tables
 * keyed by a member's vote read through this.
 */
export function newestPerKey<Row extends { key: string; at: string }>(rows: readonly Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const seen = byKey.get(row.key);
    if (!seen || seen.at <= row.at) byKey.set(row.key, row);
  }
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at));
}
