import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { WriteLock, lockDirOf, type LockHolder } from "../../../src/store/writeLock.js";
import { PROJECT_ROOT, tempDir } from "../../helpers/paths.js";

/** The lock's files: `<n>.lock` while held, `<n>.free` once released. */
const lockFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith(".paperbot-write.")).sort();

test("given a held lock, then a second writer waits, and takes it when the first releases it", async (t) => {
  const dir = await tempDir(t);
  const first = await WriteLock.acquire(dir, { what: "ingest" });
  assert.ok(first);
  assert.equal(await WriteLock.acquire(dir, { what: "ingest", wait: false }), undefined, "held: no second holder");

  let told: LockHolder | undefined;
  let looks = 0;
  let lookedAgain!: () => void;
  const lookedThreeTimes = new Promise<void>((resolve) => (lookedAgain = resolve));
  const second = WriteLock.acquire(dir, {
    what: "ingest",
    pollMs: 10,
    onWait: (holder) => (told = holder),
    onStillHeld: () => ++looks === 3 && lookedAgain(),
  });
  let settled = false;
  void second.then(() => (settled = true));
  // The waiter has looked again three times and found the lock held each time: it waits, it is not merely slow.
  await lookedThreeTimes;
  assert.equal(told?.pid, process.pid, "the waiter is told who holds the lock");
  assert.equal(told?.what, "ingest");
  assert.equal(settled, false, "still waiting while the first holds it");

  await first.release();
  const lock = await second;
  assert.ok(lock, "the second writer got the lock once it was released");
  await lock.release();
  assert.deepEqual(await lockFiles(dir), [".paperbot-write.2.free"], "released; the next writer goes on from its generation");
});

test("given many writers racing for a free lock, then exactly one holds it at a time and each gets its turn", async (t) => {
  // Many rounds: a writer that retries a generation just released must not hold it beside the next one.
  for (let round = 0; round < 40; round++) {
    const dir = join(await tempDir(t), `round-${round}`);
    let holding = 0;
    let most = 0;
    const turns = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const lock = await WriteLock.acquire(dir, { what: `writer ${i}`, pollMs: 1 });
        assert.ok(lock);
        holding++;
        most = Math.max(most, holding);
        await new Promise((resolve) => setTimeout(resolve, 2));
        holding--;
        await lock.release();
        return i;
      }),
    );
    assert.equal(turns.length, 8);
    assert.equal(most, 1, `never two holders at once (round ${round})`);
    const left = await lockFiles(dir);
    assert.equal(left.length, 1, "released: only the last generation's marker is left");
    assert.match(left[0] ?? "", /^\.paperbot-write\.\d+\.free$/);
  }
});

test("given a lock left by a process that was killed, then the next writer takes it over at once", async (t) => {
  const dir = await tempDir(t);
  // A real process takes the lock and is killed holding it.
  const holder = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { WriteLock } = await import(${JSON.stringify(join(PROJECT_ROOT, "dist/src/store/writeLock.js"))});` +
        `await WriteLock.acquire(${JSON.stringify(dir)}, { what: "ingest" }); console.log("held"); setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
    holder.on("close", () => reject(new Error("the holder ended before it held the lock")));
  });
  assert.equal(await WriteLock.acquire(dir, { what: "ingest", wait: false }), undefined, "a live holder keeps it");
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.on("close", resolve));

  const started = Date.now();
  const taken = await WriteLock.acquire(dir, { what: "ingest", wait: false });
  assert.ok(taken, "a dead holder's lock is stale");
  assert.ok(Date.now() - started < 2_000, "without waiting out a lease");
  assert.deepEqual(await lockFiles(dir), [".paperbot-write.2.lock"], "the stale generation is gone, the new one holds");
  await taken.release();
  assert.deepEqual(await lockFiles(dir), [".paperbot-write.2.free"]);
});

test("given a lock whose holder stopped its heartbeat for longer than the lease, then it is taken over", async (t) => {
  const dir = await tempDir(t);
  // Another host's holder cannot be asked whether it lives: only its heartbeat tells.
  const path = join(dir, ".paperbot-write.1.lock");
  await writeFile(path, JSON.stringify({ host: "another-host", pid: 1, since: "2026-01-01T00:00:00Z", what: "ingest" }));
  assert.equal(await WriteLock.acquire(dir, { what: "ingest", wait: false, leaseMs: 60_000 }), undefined, "a fresh heartbeat holds");
  const old = new Date(Date.now() - 120_000);
  await utimes(path, old, old);
  const taken = await WriteLock.acquire(dir, { what: "ingest", wait: false, leaseMs: 60_000 });
  assert.ok(taken);
  await taken.release();
});

test("given a library's URI, then its lock lives in its folder, or for object storage in a folder of this machine named after it", () => {
  assert.equal(lockDirOf("./data/lancedb"), resolve("data/lancedb"));
  assert.equal(lockDirOf("file:///srv/papers"), "/srv/papers");
  const s3 = lockDirOf("s3://bucket/papers");
  assert.ok(s3.startsWith(join(tmpdir(), "paperbot-locks")));
  assert.equal(lockDirOf("s3://bucket/papers"), s3, "the same URI, the same lock");
  assert.notEqual(lockDirOf("s3://bucket/other"), s3);
});
