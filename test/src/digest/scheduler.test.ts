import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { buildConfig } from "../../../src/config.js";
import { nextDigestAt } from "../../../src/digest/digestSchedule.js";
import { DigestLedger } from "../../../src/digest/digestLedger.js";
import type { DigestPoster } from "../../../src/digest/digestRun.js";
import { DigestScheduler } from "../../../src/digest/digestScheduler.js";
import { openDigestService } from "../../../src/digest/digestService.js";
import { SubscriptionStore, type Subscription } from "../../../src/digest/subscriptions.js";
import { capturingLogger } from "../../helpers/capturingLogger.js";
import {
  FakeChannels,
  TestClock,
  digestPaths,
  openRig,
  readChannels,
  runWorker,
  type DigestPaths,
  type DigestRig,
  type FakePosterOptions,
} from "../../helpers/digestHarness.js";
import { fixture, tempDir } from "../../helpers/paths.js";

const BERLIN = "100000000000000001";
const NEW_YORK = "100000000000000002";
const LONDON_UTC = "100000000000000003";
const GUILD = "200000000000000001";
const MIN = 60_000;

async function rigAt(t: TestContext, start: string, options: { paths?: DigestPaths; poster?: FakePosterOptions } = {}) {
  const paths = options.paths ?? digestPaths(await tempDir(t));
  const clock = new TestClock(new Date(start));
  const rig = await openRig(paths, { now: clock.now, poster: options.poster });
  t.after(() => rig.close());
  return { paths, clock, rig };
}

/** Moves the clock from `from` to `to` in steps, running what is due at each; returns what was posted, and when. */
async function runThrough(rig: DigestRig, clock: TestClock, from: string, to: string, stepMs: number) {
  const posted: { at: string; channelId: string; date: string }[] = [];
  for (let at = new Date(from).getTime(); at <= new Date(to).getTime(); at += stepMs) {
    for (const o of await rig.scheduler.runDue(clock.set(new Date(at)))) {
      if (o.status === "posted") posted.push({ at: new Date(at).toISOString(), channelId: o.channelId, date: o.date });
    }
  }
  return posted;
}

