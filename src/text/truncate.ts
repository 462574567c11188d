/**
 * Shortens `text` to at most `max` characters, ellipsis included: at the last
 * word boundary when one is near the end (past 60% of `max`), else mid-word;
 * the punctuation and spaces left hanging before the "…" are dropped.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}
