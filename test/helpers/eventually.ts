/**
 * Resolves with the first truthy result of `probe`, asked again every `everyMs`: for a state no event
 * announces, such as a row a handler writes after its last message. Rejects, naming `what`, once
 * `timeoutMs` has passed without it: slow code still passes, missing state never does.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = "a condition",
  everyMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
