/** The one cosine: for embeddings held as arrays, Float32Arrays or rows of a table. */

export function norm(v: ArrayLike<number>): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += (v[i] ?? 0) ** 2;
  return Math.sqrt(sq);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Cosine similarity (0 for a zero vector); pass a norm already known to save computing it again. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>, aNorm = norm(a), bNorm = norm(b)): number {
  return aNorm > 0 && bNorm > 0 ? dot(a, b) / (aNorm * bNorm) : 0;
}
