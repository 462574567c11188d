import { createHash } from "node:crypto";
import { normaliseTitle } from "../../src/paper.js";

/**
 * The eval's two halves, fixed by paper before any tuning: a paper's half is a
 * hash of its normalised title, so no question about a held-out paper can shape a
 * threshold, and the split cannot drift as questions are added.
 */
export type Half = "tune" | "heldout";

export function halfOf(title: string): Half {
  return (createHash("sha256").update(normaliseTitle(title)).digest()[0] ?? 0) % 2 === 0 ? "tune" : "heldout";
}
