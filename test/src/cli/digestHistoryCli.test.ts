import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { ArchivedDigest } from "../../../src/digest/digestArchive.js";
import { DigestLedger, type DigestResult } from "../../../src/digest/digestLedger.js";
import { ingestInto } from "../../helpers/library.js";
import { fixture, tempDir } from "../../helpers/paths.js";
import { runCli } from "../../helpers/runCli.js";

/** `digest --history [days] --channel <id>`: the channel's past digests from the ledger in DIGEST_STATE_DIR, as text or JSON. */

const CHANNEL = "100000000000000001";
const GUILD = "900000000000000001";
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function record(ledger: DigestLedger, date: string, result: DigestResult): Promise<void> {
  const claimed = await ledger.claim(CHANNEL, date, new Date(`${date}T08:00:00Z`));
  assert.equal(claimed.status, "claimed");
  if (claimed.status === "claimed") await claimed.claim.finish(result);
}

test("given digests posted in a channel, then `digest --history --channel` lists those of the last 30 days, newest first, as text and as JSON", async (t) => {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db"), DIGEST_STATE_DIR: join(dir, "digest") };
  await ingestInto(env.LANCEDB_URI, [fixture("pipeline/hf-daily.json")]);
  const ledger = await DigestLedger.open(env.DIGEST_STATE_DIR);
  const link = (id: string) => `https://discord.com/channels/${GUILD}/${CHANNEL}/${id}`;
  await record(ledger, daysAgo(40), { state: "posted", paperIds: ["arxiv:2609.00001"], messageIds: ["40"] });
  await record(ledger, daysAgo(2), {
    state: "posted",
    paperIds: ["arxiv:2611.10001"],
    papers: [{ id: "arxiv:2611.10001", title: "Stirring Policies", url: "https://huggingface.co/papers/2611.10001" }],
    messageIds: ["21", "22"],
    messageUrls: [link("21"), link("22")],
    guildId: GUILD,
  });
  await record(ledger, daysAgo(1), { state: "skipped", reason: "nothing new" });
  // Recorded before the archive kept titles and links: the title comes from the library.
  await record(ledger, daysAgo(0), { state: "posted", paperIds: ["arxiv:2510.01234"], messageIds: ["01"] });

  const text = await runCli(["digest", "--history", "--channel", CHANNEL], { cwd: dir, env });
  assert.equal(text.code, 0, text.stderr);
  assert.equal(
    text.stdout,
    [
      "**Digests posted in this channel in the last 30 days** · 2",
      "",
      `**${daysAgo(0)}** · 1 paper`,
      "• [Lantern: Lightweight Attention for Long Documents](<https://arxiv.org/abs/2510.01234>)",
      "",
      `**${daysAgo(2)}** · [post](<${link("21")}>) · [part 2](<${link("22")}>) · 1 paper`,
      "• [Stirring Policies](<https://huggingface.co/papers/2611.10001>)",
      "",
    ].join("\n"),
  );

  const json = await runCli(["digest", "--history", "60", "--channel", CHANNEL, "--json"], { cwd: dir, env });
  assert.equal(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout) as { channel: string; days: number; from: string; digests: ArchivedDigest[] };
  assert.equal(listed.channel, CHANNEL);
  assert.equal(listed.days, 60);
  assert.equal(listed.from, daysAgo(59));
  assert.deepEqual(
    listed.digests.map((d) => [d.date, d.papers.map((p) => p.title), d.messageUrls]),
    [
      [daysAgo(0), ["Lantern: Lightweight Attention for Long Documents"], []],
      [daysAgo(2), ["Stirring Policies"], [link("21"), link("22")]],
      [daysAgo(40), ["arxiv:2609.00001"], []],
    ],
  );
});

test("given --history without a channel, with bad days or with the digest's own flags, then it exits 1 saying what is wrong", async (t) => {
  const dir = await tempDir(t);
  const env = { LANCEDB_URI: join(dir, "db"), DIGEST_STATE_DIR: join(dir, "digest") };
  const cases: [string[], RegExp][] = [
    [["digest", "--history"], /--history needs --channel <id>/],
    [["digest", "--history", "0", "--channel", CHANNEL], /--history "0": expected a whole number from 1 to 365/],
    [["digest", "--history", "--channel", "general"], /--channel "general": expected a Discord channel id/],
    [["digest", "--history", "--channel", CHANNEL, "--date", "2026-11-23", "--dry-run"], /--date, --dry-run cannot be used with it/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { cwd: dir, env });
    assert.equal(result.code, 1, args.join(" "));
    assert.match(result.stderr, message);
  }
  const empty = await runCli(["digest", "--history", "7", "--channel", CHANNEL], { cwd: dir, env });
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, "No digest was posted in this channel in the last 7 days.\n");
});
