import assert from "node:assert/strict";
import { test } from "node:test";
import type { Digest, DigestEntry } from "../../../src/digest/buildDigest.js";
import { digestMarker, findDigestMarker, renderDigest, renderEmptyDigest } from "../../../src/discord/renderDigest.js";
import { DISCORD_LIMITS } from "../../../src/discord/discordText.js";

const DATE = "2026-11-23";

function entry(i: number, overrides: Partial<DigestEntry> = {}): DigestEntry {
  return {
    id: `arxiv:2611.${String(10000 + i)}`,
    arxivId: `2611.${String(10000 + i)}`,
    title: `Paper ${i}: ${"A Very Long Title About Attention, Diffusion and [Brackets] _underscores_ ".repeat(5)}`,
    url: `https://huggingface.co/papers/2611.${String(10000 + i)}`,
    authors: "Ada Quill, Bram Okafor, Chen Lumen et al.",
    upvotes: 100 - i,
    tldr: `${"This paper does something quite long-winded and *emphatic* with `code` in it. ".repeat(12)}`,
    tldrSource: "abstract",
    codeUrl: `https://github.com/example/paper-${i}`,
    reason: "matches: diffusion, attention",
    matches: ["diffusion", "attention"],
    score: 1 - i / 100,
    sources: ["hf-daily-api"],
    ...overrides,
  };
}

function bigDigest(): Digest {
  const entries = Array.from({ length: 25 }, (_, i) => entry(i + 1));
  entries[2] = entry(3, {
    title: "@everyone Look: A **Loud** Benchmark @here <@&123456789012345678>",
    tldr: "<@123456789012345678> solves 41% @everyone",
    authors: "Wes **Bold** Carter",
  });
  return { date: DATE, entries, total: 40, topics: "diffusion, attention @everyone" };
}

test("given a 25-paper digest with long titles and abstracts, then every text message is within Discord's limits and marked with the date", () => {
  const messages = renderDigest(bigDigest());
  assert.ok(messages.length > 1);
  messages.forEach((m, i) => {
    assert.ok(m.content.length <= DISCORD_LIMITS.content, `message ${i + 1} is ${m.content.length} characters`);
    assert.deepEqual(m.allowedMentions, { parse: [] });
    assert.deepEqual(findDigestMarker(m.content), { date: DATE, part: i + 1, parts: messages.length });
    assert.ok(m.content.startsWith(`**${digestMarker(DATE)} (${i + 1}/${messages.length})**`));
  });
  assert.match(messages[0]!.content, /^\*\*📰 Daily papers — 2026-11-23 \(1\/\d+\)\*\* · top 25 of 40 new papers\n/);
  // Every paper once, in order, never split across messages.
  const all = messages.map((m) => m.content).join("\n\n");
  const ranks = [...all.matchAll(/^\*\*(\d+)\.\*\* /gm)].map((m) => Number(m[1]));
  assert.deepEqual(
    ranks,
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  for (const m of messages) {
    const links = [...m.content.matchAll(/\]\(<(https:\/\/huggingface\.co\/papers\/[\d.]+)>\)/g)].length;
    const titles = [...m.content.matchAll(/^\*\*\d+\.\*\* /gm)].length;
    assert.equal(links, titles, "each title in a message is a whole link");
  }
});

test("given @everyone, role and user mentions and markdown in paper text, then nothing in the rendered digest can ping or restyle", () => {
  for (const style of ["text", "embeds"] as const) {
    const messages = renderDigest(bigDigest(), { style });
    const text = JSON.stringify(messages);
    assert.doesNotMatch(text, /@everyone|@here/, style);
    assert.doesNotMatch(text, /<@&?\d+>/, style);
    const shown = messages.map((m) => `${m.content}\n${(m.embeds ?? []).map((e) => `${e.title}\n${e.description}`).join("\n")}`).join("\n");
    assert.match(shown, /@\u200beveryone Look: A \\\*\\\*Loud\\\*\\\* Benchmark/, style);
    assert.match(shown, /Wes \\\*\\\*Bold\\\*\\\* Carter/, style);
    assert.match(shown, /\[code\]\(<https:\/\/github\.com\/example\/paper-1>\)/, style);
    assert.match(shown, /▲ 99/, style);
    assert.match(shown, /\*matches: diffusion, attention\*/, style);
  }
});

