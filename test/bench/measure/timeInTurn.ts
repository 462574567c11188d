export type Timed = (query: string) => Promise<unknown>;

/**
 * Runs each query through every function in turn, so that all see the host in the
 * same state, after a warm-up on other queries (files opened, indexes loaded): each
 * function meets each timed query once, so no timing comes from a cached query vector,
 * and each function goes first for an equal share of the queries.
 */
export async function timeInTurn<K extends string>(
  runs: Record<K, Timed>,
  queries: readonly string[],
  warmUp: readonly string[],
): Promise<Record<K, number[]>> {
  const names = Object.keys(runs) as K[];
  for (const q of warmUp) for (const name of names) await runs[name](q);
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (const [j, q] of queries.entries()) {
    // Each query starts with another function: the first to meet a query pays for reading its
    // index pages (the full-text posting lists of its words), which the others then find cached.
    for (const name of [...names.slice(j % names.length), ...names.slice(0, j % names.length)]) {
      const start = performance.now();
      await runs[name](q);
      times[name].push(performance.now() - start);
    }
  }
  return times;
}