test("given subscriptions in three time zones, when the clock passes their times, then each is posted once, at its local time", async (t) => {
  const { clock, rig, paths } = await rigAt(t, "2026-01-10T00:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "Europe/Berlin" });
  await rig.scheduler.subscribe(NEW_YORK, GUILD, { time: "09:00", timeZone: "America/New_York" });
  await rig.scheduler.subscribe(LONDON_UTC, GUILD, { time: "09:00", timeZone: "UTC" });

  assert.deepEqual(await rig.scheduler.runDue(clock.set("2026-01-10T07:59:59Z")), [], "nothing before its time");
  const posted = await runThrough(rig, clock, "2026-01-10T08:00:00Z", "2026-01-11T07:45:00Z", 15 * MIN);
  assert.deepEqual(posted, [
    { at: "2026-01-10T08:00:00.000Z", channelId: BERLIN, date: "2026-01-10" },
    { at: "2026-01-10T09:00:00.000Z", channelId: LONDON_UTC, date: "2026-01-10" },
    { at: "2026-01-10T14:00:00.000Z", channelId: NEW_YORK, date: "2026-01-10" },
  ]);
  const call = rig.poster.posts.find((p) => p.channelId === BERLIN)!;
  assert.equal(call.context.since, undefined, "a first digest has no previous one");
  assert.equal(call.context.late, false);
  assert.deepEqual(call.context.scheduledFor, new Date("2026-01-10T08:00:00Z"));

  const messages = await readChannels(paths.channels);
  const record = await rig.ledger.record(BERLIN, "2026-01-10");
  assert.equal(record?.state, "posted");
  assert.deepEqual(
    record?.state === "posted" && record.messageIds,
    messages.filter((m) => m.channelId === BERLIN).map((m) => m.messageId),
  );
  assert.deepEqual(record?.state === "posted" && record.paperIds, ["arxiv:2611.10001"]);

  // The next day's digest is told when the previous one went out.
  await rig.scheduler.runDue(clock.set("2026-01-11T08:00:00Z"));
  assert.deepEqual(rig.poster.posts.at(-1)?.context.since, {
    date: "2026-01-10",
    at: new Date("2026-01-10T08:00:00Z"),
    paperIds: ["arxiv:2611.10001"],
  });
  assert.equal(rig.poster.posts.length, 4);
});

test("given 09:00 Europe/Berlin, when summer time starts and ends, then it posts at 08:00 UTC in winter and 07:00 UTC in summer, once a day", async (t) => {
  const { clock, rig } = await rigAt(t, "2026-03-26T12:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "Europe/Berlin" });
  const spring = await runThrough(rig, clock, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z", 30 * MIN);
  assert.deepEqual(
    spring.map((p) => [p.date, p.at]),
    [
      ["2026-03-27", "2026-03-27T08:00:00.000Z"],
      ["2026-03-28", "2026-03-28T08:00:00.000Z"],
      ["2026-03-29", "2026-03-29T07:00:00.000Z"],
      ["2026-03-30", "2026-03-30T07:00:00.000Z"],
    ],
  );
  const autumn = await runThrough(rig, clock, "2026-10-23T07:30:00Z", "2026-10-27T00:00:00Z", 30 * MIN);
  assert.deepEqual(
    autumn.map((p) => [p.date, p.at]),
    [
      ["2026-10-23", "2026-10-23T07:30:00.000Z"], // the clock jumped seven months: the last one missed is posted late
      ["2026-10-24", "2026-10-24T07:00:00.000Z"],
      ["2026-10-25", "2026-10-25T08:00:00.000Z"],
      ["2026-10-26", "2026-10-26T08:00:00.000Z"],
    ],
  );
});

test("given 02:30, a time that is skipped on the spring-forward day and repeated on the fall-back day, then each day still gets one digest", async (t) => {
  const { clock, rig } = await rigAt(t, "2026-03-27T12:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "02:30", timeZone: "Europe/Berlin" });
  await rig.scheduler.subscribe(NEW_YORK, GUILD, { time: "02:30", timeZone: "America/New_York" });
  const spring = await runThrough(rig, clock, "2026-03-28T00:00:00Z", "2026-03-30T23:30:00Z", 30 * MIN);
  assert.deepEqual(
    spring.filter((p) => p.channelId === BERLIN).map((p) => [p.date, p.at]),
    [
      ["2026-03-28", "2026-03-28T01:30:00.000Z"],
      ["2026-03-29", "2026-03-29T01:30:00.000Z"], // 02:30 does not exist: 03:30 summer time
      ["2026-03-30", "2026-03-30T00:30:00.000Z"],
    ],
  );
  const autumn = await runThrough(rig, clock, "2026-10-23T12:00:00Z", "2026-10-26T23:30:00Z", 30 * MIN);
  assert.deepEqual(
    autumn.filter((p) => p.channelId === BERLIN).map((p) => [p.date, p.at]),
    [
      ["2026-10-23", "2026-10-23T12:00:00.000Z"], // caught up after the clock's jump
      ["2026-10-24", "2026-10-24T00:30:00.000Z"],
      ["2026-10-25", "2026-10-25T01:30:00.000Z"], // 02:30 happens twice: one digest
      ["2026-10-26", "2026-10-26T01:30:00.000Z"],
    ],
  );
  const dates = [...spring, ...autumn].filter((p) => p.channelId === NEW_YORK).map((p) => p.date);
  assert.deepEqual(dates, [...new Set(dates)], "New York too: never two digests for one date");
});

test("given an unsubscribed channel, then nothing more is posted to it, and its timer is cancelled", async (t) => {
  const { clock, rig, paths } = await rigAt(t, "2026-11-20T00:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "UTC" });
  await rig.scheduler.subscribe(NEW_YORK, GUILD, { time: "09:00", timeZone: "UTC" });
  assert.equal((await rig.scheduler.runDue(clock.set("2026-11-20T09:00:00Z"))).length, 2);

  assert.equal(await rig.scheduler.unsubscribe(BERLIN), true);
  // NEW_YORK unsubscribes through another bot process's connection.
  const otherShard = await SubscriptionStore.open({ dir: paths.stateDir });
  assert.equal(await otherShard.unsubscribe(NEW_YORK), true);
  assert.deepEqual(await runThrough(rig, clock, "2026-11-21T00:00:00Z", "2026-11-23T00:00:00Z", 60 * MIN), []);
  assert.equal(rig.poster.posts.length, 2);

  // With real timers: subscribing schedules a croner job for the right instant, unsubscribing cancels it.
  const live = await openRig(paths, { now: () => new Date(), timers: true });
  t.after(() => live.close());
  const sub = await live.scheduler.subscribe(LONDON_UTC, GUILD, { time: "06:45", timeZone: "Asia/Tokyo" });
  assert.deepEqual(live.scheduler.nextRun(LONDON_UTC), nextDigestAt(sub, new Date()));
  assert.equal(live.scheduler.nextRun(LONDON_UTC)?.getUTCHours(), 21, "06:45 in Tokyo is 21:45 UTC");
  await live.scheduler.unsubscribe(LONDON_UTC);
  assert.equal(live.scheduler.nextRun(LONDON_UTC), undefined);
});

test(
  "given a digest posted but not recorded (the process died in between), when a new scheduler starts " +
    "on the same store, then it records what the channel shows and posts nothing again",
  async (t) => {
    const { paths, clock, rig } = await rigAt(t, "2026-11-23T00:00:00Z", { poster: { crash: "throw-after-post" } });
    await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "UTC" });
    const [crashed] = await rig.scheduler.runDue(clock.set("2026-11-23T09:00:00Z"));
    assert.equal(crashed?.status, "failed");
    assert.equal((await rig.ledger.status(BERLIN, "2026-11-23")).state, "claimed", "the intent was recorded before posting");
    assert.equal((await readChannels(paths.channels)).length, 1);
    await rig.close();

    const restarted = await openRig(paths, { now: () => new Date("2026-11-23T09:02:00Z") });
    t.after(() => restarted.close());
    const outcomes = await restarted.scheduler.start();
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["reconciled"],
    );
    assert.equal(restarted.poster.posts.length, 0, "not posted again");
    const messages = await readChannels(paths.channels);
    assert.equal(messages.length, 1);
    const record = await restarted.ledger.record(BERLIN, "2026-11-23");
    assert.deepEqual(record?.state === "posted" && [record.messageIds, record.reconciled], [[messages[0]!.messageId], true]);
    assert.ok(restarted.logs.some((l) => /found already posted/.test(String(l.msg))));
    assert.deepEqual(await restarted.scheduler.runDue(new Date("2026-11-23T10:00:00Z")), []);
  },
);

test(
  "given a bot process killed with SIGKILL right after posting, when another starts, then the digest " +
    "is recorded from the channel and not posted twice",
  async (t) => {
    const { paths, rig } = await rigAt(t, "2026-11-23T00:00:00Z");
    await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "Europe/Berlin" });
    const killed = await runWorker({ mode: "run", paths, at: "2026-11-23T08:00:00Z", poster: { crash: "after-post" } });
    assert.equal(killed.signal, "SIGKILL", killed.stderr);
    assert.equal((await readChannels(paths.channels)).length, 1, "it did post");

    const outcomes = await rig.scheduler.runDue(new Date("2026-11-23T08:03:00Z"));
    assert.deepEqual(
      outcomes.map((o) => [o.date, o.status]),
      [["2026-11-23", "reconciled"]],
    );
    assert.equal(rig.poster.posts.length, 0);
    assert.equal((await readChannels(paths.channels)).length, 1);
    assert.deepEqual(
      rig.poster.lookups,
      [{ channelId: BERLIN, date: "2026-11-23", after: new Date("2026-11-22T06:00:00Z") }],
      "only messages from 26 h before the due time need reading",
    );
  },
);

