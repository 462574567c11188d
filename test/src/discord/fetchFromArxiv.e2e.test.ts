import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startBotHarness, type BotHarness } from "../../helpers/botHarness.js";
import type { MessageObject } from "../../helpers/discordStandIn.js";
import { ingestInto } from "../../helpers/library.js";
import { startPaperSourcesStandIn, type PaperSourcesStandIn } from "../../helpers/paperSourcesStandIn.js";
import { fixture } from "../../helpers/paths.js";

/**
 * A paper the library lacks, fetched from arXiv on demand: by `/paper <arXiv id>`, and by the
 * "Fetch from arXiv" button under an answer that named it. The real bot on the Discord stand-in,
 * arXiv's API on a stand-in on 127.0.0.1, a real library on disk.
 */

const GRAMMAR = "Grammar Induction from Child-Directed Speech with Tiny Transformers";

type Row = { components: { custom_id: string; label?: string }[] };
const buttonsOf = (message: MessageObject | undefined) => ((message?.components ?? []) as Row[]).flatMap((row) => row.components);

describe("fetching from arXiv on demand", { concurrency: false }, () => {
  let dir = "";
  let h: BotHarness;
  let arxiv: PaperSourcesStandIn;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "paperbot-fetch-"));
    await ingestInto(join(dir, "db"), [fixture("pipeline/hf-daily.json")]);
    arxiv = await startPaperSourcesStandIn();
    h = await startBotHarness({ libraryUri: join(dir, "db"), settings: { ARXIV_API_URL: arxiv.arxivApiUrl } });
  });
  after(async () => {
    await h.close();
    await arxiv.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("given /paper with an arXiv id the library lacks, then it is fetched once, shown as added, and its BibTeX is one click away", async () => {
    const first = await h.discord.interact({ kind: "command", name: "paper", options: { query: "2611.10101" } });
    await first.waitForFinal(undefined, 20_000);
    assert.match(first.original?.content ?? "", /Fetched from arXiv and added to the library/);
    assert.equal(first.original?.embeds?.[0]?.title, GRAMMAR);

    const again = await h.discord.interact({ kind: "command", name: "paper", options: { query: "https://arxiv.org/abs/2611.10101v1" } });
    await again.waitForFinal(undefined, 20_000);
    assert.equal(again.original?.embeds?.[0]?.title, GRAMMAR);
    assert.doesNotMatch(again.original?.content ?? "", /Fetched/, "the second time it is in the library");
    assert.equal(arxiv.arxiv.requests.filter((r) => r.params.id_list === "2611.10101").length, 1, "arXiv was asked once");

    const bibtex = buttonsOf(again.original).find((b) => b.label === "BibTeX");
    assert.ok(bibtex, "a BibTeX button under the paper");
    const pressed = await h.discord.interact({
      kind: "button",
      customId: bibtex.custom_id,
      message: again.original!.id,
      channelId: again.original!.channel_id,
      userId: h.discord.user(3),
    });
    await pressed.waitForFinal();
    assert.equal(pressed.callbacks[0]!.data?.flags, 64, "shown only to whoever pressed it");
    assert.match(
      pressed.callbacks[0]!.data?.content ?? "",
      /^```bibtex\n@misc\{lindqvist2026grammar,\n {2}title = \{Grammar Induction[^]*eprint = \{2611\.10101\}[^]*```$/,
    );
    assert.deepEqual(h.discord.violations, []);
  });

  test("given a question naming an arXiv paper the library lacks, then the answer says so, and the fetch button adds it and answers again", async () => {
    const { discord } = h;
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: "what does arXiv 2611.10002 find?",
      mentionBot: true,
      authorId: discord.user(1),
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const refusal = await discord.waitFor(
      () => discord.channelMessages(thread.id).find((m) => buttonsOf(m).some((b) => /Fetch/.test(b.label ?? ""))),
      10_000,
      "the answer with a fetch button",
    );
    assert.match(refusal.content, /^I don't have “arXiv 2611\.10002” in the library\./);
    const fetch = buttonsOf(refusal).find((b) => /Fetch 2611\.10002 from arXiv/.test(b.label ?? ""))!;

    const pressed = await discord.interact({
      kind: "button",
      customId: fetch.custom_id,
      message: refusal.id,
      channelId: thread.id,
      userId: discord.user(1),
    });
    await pressed.waitForFinal(undefined, 20_000);
    const added = pressed.original;
    assert.match(added?.content ?? "", /Fetched \*\*.+\*\* from arXiv and added it to the library/);
    const title = added?.embeds?.[0]?.title ?? "";
    assert.ok(title.length > 0);
    // The question is answered again in the thread, from the paper now in the library.
    const answer = await discord.waitFor(
      () =>
        discord
          .channelMessages(thread.id)
          .find((m) => m.id !== refusal.id && m.author.id === discord.botUser.id && /\*\*Sources\*\*/.test(m.content)),
      20_000,
      "the answer from the fetched paper",
    );
    assert.ok(answer.content.includes(title), `the answer cites “${title}”`);
    assert.deepEqual(discord.violations, []);
  });

  test("given a question that is a paper's title the library lacks, then the title is found on arXiv by one click and the question answered", async () => {
    const { discord } = h;
    const asked = "Diffusion Priors for Tabular Data Imputation";
    const question = await discord.sendMessage({
      channelId: discord.channelIds.general,
      content: asked,
      mentionBot: true,
      authorId: discord.user(2),
    });
    const thread = await discord.waitFor(() => discord.threads.find((t) => t.starterMessageId === question.id), 10_000, "a thread");
    const refusal = await discord.waitFor(
      () => discord.channelMessages(thread.id).find((m) => buttonsOf(m).some((b) => /arXiv/.test(b.label ?? ""))),
      10_000,
      "the answer with a fetch button",
    );
    const find = buttonsOf(refusal).find((b) => /Find this title on arXiv/.test(b.label ?? ""))!;
    const pressed = await discord.interact({
      kind: "button",
      customId: find.custom_id,
      message: refusal.id,
      channelId: thread.id,
      userId: discord.user(2),
    });
    await pressed.waitForFinal(undefined, 20_000);
    assert.match(pressed.original?.content ?? "", new RegExp(`Fetched \\*\\*${asked}\\*\\* from arXiv and added it to the library`));
    const searches = arxiv.arxiv.requests.filter((r) => r.params.search_query?.startsWith("ti:"));
    assert.equal(searches.length, 1, "one title search");
    const answer = await discord.waitFor(
      () =>
        discord
          .channelMessages(thread.id)
          .find((m) => m.id !== refusal.id && m.author.id === discord.botUser.id && /\*\*Sources\*\*/.test(m.content)),
      20_000,
      "the answer from the fetched paper",
    );
    assert.ok(answer.content.includes(asked));
  });
});
