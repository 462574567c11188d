import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { digestArchive, lastDaysRange, libraryPapers } from "../../../src/digest/digestArchive.js";
import { DigestLedger, type ClaimOutcome, type DigestResult } from "../../../src/digest/digestLedger.js";
import { PaperStore } from "../../../src/store/paperStore.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";

/**
 * The archive of posted digests is the digest ledger's posted records: what was posted, where, with which
 * papers and links to the post, read back newest first, by date range, by any process, after a restart.
 */

const CHANNEL = "100000000000000001";
const OTHER = "100000000000000002";
const GUILD = "900000000000000001";

async function record(ledger: DigestLedger, channelId: string, date: string, result: DigestResult): Promise<void> {
  const outcome: ClaimOutcome = await ledger.claim(channelId, date, new Date(`${date}T08:00:00Z`));
  assert.equal(outcome.status, "claimed");
  if (outcome.status === "claimed") await outcome.claim.finish(result);
}

const posted = (date: string, papers: { id: string; title: string; url?: string }[]): DigestResult => ({
  state: "posted",
  paperIds: papers.map((p) => p.id),
  papers,
  messageIds: [`m-${date}-1`, `m-${date}-2`],
  messageUrls: [
    `https://discord.test/channels/${GUILD}/${CHANNEL}/m-${date}-1`,
    `https://discord.test/channels/${GUILD}/${CHANNEL}/m-${date}-2`,
  ],
  guildId: GUILD,
  threadId: `m-${date}-1`,
});

test(
  "given digests posted and skipped on several days, then the archive gives the posted ones of the " +
    "range, newest first, with their papers and links, to another connection and after reopening",
  async (t) => {
    const dir = await tempDir(t);
    const ledger = await DigestLedger.open(dir, { now: () => new Date("2026-11-25T08:00:05Z") });
    await record(
      ledger,
      CHANNEL,
      "2026-11-20",
      posted("2026-11-20", [{ id: "arxiv:2611.00001", title: "Lantern", url: "https://hf.test/2611.00001" }]),
    );
    await record(ledger, CHANNEL, "2026-11-21", { state: "skipped", reason: "nothing new" });
    await record(ledger, CHANNEL, "2026-11-23", posted("2026-11-23", [{ id: "arxiv:2611.00002", title: "Tidal" }]));
    await record(ledger, CHANNEL, "2026-11-25", posted("2026-11-25", [{ id: "arxiv:2611.00003", title: "Orchard" }]));
    await record(ledger, OTHER, "2026-11-23", posted("2026-11-23", [{ id: "arxiv:2611.00009", title: "Elsewhere" }]));

    // Another process (a second connection), and the same folder reopened after a restart.
    for (const reader of [await DigestLedger.open(dir), await DigestLedger.open(dir)]) {
      const archive = digestArchive(reader);
      const all = await archive.digests(CHANNEL);
      assert.deepEqual(
        all.map((d) => d.date),
        ["2026-11-25", "2026-11-23", "2026-11-20"],
        "posted only, newest first",
      );
      const first = all.at(-1)!;
      assert.deepEqual(first, {
        channelId: CHANNEL,
        guildId: GUILD,
        date: "2026-11-20",
        postedAt: "2026-11-25T08:00:05.000Z",
        papers: [{ id: "arxiv:2611.00001", title: "Lantern", url: "https://hf.test/2611.00001" }],
        messageIds: ["m-2026-11-20-1", "m-2026-11-20-2"],
        messageUrls: [
          `https://discord.test/channels/${GUILD}/${CHANNEL}/m-2026-11-20-1`,
          `https://discord.test/channels/${GUILD}/${CHANNEL}/m-2026-11-20-2`,
        ],
        threadId: "m-2026-11-20-1",
      });
      assert.deepEqual(
        (await archive.digests(CHANNEL, { from: "2026-11-21", to: "2026-11-24" })).map((d) => d.date),
        ["2026-11-23"],
      );
      assert.deepEqual(
        (await archive.digests(CHANNEL, { from: "2026-11-23" })).map((d) => d.date),
        ["2026-11-25", "2026-11-23"],
      );
      assert.deepEqual(
        (await archive.digests(OTHER)).map((d) => d.papers[0]?.title),
        ["Elsewhere"],
      );
      assert.deepEqual(await archive.digests("100000000000000003"), [], "a channel with no digest has an empty archive");
    }
  },
);

test(
  "given a record from before the archive (paper ids only), then the titles come from the library and " +
    "a paper it no longer has is listed by its id",
  async (t) => {
    const dir = await tempDir(t);
    const uri = join(dir, "db");
    await ingestInto(uri, [fixture("pipeline/hf-daily.json")]);
    const ledger = await DigestLedger.open(join(dir, "digest"));
    await record(ledger, CHANNEL, "2026-11-20", {
      state: "posted",
      paperIds: ["arxiv:2510.01234", "arxiv:2611.99999"],
      messageIds: ["m1"],
    });
    // As the ledger wrote it before papers, links and the server were kept.
    const old = JSON.parse(await readFile(join(dir, "digest", CHANNEL, "2026-11-20.json"), "utf8")) as Record<string, unknown>;
    assert.deepEqual([old.papers, old.messageUrls, old.guildId], [undefined, undefined, undefined]);

    const store = await PaperStore.open({ uri });
    t.after(() => store.close());
    const [digest] = await digestArchive(ledger, libraryPapers(store)).digests(CHANNEL);
    assert.deepEqual(digest?.papers, [
      { id: "arxiv:2510.01234", title: "Lantern: Lightweight Attention for Long Documents", url: "https://arxiv.org/abs/2510.01234" },
      { id: "arxiv:2611.99999", title: "arxiv:2611.99999" },
    ]);
    assert.deepEqual(digest?.messageUrls, [], "no links were recorded: the adapter makes them from the ids");
    assert.equal(digest?.guildId, undefined);
  },
);

test("given a number of days, then the range starts that many digest dates back, today included", () => {
  assert.deepEqual(lastDaysRange(1, "2026-12-06"), { from: "2026-12-06" });
  assert.deepEqual(lastDaysRange(30, "2026-12-06"), { from: "2026-11-07" });
  assert.deepEqual(lastDaysRange(365, "2026-03-01"), { from: "2025-03-02" });
});
