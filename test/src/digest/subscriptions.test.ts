import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { UserFacingError } from "../../../src/errors.js";
import { SubscriptionStore, parseTopics, validateSubscription } from "../../../src/digest/subscriptions.js";
import { TestClock } from "../../helpers/digestHarness.js";
import { ingestInto, readLibrary } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";

const CHANNEL = "100000000000000001";
const OTHER = "100000000000000002";
const GUILD = "200000000000000001";

test("given subscriptions, when the store is closed and opened again, then they are all still there", async (t) => {
  const uri = join(await tempDir(t), "db");
  const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
  const first = await SubscriptionStore.open({ uri, now: clock.now });
  await first.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "Europe/Berlin", topics: ["speech", "retrieval"], max: 5 });
  await first.subscribe(OTHER, GUILD, { time: "7:30", timeZone: "UTC" });
  first.close();

  const again = await SubscriptionStore.open({ uri });
  assert.deepEqual(await again.get(CHANNEL), {
    channelId: CHANNEL,
    guildId: GUILD,
    time: "09:00",
    timeZone: "Europe/Berlin",
    topics: ["speech", "retrieval"],
    max: 5,
    createdAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
  });
  assert.deepEqual(
    (await again.list()).map((s) => [s.channelId, s.time, s.timeZone, s.topics, s.max]),
    [
      [CHANNEL, "09:00", "Europe/Berlin", ["speech", "retrieval"], 5],
      [OTHER, "07:30", "UTC", [], undefined],
    ],
  );
  again.close();
});

test("given a subscribed channel, when it subscribes again, then the subscription is updated, not duplicated, and keeps when it began", async (t) => {
  const uri = join(await tempDir(t), "db");
  const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
  const store = await SubscriptionStore.open({ uri, now: clock.now });
  await store.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC", topics: ["vision"] });
  clock.set("2026-11-21T12:00:00Z");
  const updated = await store.subscribe(CHANNEL, GUILD, { time: "18:15", timeZone: "america/new_york", max: 3 });
  assert.equal(updated.timeZone, "America/New_York", "the zone is stored under its canonical name");
  assert.deepEqual((await store.list()).length, 1);
  const stored = await store.get(CHANNEL);
  assert.equal(stored?.time, "18:15");
  assert.deepEqual(stored?.topics, []);
  assert.equal(stored?.max, 3);
  assert.equal(stored?.createdAt, "2026-11-20T10:00:00.000Z");
  assert.equal(stored?.updatedAt, "2026-11-21T12:00:00.000Z");
  store.close();
});

test("given a subscribed channel, when it unsubscribes, then it is gone for every connection, and unsubscribing again says so", async (t) => {
  const uri = join(await tempDir(t), "db");
  const a = await SubscriptionStore.open({ uri });
  const b = await SubscriptionStore.open({ uri });
  assert.equal(await b.unsubscribe(CHANNEL), false, "nothing to unsubscribe before any table exists");
  await a.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC" });
  assert.equal((await b.get(CHANNEL))?.time, "09:00", "another connection (another bot process) sees the new subscription");
  assert.equal(await b.unsubscribe(CHANNEL), true);
  assert.equal(await a.get(CHANNEL), undefined);
  assert.deepEqual(await a.list(), []);
  assert.equal(await a.unsubscribe(CHANNEL), false);
  a.close();
  b.close();
});

test("given the papers library, when channels subscribe in the same database, then the papers are untouched", async (t) => {
  const uri = join(await tempDir(t), "db");
  await ingestInto(uri, [fixture("papers-mixed.jsonl")]);
  const before = await readLibrary(uri);
  const store = await SubscriptionStore.open({ uri });
  await store.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC" });
  store.close();
  const after = await readLibrary(uri);
  assert.deepEqual(after.paperHashes, before.paperHashes);
  assert.deepEqual(after.versions, before.versions);
});

test("given bad options, then subscribing fails with a message for the user and stores nothing", async (t) => {
  const uri = join(await tempDir(t), "db");
  const store = await SubscriptionStore.open({ uri });
  const bad = [
    [{ time: "25:00", timeZone: "UTC" }, /not a time: use HH:MM/],
    [{ time: "9am", timeZone: "UTC" }, /not a time/],
    [{ time: "09:00", timeZone: "Mars/Olympus" }, /not a time zone: use an IANA name/],
    [{ time: "09:00", timeZone: "UTC", max: 0 }, /from 1 to 25/],
    [{ time: "09:00", timeZone: "UTC", max: 2.5 }, /whole number/],
    [{ time: "09:00", timeZone: "UTC", topics: Array.from({ length: 11 }, (_, i) => `t${i}`) }, /At most 10 topics/],
  ] as const;
  for (const [options, message] of bad) {
    await assert.rejects(store.subscribe(CHANNEL, GUILD, options), (e: unknown) => e instanceof UserFacingError && message.test(e.message));
  }
  assert.deepEqual(await store.list(), []);
  store.close();
});

test("given topics typed in one option, then they are split, trimmed and de-duplicated", () => {
  assert.deepEqual(parseTopics(" speech recognition, retrieval;  speech recognition ,, "), [
    "speech recognition",
    "retrieval",
    "speech recognition",
  ]);
  assert.deepEqual(validateSubscription({ time: "09:00", timeZone: "UTC", topics: parseTopics("a,  b  c ,a") }).topics, ["a", "b c"]);
  assert.deepEqual(parseTopics(undefined), []);
});
