import assert from "node:assert/strict";
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { UserFacingError } from "../../../src/errors.js";
import { SubscriptionStore, parseTopics, validateSubscription } from "../../../src/digest/subscriptions.js";
import { SharedTable } from "../../../src/store/sharedTable.js";
import { SUBSCRIPTIONS_TABLE, subscriptionRows } from "../../../src/store/subscriptionsTable.js";
import { TestClock } from "../../helpers/digestHarness.js";
import { ingestInto, readLibrary } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";

const CHANNEL = "100000000000000001";
const OTHER = "100000000000000002";
const GUILD = "200000000000000001";

/**
 * test/fixtures/library-with-subscriptions-a3377f0: a library of test/fixtures/pipeline whose
 * `digest_subscriptions` table paperbot a3377f0's SubscriptionStore wrote on 2026-12-06: channel …01
 * subscribed on 1 Dec (09:00 Berlin, grammar) and changed on 3 Dec (08:30, grammar and speech, 3
 * papers), its 1 Dec row left beside the new one as two racing writers leave it; …02 at 07:30 UTC;
 * …03 subscribed, then unsubscribed on 4 Dec.
 */
const OLD_LIBRARY = fixture("library-with-subscriptions-a3377f0");

test("given subscriptions, when another store (another bot process) opens the folder, then they are all there, one file per channel", async (t) => {
  const dir = join(await tempDir(t), "digest");
  const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
  const first = await SubscriptionStore.open({ dir, now: clock.now });
  await first.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "Europe/Berlin", topics: ["speech", "retrieval"], max: 5 });
  await first.subscribe(OTHER, GUILD, { time: "7:30", timeZone: "UTC" });

  const again = await SubscriptionStore.open({ dir });
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
  assert.deepEqual(await readdir(join(dir, CHANNEL)), ["subscription.json"], "no temporary file left behind");
});

test("given a subscribed channel, when it subscribes again, then the subscription is updated, not duplicated, and keeps when it began", async (t) => {
  const dir = await tempDir(t);
  const clock = new TestClock(new Date("2026-11-20T10:00:00Z"));
  const store = await SubscriptionStore.open({ dir, now: clock.now });
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
});

test("given a subscribed channel, when it unsubscribes, then it is gone for every store, and unsubscribing again says so", async (t) => {
  const dir = await tempDir(t);
  const a = await SubscriptionStore.open({ dir });
  const b = await SubscriptionStore.open({ dir });
  assert.equal(await b.unsubscribe(CHANNEL), false, "nothing to unsubscribe before any subscription");
  await a.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC" });
  assert.equal((await b.get(CHANNEL))?.time, "09:00", "another store (another bot process) sees the new subscription");
  assert.equal(await b.unsubscribe(CHANNEL), true);
  assert.equal(await a.get(CHANNEL), undefined);
  assert.deepEqual(await a.list(), []);
  assert.equal(await a.unsubscribe(CHANNEL), false);
});

test("given a library, when channels subscribe and unsubscribe, then the library is not written: no subscriptions table, no new version", async (t) => {
  const dir = await tempDir(t);
  const uri = join(dir, "db");
  await ingestInto(uri, [fixture("papers-mixed.jsonl")]);
  const before = await readLibrary(uri);
  const store = await SubscriptionStore.open({ dir: join(dir, "digest"), library: { uri } });
  await store.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC" });
  await store.unsubscribe(CHANNEL);
  const after = await readLibrary(uri);
  assert.deepEqual(after.paperHashes, before.paperHashes);
  assert.deepEqual(after.versions, before.versions);
  const table = await SharedTable.open({ uri }, SUBSCRIPTIONS_TABLE);
  t.after(() => table.close());
  assert.equal(await table.existing(), undefined);
});

test("given bad options, then subscribing fails with a message for the user and stores nothing", async (t) => {
  const dir = await tempDir(t);
  const store = await SubscriptionStore.open({ dir });
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
  assert.deepEqual(await readdir(dir), []);
});