test("given a bot process killed after claiming but before posting, when another starts, then that one posts the digest (late, once)", async (t) => {
  const { paths, rig } = await rigAt(t, "2026-11-23T00:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "Europe/Berlin" });
  const killed = await runWorker({ mode: "run", paths, at: "2026-11-23T08:00:00Z", poster: { crash: "before-post" } });
  assert.equal(killed.signal, "SIGKILL", killed.stderr);
  assert.equal((await rig.ledger.status(BERLIN, "2026-11-23")).state, "claimed");
  assert.equal((await readChannels(paths.channels)).length, 0);

  const outcomes = await rig.scheduler.runDue(new Date("2026-11-23T08:05:00Z"));
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ["posted"],
  );
  assert.equal(rig.poster.posts[0]?.context.late, true);
  assert.equal((await readChannels(paths.channels)).length, 1);
});

test("given two schedulers on independently opened stores racing at the same instant, then each channel gets one post", async (t) => {
  const { paths, rig: a } = await rigAt(t, "2026-11-23T00:00:00Z", { poster: { delayMs: 30 } });
  const { rig: b } = await rigAt(t, "2026-11-23T00:00:00Z", { paths, poster: { delayMs: 30 } });
  for (const channel of [BERLIN, NEW_YORK, LONDON_UTC]) await a.scheduler.subscribe(channel, GUILD, { time: "09:00", timeZone: "UTC" });
  const at = new Date("2026-11-23T09:00:00Z");
  const [fromA, fromB] = await Promise.all([a.scheduler.runDue(at), b.scheduler.runDue(at)]);
  const messages = await readChannels(paths.channels);
  assert.deepEqual(messages.map((m) => m.channelId).sort(), [BERLIN, NEW_YORK, LONDON_UTC].sort());
  const posted = [...fromA!, ...fromB!].filter((o) => o.status === "posted").map((o) => o.channelId);
  assert.deepEqual(posted.sort(), [BERLIN, NEW_YORK, LONDON_UTC].sort());
  // The loser comes back later (the sweep) and finds it done.
  assert.deepEqual(
    (await b.scheduler.runDue(new Date("2026-11-23T09:01:00Z"))).filter((o) => o.status === "posted"),
    [],
  );
});

