import type { PaperStore } from "./paperStore.js";

/** When the library's papers were last written (the last ingest that changed something). */
export async function lastWrite(store: PaperStore): Promise<Date | undefined> {
  if (store.isEmpty) return undefined;
  const versions = await store.papers().listVersions();
  return versions.at(-1)?.timestamp;
}
