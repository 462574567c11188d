import { loadavg } from "node:os";

/** Figures are printed, never asserted: a shared 2-core box is too noisy for that. Each with the load it ran under. */

export const percentile = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
export const median = (xs: readonly number[]) => percentile(xs, 0.5);
export const ms = (x: number) => `${x.toFixed(1)} ms`;
export const seconds = (x: number) => `${(x / 1000).toFixed(1)} s`;
export const thousands = (x: number) => Math.round(x).toLocaleString("en-US");

/** The load average (1, 5, 15 min) now: other work on the box slows every figure. */
export function load(): string {
  return `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;
}

export function heading(text: string): void {
  console.log(`\n== ${text} ==   (${load()})`);
}

/** Peak resident memory of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
