import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestLedger } from "../../src/digest/digestLedger.js";
import { openRig, type DigestPaths, type FakePosterOptions } from "./digestHarness.js";

/**
 * A second "bot process" for the digest tests: `node digestWorker.js '<json job>'`.
 * With a `barrier` ({ dir, parties }), waits until that many workers are ready, so that
 * racing workers really start together (however long each took to start), then:
 *   - claim: claims each date of `dates` for `channelId` in turn; prints which it won, then
 *     records them (`finish`) or leaves the claims behind as a crashed process would;
 *   - run: runs the scheduler's due digests at `at`; prints the outcomes.
 */

type Job =
  | { mode: "claim"; stateDir: string; channelId: string; dates: string[]; barrier?: Barrier; finish?: boolean }
  | { mode: "run"; paths: DigestPaths; at: string; barrier?: Barrier; poster?: FakePosterOptions };

interface Barrier {
  dir: string;
  parties: number;
}

async function barrier(b: Barrier | undefined): Promise<void> {
  if (!b) return;
  await mkdir(b.dir, { recursive: true });
  await writeFile(join(b.dir, `ready.${process.pid}`), "");
  const giveUpAt = Date.now() + 10_000; // a party that died must not hang the others
  while ((await readdir(b.dir)).length < b.parties && Date.now() < giveUpAt) await new Promise((r) => setImmediate(r));
}

async function main(job: Job): Promise<unknown> {
  if (job.mode === "claim") {
    const ledger = await DigestLedger.open(job.stateDir);
    await barrier(job.barrier);
    // One date after the other: two workers doing the same contest every date at about the same moment.
    const outcomes = [];
    for (const date of job.dates) outcomes.push(await ledger.claim(job.channelId, date, new Date(`${date}T09:00:00Z`)));
    const won = outcomes.flatMap((o, i) => (o.status === "claimed" ? [job.dates[i]!] : []));
    // Finished: recorded (as a real owner would); otherwise left as a crashed owner leaves it.
    for (const o of outcomes)
      if (o.status === "claimed") await (job.finish ? o.claim.finish({ state: "skipped", reason: "test" }) : o.claim.release());
    return { won, statuses: outcomes.map((o) => o.status) };
  }
  const at = new Date(job.at);
  const rig = await openRig(job.paths, { now: () => at, poster: job.poster });
  try {
    await barrier(job.barrier);
    const outcomes = await rig.scheduler.runDue(at);
    return { outcomes: outcomes.map((o) => ({ channelId: o.channelId, date: o.date, status: o.status })) };
  } finally {
    await rig.close();
  }
}

main(JSON.parse(process.argv[2] ?? "{}") as Job).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
