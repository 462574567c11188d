import { listCell, type ListCell } from "./arrowRows.js";
import type { StoreOptions } from "./paperStore.js";
import { SharedTable } from "./sharedTable.js";

/**
 * The library's `digest_subscriptions` table, where paperbot kept digest subscriptions until they
 * moved into DIGEST_STATE_DIR beside the digest's claims and records. Nothing writes it any more; it
 * is read once, to import what it holds (src/digest/subscriptions.ts), and left as it is, so that an
 * earlier paperbot pointed at the library still finds it.
 */

export const SUBSCRIPTIONS_TABLE = "digest_subscriptions";

export interface SubscriptionRow {
  channelId: string;
  guildId: string;
  time: string;
  timeZone: string;
  topics: string[];
  max: number | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Every row of the table, none when the library has no such table. A channel may have more than
 * one row: two processes upserting it at once could both insert (LanceDB's mergeInsert is not
 * atomic between writers); the newest by `updatedAt` is the one that counted.
 */
export async function subscriptionRows(library: StoreOptions): Promise<SubscriptionRow[]> {
  const shared = await SharedTable.open(library, SUBSCRIPTIONS_TABLE);
  try {
    const rows = (await shared.rows()) as (Omit<SubscriptionRow, "topics"> & { topics: ListCell<string> })[];
    return rows.map((row) => ({
      channelId: row.channelId,
      guildId: row.guildId,
      time: row.time,
      timeZone: row.timeZone,
      topics: listCell(row.topics),
      max: row.max ?? null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  } finally {
    shared.close();
  }
}