test("given two bot processes running the schedule at the same moment, then each channel gets exactly one post", async (t) => {
  const { paths, rig } = await rigAt(t, "2026-11-23T00:00:00Z");
  for (const channel of [BERLIN, NEW_YORK, LONDON_UTC]) await rig.scheduler.subscribe(channel, GUILD, { time: "09:00", timeZone: "UTC" });
  const barrier = { dir: join(paths.stateDir, "..", "barrier"), parties: 2 };
  const job = { mode: "run", paths, at: "2026-11-23T09:00:00Z", barrier, poster: { delayMs: 50 } };
  const results = await Promise.all([runWorker(job), runWorker(job)]);
  const statuses = results.flatMap((r) => {
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { outcomes: { channelId: string; status: string }[] }).outcomes;
  });
  t.diagnostic(`outcomes: ${statuses.map((s) => s.status).join(", ")}`);
  assert.equal(statuses.filter((s) => s.status === "posted").length, 3);
  const messages = await readChannels(paths.channels);
  assert.deepEqual(messages.map((m) => m.channelId).sort(), [BERLIN, NEW_YORK, LONDON_UTC].sort());
});

test("given the bot was down, when it starts, then a digest missed within 24 hours is posted late and older ones are skipped with a log line", async (t) => {
  const { paths, clock, rig } = await rigAt(t, "2026-11-16T00:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "UTC" });
  await rig.scheduler.runDue(clock.set("2026-11-17T09:00:00Z"));
  await rig.close();

  // Down from the 17th until 08:30 on the 20th: the 18th is more than 24 hours ago, the 19th is not.
  const back = await openRig(paths, { now: () => new Date("2026-11-20T08:30:00Z") });
  t.after(() => back.close());
  const outcomes = await back.scheduler.start();
  assert.deepEqual(
    outcomes.map((o) => [o.date, o.status]),
    [
      ["2026-11-18", "skipped"],
      ["2026-11-19", "posted"],
    ],
  );
  assert.equal(back.poster.posts[0]?.context.late, true);
  assert.deepEqual(back.poster.posts[0]?.context.since?.at, new Date("2026-11-17T09:00:00Z"));
  const skipLine = back.logs.find((l) => /missed digests skipped/.test(String(l.msg)));
  assert.deepEqual(skipLine?.dates, ["2026-11-18"]);
  assert.match(String(skipLine?.msg), /more than 24 hours/);
  assert.equal((await back.ledger.record(BERLIN, "2026-11-18"))?.state, "skipped");

  // Another restart a little later: nothing to post, nothing to skip again.
  const again = await openRig(paths, { now: () => new Date("2026-11-20T08:45:00Z") });
  t.after(() => again.close());
  assert.deepEqual(await again.scheduler.start(), []);
  assert.equal(again.logs.filter((l) => /skipped/.test(String(l.msg))).length, 0);
  assert.deepEqual(
    (await again.scheduler.runDue(new Date("2026-11-20T09:00:00Z"))).map((o) => [o.date, o.status]),
    [["2026-11-20", "posted"]],
  );
});

test(
  "given the 25-hour day when summer time ends, when the bot starts 24.5 hours after a missed digest, " +
    "then that one is skipped and the next is on time",
  async (t) => {
    const { paths, clock, rig } = await rigAt(t, "2026-10-20T00:00:00Z");
    await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "Europe/Berlin" });
    await rig.scheduler.runDue(clock.set("2026-10-23T07:00:00Z"));
    await rig.close();

    const back = await openRig(paths, { now: () => new Date("2026-10-25T07:30:00Z") });
    t.after(() => back.close());
    assert.deepEqual(
      (await back.scheduler.start()).map((o) => [o.date, o.status]),
      [["2026-10-24", "skipped"]],
    );
    assert.equal(back.poster.posts.length, 0);
    assert.ok(back.logs.some((l) => /missed digests skipped.*2026-10-24/.test(String(l.msg))));
    assert.deepEqual(
      (await back.scheduler.runDue(new Date("2026-10-25T08:00:00Z"))).map((o) => [o.date, o.status]),
      [["2026-10-25", "posted"]],
    );
  },
);