test("given the embeds style, then each message holds at most 10 embeds within the per-embed and per-message limits", () => {
  const messages = renderDigest(bigDigest(), { style: "embeds" });
  assert.equal(
    messages.reduce((n, m) => n + (m.embeds?.length ?? 0), 0),
    25,
  );
  messages.forEach((m, i) => {
    const embeds = m.embeds ?? [];
    assert.ok(embeds.length >= 1 && embeds.length <= 10);
    assert.ok(m.content.length <= DISCORD_LIMITS.content);
    assert.equal(findDigestMarker(m.content)?.part, i + 1);
    let total = 0;
    for (const e of embeds) {
      assert.ok(e.title.length <= DISCORD_LIMITS.embedTitle);
      assert.ok(e.description.length <= DISCORD_LIMITS.embedDescription);
      total += e.title.length + e.description.length;
    }
    assert.ok(total <= DISCORD_LIMITS.embedsTotal, `message ${i + 1} embeds total ${total}`);
  });
  assert.equal(messages[0]?.embeds?.[0]?.url, "https://huggingface.co/papers/2611.10001");
});

test("given a short digest, then it is one message without a part number; a paper without a link or votes still renders", () => {
  const digest: Digest = {
    date: DATE,
    entries: [
      entry(1, { title: "Short", tldr: "It is short.", reason: undefined, matches: [] }),
      entry(2, {
        title: "No Link",
        url: undefined,
        upvotes: undefined,
        codeUrl: undefined,
        authors: "",
        tldr: "",
        reason: undefined,
        matches: [],
      }),
    ],
    total: 2,
    topics: null,
  };
  const [message, ...rest] = renderDigest(digest);
  assert.equal(rest.length, 0);
  assert.equal(
    message?.content,
    [
      "**📰 Daily papers — 2026-11-23** · 2 new papers",
      "",
      "**1.** [Short](<https://huggingface.co/papers/2611.10001>)",
      "Ada Quill, Bram Okafor, Chen Lumen et al. · ▲ 99",
      "> It is short.",
      "[code](<https://github.com/example/paper-1>)",
      "",
      "**2.** No Link",
    ].join("\n"),
  );
  assert.deepEqual(findDigestMarker(message!.content), { date: DATE, part: 1, parts: 1 });
  assert.equal(findDigestMarker("📰 Daily papers, but not a digest"), undefined);
});

test("given a digest of an earlier day's papers, then the marker keeps the digest's day and the next line names the papers' day", () => {
  const digest: Digest = {
    date: "2026-11-24",
    papersFrom: DATE,
    entries: [entry(1, { title: "Short", tldr: "It is short." })],
    total: 1,
    topics: "diffusion",
  };
  const [message] = renderDigest(digest);
  const lines = message!.content.split("\n");
  assert.equal(lines[0], "**📰 Daily papers — 2026-11-24** · 1 new paper");
  assert.equal(lines[1], "-# Papers of 2026-11-23, the latest in the library: the paper sources could not be read.");
  assert.equal(lines[2], "-# Topics: diffusion");
  assert.equal(findDigestMarker(message!.content)?.date, "2026-11-24");
});

test("given a day with nothing new, then the empty-day message carries the marker", () => {
  const empty: Digest = { date: DATE, entries: [], total: 0, topics: "RLHF" };
  const messages = renderDigest(empty);
  assert.deepEqual(messages, renderEmptyDigest(DATE, "RLHF"));
  assert.equal(messages.length, 1);
  assert.match(messages[0]!.content, /^\*\*📰 Daily papers — 2026-11-23\*\*\nNo new papers today\.\n-# Topics: RLHF$/);
  assert.equal(findDigestMarker(messages[0]!.content)?.date, DATE);
});

test("given votes on, then each message holds at most 5 papers with one 👍/👎 row each, within Discord's button limits, in text and embeds alike", () => {
  const entries = Array.from({ length: 12 }, (_, i) =>
    entry(i + 1, { tldr: "Short.", title: `Paper ${i + 1}: ${"Long Title ".repeat(12)}` }),
  );
  const digest: Digest = { date: DATE, entries, total: 12, topics: null };
  for (const style of ["text", "embeds"] as const) {
    const messages = renderDigest(digest, { votes: true, style });
    assert.deepEqual(
      messages.map((m) => m.components?.length),
      [5, 5, 2],
      style,
    );
    const rows = messages.flatMap((m) => m.components ?? []);
    assert.deepEqual(
      rows.map((r) => r.components[0]!.custom_id),
      entries.map((e) => `dvote:up:${e.id}`),
    );
    assert.ok(rows.every((r) => r.components.length === 2 && r.components.every((c) => c.label.length <= 80 && c.custom_id.length <= 100)));
    assert.match(rows[6]!.components[0]!.label, /^7\. Paper 7: Long Title/);
    assert.equal(rows[6]!.components[1]!.emoji.name, "👎");
  }
  assert.ok(
    renderDigest(digest).every((m) => m.components === undefined),
    "no buttons unless asked (the preview, the CLI)",
  );
});
