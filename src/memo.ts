/**
 * `compute`, remembering its results by key, forgetting them all once `max` are held: for
 * values a run asks for again and again from a small set (a file's listing days, the key
 * sets of its records), so that memory stays bounded whatever the input.
 */
export function memoized<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    const value = compute(key);
    if (known.size >= max) known.clear();
    known.set(key, value);
    return value;
  };
}
