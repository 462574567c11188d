import type { App } from "../app.js";

export async function statsCommand(app: App, flags: { json?: boolean }): Promise<void> {
  const { config, openStore } = app;
  const store = await openStore();
  try {
    const [counts, embedder, versions, sources] = await Promise.all([
      store.counts(),
      store.embedder(),
      store.versions(),
      store.sourceCounts(),
    ]);
    const stats = {
      uri: config.lancedb.uri,
      papers: counts.papers,
      papersWithSummary: counts.papersWithSummary,
      papersWithoutSummary: counts.papers - counts.papersWithSummary,
      chunks: counts.chunks,
      sources,
      embedder: embedder ?? null,
      version: versions,
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(stats)}\n`);
      return;
    }
    const lines = [
      `Library ${stats.uri}`,
      `  papers: ${stats.papers} (${stats.papersWithSummary} with a summary, ${stats.papersWithoutSummary} by title only)`,
      `  chunks: ${stats.chunks}`,
      `  sources: ${
        Object.entries(sources)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none"
      }${sourcesNote(sources, stats.papers)}`,
      `  embedder: ${embedder ? `${embedder.id} (${embedder.dimensions} dims)` : "none yet"}`,
      `  version: papers v${versions.papers ?? "-"}, chunks v${versions.chunks ?? "-"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store.close();
  }
}

/** Papers per source add up to more than the papers when one paper was read from two sources: say so. */
function sourcesNote(sources: Record<string, number>, papers: number): string {
  const listed = Object.values(sources).reduce((sum, n) => sum + n, 0);
  return listed > papers ? ` (papers per source; ${listed - papers} of the ${papers} came from more than one, counted under each)` : "";
}
