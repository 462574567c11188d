import assert from "node:assert/strict";
import { test } from "node:test";
import { DISCORD_LIMITS, escapeForDiscord, quietLink, splitForDiscord, threadNameFrom } from "../../../src/discord/discordText.js";
import { truncate } from "../../../src/text/truncate.js";

const sentence = (i: number) => `Sentence ${i} reports a result on the benchmark [${(i % 3) + 1}].`;

test("given a 5,000-character answer, then it splits into messages of at most 2000 characters that lose nothing", () => {
  const text = Array.from({ length: 16 }, (_, p) => Array.from({ length: 7 }, (_, s) => sentence(p * 7 + s)).join(" ")).join("\n\n");
  assert.ok(text.length > 5000);
  const parts = splitForDiscord(text);
  assert.ok(parts.length >= 3);
  for (const part of parts) assert.ok(part.length <= DISCORD_LIMITS.content, `part of ${part.length} chars`);
  assert.equal(parts.join(" ").replace(/\s+/g, " "), text.replace(/\s+/g, " "));
  // Cuts fall between paragraphs when paragraphs fit.
  for (const part of parts) assert.match(part, /\]\.$/);
});

test("given one paragraph longer than a message, then cuts fall at sentence ends and never inside a citation or link", () => {
  const link = quietLink("A Title With [Brackets] In It", "https://arxiv.org/abs/2003.10555");
  const text = Array.from({ length: 60 }, (_, i) => (i % 10 === 9 ? `See ${link} for details [12, 13].` : sentence(i))).join(" ");
  const parts = splitForDiscord(text, 500);
  for (const part of parts) {
    assert.ok(part.length <= 500);
    assert.match(part, /[.\]]$/, `ends mid-sentence: …${part.slice(-40)}`);
    // Every citation and link that starts in a part also ends in it.
    assert.equal(
      (part.match(/\[/g) ?? []).length - (part.match(/\\\[/g) ?? []).length,
      (part.match(/\]/g) ?? []).length - (part.match(/\\\]/g) ?? []).length,
    );
    assert.equal((part.match(/</g) ?? []).length, (part.match(/>/g) ?? []).length);
  }
});

test("given text without spaces, then it is still cut to the limit", () => {
  const parts = splitForDiscord("x".repeat(4500));
  assert.deepEqual(
    parts.map((p) => p.length),
    [2000, 2000, 500],
  );
});

test("given paper text with @everyone, a role mention and markdown, then it can neither ping nor restyle", () => {
  const escaped = escapeForDiscord("**Bold** claim by @everyone and @here, see <@&123456789012> and `code` ~~x~~ __u__");
  assert.doesNotMatch(escaped, /@everyone|@here/);
  assert.doesNotMatch(escaped, /<@&\d/);
  assert.match(escaped, /\\\*\\\*Bold\\\*\\\*/);
  assert.match(escaped, /\\`code\\`/);
});

test("given a title with brackets, then its quiet link stays one link without a preview", () => {
  assert.equal(quietLink("Attention [Is] All", "https://x.org/a"), "[Attention \\[Is\\] All](<https://x.org/a>)");
  assert.equal(quietLink("No link", undefined), "No link");
});

test("given a long question with a mention, then the thread name is one clean line within 100 characters", () => {
  const name = threadNameFrom(
    `<@123456789012>   which pre-training method\n trains a discriminator ${"very ".repeat(40)}quickly? @everyone`,
  );
  assert.ok(name.length <= DISCORD_LIMITS.threadName);
  assert.match(name, /^which pre-training method trains a discriminator very/);
  assert.doesNotMatch(name, /<@|@everyone|\n/);
  assert.equal(truncate("short", 10), "short");
});