test("given /digest now, then today's digest is posted at once and the scheduled run that day posts nothing", async (t) => {
  const { clock, rig } = await rigAt(t, "2026-11-20T00:00:00Z");
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "America/New_York" });
  clock.set("2026-11-23T03:00:00Z"); // 22:00 on the 22nd in New York
  const now = await rig.scheduler.postNow(BERLIN);
  assert.deepEqual([now?.date, now?.status], ["2026-11-22", "posted"]);
  assert.equal((await rig.scheduler.postNow(BERLIN))?.status, "already");
  assert.deepEqual(await runThrough(rig, clock, "2026-11-23T04:00:00Z", "2026-11-23T13:00:00Z", 60 * MIN), []);
  assert.deepEqual(
    (await runThrough(rig, clock, "2026-11-23T14:00:00Z", "2026-11-23T14:00:00Z", MIN)).map((p) => p.date),
    ["2026-11-23"],
  );
  assert.equal(await rig.scheduler.postNow(LONDON_UTC), undefined, "no subscription: nothing to post");
});

test("given a day with nothing new, then it is recorded as skipped and not tried again", async (t) => {
  const { clock, rig } = await rigAt(t, "2026-11-20T00:00:00Z", { poster: { nothingNew: new Set([BERLIN]) } });
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "UTC" });
  assert.deepEqual(
    (await rig.scheduler.runDue(clock.set("2026-11-20T09:00:00Z"))).map((o) => o.status),
    ["skipped"],
  );
  const record = await rig.ledger.record(BERLIN, "2026-11-20");
  assert.deepEqual(record?.state === "skipped" && record.reason, "nothing new");
  await runThrough(rig, clock, "2026-11-20T09:15:00Z", "2026-11-20T20:00:00Z", 60 * MIN);
  assert.equal(rig.poster.posts.length, 1);
});

