export type Timed = (query: string) => Promise<unknown>;

/**
 * Runs each query through every function in turn, so that all see the host in the
 * same state, after a warm-up on other queries (files opened, indexes loaded): each
 * function meets each timed query once, so no timing comes from a cached query vector.
 */
export async function timeInTurn<K extends string>(runs: Record<K, Timed>, queries: readonly string[], warmUp: readonly string[]): Promise<Record<K, number[]>> {
  const names = Object.keys(runs) as K[];
  for (const q of warmUp) for (const name of names) await runs[name](q);
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (const q of queries) {
    for (const name of names) {
      const start = performance.now();
      await runs[name](q);
      times[name].push(performance.now() - start);
    }
  }
  return times;
}
