import assert from "node:assert/strict";
import { readdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { digestSince, lastDigestAt } from "../../../src/digest/channelSince.js";
import { DigestLedger, type ClaimOutcome } from "../../../src/digest/digestLedger.js";
import { runWorker } from "../../helpers/digestHarness.js";
import { tempDir } from "../../helpers/paths.js";

const CHANNEL = "100000000000000001";
const DUE = new Date("2026-11-23T08:00:00Z");

function claimed(outcome: ClaimOutcome) {
  assert.equal(outcome.status, "claimed");
  return (outcome as Extract<ClaimOutcome, { status: "claimed" }>).claim;
}

test("given a claimed date, then nobody else can claim it until it is recorded, and then it is done for good", async (t) => {
  const dir = await tempDir(t);
  const a = await DigestLedger.open(dir, { now: () => new Date("2026-11-23T08:00:05Z") });
  const b = await DigestLedger.open(dir);
  const claim = claimed(await a.claim(CHANNEL, "2026-11-23", DUE));
  assert.equal(claim.previous, undefined);
  const busy = await b.claim(CHANNEL, "2026-11-23", DUE);
  assert.equal(busy.status, "busy");
  assert.equal(busy.status === "busy" && busy.holder?.owner, a.owner);
  assert.equal((await b.status(CHANNEL, "2026-11-23")).state, "claimed");
  assert.equal(await claim.isCurrent(), true);

  const { record, written } = await claim.finish({
    state: "posted",
    paperIds: ["arxiv:2611.00001"],
    messageIds: ["m1", "m2"],
    threadId: "t1",
  });
  assert.equal(written, true);
  assert.deepEqual(record, {
    state: "posted",
    channelId: CHANNEL,
    date: "2026-11-23",
    scheduledFor: "2026-11-23T08:00:00.000Z",
    owner: a.owner,
    paperIds: ["arxiv:2611.00001"],
    messageIds: ["m1", "m2"],
    threadId: "t1",
    postedAt: "2026-11-23T08:00:05.000Z",
    reconciled: false,
  });
  for (const ledger of [a, b]) {
    const again = await ledger.claim(CHANNEL, "2026-11-23", DUE);
    assert.equal(again.status, "done");
  }
  const reopened = await DigestLedger.open(dir);
  assert.deepEqual(await reopened.record(CHANNEL, "2026-11-23"), record, "the record survives reopening");
  assert.deepEqual(await readdir(join(dir, CHANNEL)), ["2026-11-23.json"], "claims are cleared once the record stands");
});

test("given posted and skipped days, then the last digest and the papers shown come from the posted ones", async (t) => {
  const dir = await tempDir(t);
  let now = new Date("2026-11-20T08:00:07Z");
  const ledger = await DigestLedger.open(dir, { now: () => now });
  assert.equal(await lastDigestAt(ledger, CHANNEL), undefined);
  await claimed(await ledger.claim(CHANNEL, "2026-11-20", new Date("2026-11-20T08:00:00Z"))).finish({
    state: "posted",
    paperIds: ["a"],
    messageIds: ["m1"],
  });
  now = new Date("2026-11-21T08:00:03Z");
  await claimed(await ledger.claim(CHANNEL, "2026-11-21", new Date("2026-11-21T08:00:00Z"))).finish({
    state: "skipped",
    reason: "nothing new",
  });
  assert.deepEqual(await lastDigestAt(ledger, CHANNEL), new Date("2026-11-20T08:00:07Z"), "a skipped day is no digest");
  assert.equal((await ledger.latest(CHANNEL))?.state, "skipped", "but the schedule need not look before it");
  now = new Date("2026-11-22T08:00:01Z");
  await claimed(await ledger.claim(CHANNEL, "2026-11-22", new Date("2026-11-22T08:00:00Z"))).finish({
    state: "posted",
    paperIds: ["b", "a"],
    messageIds: ["m2"],
  });
  assert.deepEqual(await digestSince(ledger, CHANNEL), { date: "2026-11-22", at: now, paperIds: ["b", "a"] });
  assert.equal(await digestSince(ledger, "100000000000000009"), undefined);
  assert.equal((await ledger.latest(CHANNEL))?.state, "posted");
  assert.deepEqual(
    (await ledger.history(CHANNEL)).map((r) => r.date),
    ["2026-11-20", "2026-11-21", "2026-11-22"],
  );
});

test("given a claim released without a record (a failed post), then the next claim takes it over and says whose it was", async (t) => {
  const dir = await tempDir(t);
  const a = await DigestLedger.open(dir);
  const first = claimed(await a.claim(CHANNEL, "2026-11-23", DUE));
  first.release();
  const b = await DigestLedger.open(dir);
  const second = claimed(await b.claim(CHANNEL, "2026-11-23", DUE));
  assert.equal(second.previous?.owner, a.owner);
  assert.equal(second.generation, 2);
  assert.equal(await first.isCurrent(), false, "the old owner can tell it lost the date before posting");
  assert.equal(await second.isCurrent(), true);
  second.release();
});

test("given a claim left by a process that died, then it is stale at once; one held by a live process stays until its heartbeat stops", async (t) => {
  const dir = await tempDir(t);
  const dead = await runWorker({ mode: "claim", stateDir: dir, channelId: CHANNEL, dates: ["2026-11-23"] });
  assert.equal(dead.code, 0, dead.stderr);
  const ledger = await DigestLedger.open(dir, { leaseMs: 60_000 });
  const takeover = claimed(await ledger.claim(CHANNEL, "2026-11-23", DUE));
  assert.equal(takeover.previous?.pid, dead.pid);
  takeover.release();

  // A claim by a live process on this host (the test runner's parent) with a fresh heartbeat…
  const live = join(dir, CHANNEL, "2026-11-24.claim.1");
  await writeFile(live, JSON.stringify({ owner: "other", host: hostname(), pid: process.ppid, claimedAt: "", generation: 1 }));
  assert.equal((await ledger.claim(CHANNEL, "2026-11-24", DUE)).status, "busy");
  // …whose heartbeat went silent longer than the lease (a hung process, or its pid reused).
  const old = new Date(Date.now() - 120_000);
  await utimes(live, old, old);
  const late = claimed(await ledger.claim(CHANNEL, "2026-11-24", DUE));
  assert.equal(late.previous?.owner, "other");
  late.release();
});

test("given a held claim, then its heartbeat keeps it from going stale", async (t) => {
  const dir = await tempDir(t);
  // A lease several heartbeats long, and a wait of two leases: the claim would have gone
  // stale without its heartbeat, while an event-loop stall on a loaded host cannot.
  const a = await DigestLedger.open(dir, { leaseMs: 1_000 });
  const claim = claimed(await a.claim(CHANNEL, "2026-11-23", DUE));
  await new Promise((r) => setTimeout(r, 2_200));
  const status = await a.status(CHANNEL, "2026-11-23");
  assert.equal(status.state === "claimed" && status.stale, false);
  claim.release();
});

test("given twenty independently opened ledgers racing for the same dates, then each date has exactly one owner", async (t) => {
  const dir = await tempDir(t);
  const ledgers = await Promise.all(Array.from({ length: 20 }, () => DigestLedger.open(dir)));
  const dates = Array.from({ length: 15 }, (_, i) => `2026-12-${String(i + 1).padStart(2, "0")}`);
  for (const date of dates) {
    const outcomes = await Promise.all(ledgers.map((l) => l.claim(CHANNEL, date, DUE)));
    const winners = outcomes.filter((o) => o.status === "claimed");
    assert.equal(winners.length, 1, `${date}: ${outcomes.map((o) => o.status).join(",")}`);
    for (const w of winners) if (w.status === "claimed") w.claim.release();
  }
});

test("given two processes claiming the same dates at the same moment, then every date is won by exactly one of them", async (t) => {
  const dir = await tempDir(t);
  const dates = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10));
  const barrier = { dir: join(dir, "barrier"), parties: 2 };
  const results = await Promise.all(
    [0, 1].map(() => runWorker({ mode: "claim", stateDir: join(dir, "digest"), channelId: CHANNEL, dates, barrier, finish: true })),
  );
  const won = results.map((r) => {
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { won: string[] }).won;
  });
  t.diagnostic(`process A won ${won[0]!.length} dates, process B ${won[1]!.length}`);
  const all = [...won[0]!, ...won[1]!].sort();
  assert.deepEqual(all, dates, `each date once: process A won ${won[0]!.length}, B won ${won[1]!.length}`);
});