test("given a post that fails, then it is retried after a pause and posted once", async (t) => {
  const { clock, rig, paths } = await rigAt(t, "2026-11-20T00:00:00Z", { poster: { failPosts: 2 } });
  await rig.scheduler.subscribe(BERLIN, GUILD, { time: "09:00", timeZone: "UTC" });
  const statuses = [];
  for (let minute = 0; minute <= 6; minute++) {
    for (const o of await rig.scheduler.runDue(clock.set(new Date(Date.UTC(2026, 10, 20, 9, minute)))))
      statuses.push(`${minute}:${o.status}`);
  }
  // Fails at 09:00, waits a minute, fails at 09:01, waits two, posts at 09:03.
  assert.deepEqual(statuses, ["0:failed", "1:failed", "3:posted"]);
  assert.equal((await readChannels(paths.channels)).length, 1);
  assert.ok(rig.logs.some((l) => l.msg === "digest failed; will retry"));
});

test("given the configuration, then the digest service opens the subscriptions and the ledger in the state folder", async (t) => {
  const paths = digestPaths(await tempDir(t));
  const config = buildConfig({ LANCEDB_URI: paths.uri, DIGEST_STATE_DIR: paths.stateDir });
  const poster = new FakeChannels(paths.channels);
  const service = await openDigestService(config, capturingLogger().logger, poster, {
    timers: false,
    now: () => new Date("2026-11-23T09:00:00Z"),
  });
  t.after(() => service.close());
  await service.subscriptions.subscribe(BERLIN, GUILD, { time: config.digest.defaultTime, timeZone: config.digest.defaultTimeZone });
  const outcomes = await service.scheduler.runDue(new Date("2026-11-24T09:00:00Z"));
  assert.deepEqual(
    outcomes.map((o) => [o.date, o.status]),
    [["2026-11-24", "posted"]],
  );
  assert.equal((await service.ledger.lastPosted(BERLIN))?.date, "2026-11-24");
  const reopened = await SubscriptionStore.open({ dir: paths.stateDir });
  assert.equal((await reopened.get(BERLIN))?.timeZone, "UTC");
});

