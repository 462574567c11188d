import assert from "node:assert/strict";
import { test } from "node:test";
import type { ArchivedDigest } from "../../../src/digest/digestArchive.js";
import { HISTORY_MAX_MESSAGES, historyMessages, withPostLinks } from "../../../src/discord/digestHistory.js";
import { DISCORD_LIMITS } from "../../../src/discord/discordText.js";

const digest = (date: string, papers: number, fields: Partial<ArchivedDigest> = {}): ArchivedDigest => ({
  channelId: "100000000000000001",
  guildId: "900000000000000001",
  date,
  postedAt: `${date}T08:00:05.000Z`,
  papers: Array.from({ length: papers }, (_, i) => ({
    id: `arxiv:2611.${date.slice(8)}${String(i).padStart(3, "0")}`,
    title: `A Paper on Sparse Mixture-of-Experts Routing, Number ${i + 1} of the Day ${date}`,
    url: `https://huggingface.co/papers/2611.${date.slice(8)}${String(i).padStart(3, "0")}`,
  })),
  messageIds: ["m1"],
  messageUrls: [`https://discord.com/channels/900000000000000001/100000000000000001/${date.replaceAll("-", "")}1`],
  ...fields,
});

test("given two digests, then each shows its date, a link to each of its posts and its papers' titles as quiet links, escaped", () => {
  const hostile = digest("2026-11-23", 1, {
    papers: [{ id: "arxiv:2611.10004", title: "@everyone Look: A **Loud** Benchmark", url: "https://huggingface.co/papers/2611.10004" }],
    messageUrls: ["https://discord.com/channels/9/1/11", "https://discord.com/channels/9/1/12"],
  });
  const [message, ...rest] = historyMessages([digest("2026-11-24", 2), hostile], 30);
  assert.deepEqual(rest, []);
  assert.equal(
    message,
    [
      "**Digests posted in this channel in the last 30 days** · 2",
      "",
      "**2026-11-24** · [post](<https://discord.com/channels/900000000000000001/100000000000000001/202611241>) · 2 papers",
      "• [A Paper on Sparse Mixture-of-Experts Routing, Number 1 of the Day 2026-11-24](<https://huggingface.co/papers/2611.24000>)",
      "• [A Paper on Sparse Mixture-of-Experts Routing, Number 2 of the Day 2026-11-24](<https://huggingface.co/papers/2611.24001>)",
      "",
      "**2026-11-23** · [post](<https://discord.com/channels/9/1/11>) · [part 2](<https://discord.com/channels/9/1/12>) · 1 paper",
      "• [@\u200beveryone Look: A \\*\\*Loud\\*\\* Benchmark](<https://huggingface.co/papers/2611.10004>)",
    ].join("\n"),
  );
});

test("given no digest in the days asked for, then it says so", () => {
  assert.deepEqual(historyMessages([], 7), ["No digest was posted in this channel in the last 7 days."]);
  assert.deepEqual(historyMessages([], 1), ["No digest was posted in this channel today."]);
});

test("given a year of daily digests, then at most five messages of at most 2,000 characters, newest first, and the older digests counted", () => {
  const year = Array.from({ length: 365 }, (_, i) =>
    digest(new Date(Date.UTC(2026, 11, 6) - i * 86_400_000).toISOString().slice(0, 10), 10),
  );
  const messages = historyMessages(year, 365);
  assert.ok(messages.length <= HISTORY_MAX_MESSAGES && messages.length >= 3, `${messages.length} messages`);
  for (const m of messages) assert.ok(m.length <= DISCORD_LIMITS.content, `${m.length} characters`);
  const shown = messages.join("\n").match(/^\*\*\d{4}-\d{2}-\d{2}\*\*/gm) ?? [];
  assert.equal(shown[0], "**2026-12-06**");
  const left = /(\d+) earlier digests not shown: ask for fewer days\./.exec(messages.at(-1) ?? "");
  assert.ok(left, messages.at(-1));
  assert.equal(Number(left[1]) + shown.length, 365);
  // No digest is cut in two: each shown has its ten papers.
  assert.equal((messages.join("\n").match(/^• /gm) ?? []).length, shown.length * 10);
});

test("given a record that kept only message ids, then its post links are made from the server, channel and message ids", () => {
  const old = digest("2026-11-20", 1, { guildId: undefined, messageIds: ["111", "112"], messageUrls: [] });
  assert.deepEqual(withPostLinks(old).messageUrls, [], "no server known: no link");
  assert.deepEqual(withPostLinks(old, "900000000000000001").messageUrls, [
    "https://discord.com/channels/900000000000000001/100000000000000001/111",
    "https://discord.com/channels/900000000000000001/100000000000000001/112",
  ]);
  const recorded = digest("2026-11-21", 1);
  assert.equal(withPostLinks(recorded, "1"), recorded, "recorded links are kept");
});