test(
  "given a library whose subscriptions an earlier paperbot kept in LanceDB, when a store first opens on it, then each channel's " +
    "newest subscription is imported as it was, the unsubscribed one is not, and the table is left as it was",
  async (t) => {
    const dir = await tempDir(t);
    const uri = join(dir, "db");
    await cp(OLD_LIBRARY, uri, { recursive: true });
    const rowsBefore = await subscriptionRows({ uri });
    assert.equal(rowsBefore.length, 3, "the fixture holds …01 twice and …02 (…03's row went when it unsubscribed)");

    const store = await SubscriptionStore.open({ dir: join(dir, "digest"), library: { uri } });
    assert.deepEqual(await store.list(), [
      {
        channelId: CHANNEL,
        guildId: GUILD,
        time: "08:30",
        timeZone: "Europe/Berlin",
        topics: ["grammar", "speech"],
        max: 3,
        createdAt: "2026-12-01T10:00:00.000Z",
        updatedAt: "2026-12-03T08:00:00.000Z",
      },
      {
        channelId: OTHER,
        guildId: GUILD,
        time: "07:30",
        timeZone: "UTC",
        topics: [],
        max: undefined,
        createdAt: "2026-12-01T10:00:00.000Z",
        updatedAt: "2026-12-01T10:00:00.000Z",
      },
    ]);
    const marker = JSON.parse(await readFile(join(dir, "digest", "subscriptions-imported.json"), "utf8")) as { channels: string[] };
    assert.deepEqual(marker.channels.sort(), [CHANNEL, OTHER]);
    assert.deepEqual(await subscriptionRows({ uri }), rowsBefore);
  },
);

test(
  "given subscriptions imported and changed since, when the import runs again (another process that began it before the first " +
    "finished), then nothing changed since is undone",
  async (t) => {
    const dir = await tempDir(t);
    const uri = join(dir, "db");
    const state = join(dir, "digest");
    await cp(OLD_LIBRARY, uri, { recursive: true });
    const clock = new TestClock(new Date("2026-12-08T10:00:00Z"));
    const first = await SubscriptionStore.open({ dir: state, library: { uri }, now: clock.now });
    await first.unsubscribe(OTHER);
    await first.subscribe(CHANNEL, GUILD, { time: "10:00", timeZone: "UTC" });

    // The marker is what tells an import it is done; without it the import runs again, as a racing process's would.
    await rm(join(state, "subscriptions-imported.json"));
    const second = await SubscriptionStore.open({ dir: state, library: { uri } });
    assert.deepEqual(
      (await second.list()).map((s) => [s.channelId, s.time, s.topics]),
      [[CHANNEL, "10:00", []]],
    );
  },
);

test(
  "given a subscription file edited by hand into something unreadable, then the bot's store leaves that channel out and names " +
    "the file, the others are served, and a store without a handler fails naming the file",
  async (t) => {
    const dir = await tempDir(t);
    const writer = await SubscriptionStore.open({ dir });
    await writer.subscribe(CHANNEL, GUILD, { time: "09:00", timeZone: "UTC" });
    await writer.subscribe(OTHER, GUILD, { time: "09:00", timeZone: "UTC" });
    const broken = join(dir, OTHER, "subscription.json");
    await writeFile(broken, '{"channelId": "100000000000000002", "time": 9');
    await writeFile(join(dir, CHANNEL + "0"), "a file named like a channel, not a channel's folder");

    const reported: string[] = [];
    const bot = await SubscriptionStore.open({ dir, onUnreadable: (path, reason) => reported.push(`${path}: ${reason}`) });
    assert.deepEqual(
      (await bot.list()).map((s) => s.channelId),
      [CHANNEL],
    );
    assert.equal(reported.length, 1);
    assert.match(reported[0]!, new RegExp(`^${broken}: not JSON`));

    await writeFile(broken, JSON.stringify({ channelId: OTHER, time: "09:00" }));
    await assert.rejects(
      (await SubscriptionStore.open({ dir })).list(),
      (e: unknown) => e instanceof UserFacingError && e.message.includes(broken) && /guildId/.test(e.message),
    );
  },
);

test("given topics typed in one option, then they are split, trimmed and de-duplicated", () => {
  assert.deepEqual(parseTopics(" speech recognition, retrieval;  speech recognition ,, "), [
    "speech recognition",
    "retrieval",
    "speech recognition",
  ]);
  assert.deepEqual(validateSubscription({ time: "09:00", timeZone: "UTC", topics: parseTopics("a,  b  c ,a") }).topics, ["a", "b c"]);
  assert.deepEqual(parseTopics(undefined), []);
});