test(
  "given a library whose channels subscribed before subscriptions moved to the state folder (paperbot a3377f0), " +
    "when the upgraded digest service starts, then each of those channels gets its digest at its time with its topics, " +
    "the one that had unsubscribed gets none, and a restart imports nothing again",
  async (t) => {
    const dir = await tempDir(t);
    const paths = digestPaths(dir);
    await cp(fixture("library-with-subscriptions-a3377f0"), paths.uri, { recursive: true });
    const config = buildConfig({ LANCEDB_URI: paths.uri, DIGEST_STATE_DIR: paths.stateDir });
    const poster = new FakeChannels(paths.channels);
    const start = async () => {
      const service = await openDigestService(config, capturingLogger().logger, poster, {
        timers: false,
        now: () => new Date("2026-12-07T06:00:00Z"),
      });
      t.after(() => service.close());
      return service;
    };
    const service = await start();
    // 08:30 in Berlin is 07:30 UTC on 7 Dec, as is the other channel's 07:30 UTC.
    const outcomes = await service.scheduler.runDue(new Date("2026-12-07T07:30:00Z"));
    assert.deepEqual(
      outcomes
        .filter((o) => o.status === "posted")
        .map((o) => [o.channelId, o.date])
        .sort(),
      [
        [BERLIN, "2026-12-07"],
        [NEW_YORK, "2026-12-07"],
      ],
    );
    assert.deepEqual(poster.posts.map((p) => [p.channelId, p.subscription.time, p.subscription.topics, p.subscription.max]).sort(), [
      [BERLIN, "08:30", ["grammar", "speech"], 3],
      [NEW_YORK, "07:30", [], undefined],
    ]);
    assert.ok(!outcomes.some((o) => o.channelId === LONDON_UTC), "unsubscribed before the upgrade: nothing for it");

    // Unsubscribed after the upgrade: a restart (which finds the import done) does not bring it back from the library.
    await service.scheduler.unsubscribe(NEW_YORK);
    await service.close();
    const restarted = await start();
    assert.deepEqual(
      (await restarted.subscriptions.list()).map((s) => s.channelId),
      [BERLIN],
    );
  },
);

test("given real timers and a subscription due three seconds from now, then croner fires it and the digest is posted once, at its time", async (t) => {
  const dir = await tempDir(t);
  const start = new Date();
  const due = new Date(Math.ceil((start.getTime() + 3_000) / 1000) * 1000);
  const hhmmss = due.toISOString().slice(11, 19);
  // Subscriptions keep minutes (HH:MM); this one, held in memory, has seconds so that its time comes in a test's span.
  const subscription: Subscription = {
    channelId: BERLIN,
    guildId: GUILD,
    time: hhmmss,
    timeZone: "UTC",
    topics: [],
    max: undefined,
    createdAt: new Date(start.getTime() - MIN).toISOString(),
    updatedAt: start.toISOString(),
  };
  const subscriptions = {
    get: async (channelId: string) => (channelId === subscription.channelId ? subscription : undefined),
    list: async () => [subscription],
    subscribe: async () => subscription,
    unsubscribe: async () => false,
  };
  let posted: (value: Date) => void = () => undefined;
  const postedAt = new Promise<Date>((resolve) => (posted = resolve));
  const channels = new FakeChannels(join(dir, "channels.jsonl"));
  const poster: DigestPoster = {
    findPosted: (...args) => channels.findPosted(...args),
    async post(...args) {
      const result = await channels.post(...args);
      posted(new Date());
      return result;
    },
  };
  const { logger, lines } = capturingLogger();
  // The sweep is an hour away: only croner's job can post within the test.
  const scheduler = new DigestScheduler({
    subscriptions,
    ledger: await DigestLedger.open(join(dir, "state")),
    poster,
    logger,
    sweepMs: 3_600_000,
  });
  t.after(() => scheduler.stop());

  assert.deepEqual(await scheduler.start(), [], "nothing due yet when it starts");
  assert.deepEqual(scheduler.nextRun(BERLIN), due, "croner's job is set for the subscription's time");
  // croner's timers do not keep the process alive (the bot's other work does): this bound does, meanwhile.
  let bound: NodeJS.Timeout | undefined;
  const at = await Promise.race([
    postedAt,
    new Promise<never>((_, reject) => (bound = setTimeout(() => reject(new Error("croner did not fire within 15 s")), 15_000))),
  ]).finally(() => clearTimeout(bound));
  assert.ok(at >= due, `posted at ${at.toISOString()}, not before ${due.toISOString()}`);

  await scheduler.stop();
  const record = await DigestLedger.open(join(dir, "state")).then((ledger) => ledger.record(BERLIN, due.toISOString().slice(0, 10)));
  assert.equal(record?.state, "posted");
  assert.equal(channels.posts.length, 1, "posted once");
  assert.deepEqual(channels.posts[0]?.context.scheduledFor, due);
  assert.ok(lines.some((l) => l.msg === "digest posted"));
});
