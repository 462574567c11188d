import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Tests run compiled from dist/test/…; these point back at the sources and the shared seeds. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const FIXTURES = join(PROJECT_ROOT, "test", "fixtures");
export const SEEDS = join(PROJECT_ROOT, "..", "shared", "seeds");
export const CLI = join(PROJECT_ROOT, "dist", "src", "cli", "main.js");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A fresh temporary directory, removed when the test ends. */
export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = "paperbot-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
