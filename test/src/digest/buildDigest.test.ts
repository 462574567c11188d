import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatOpenAI } from "@langchain/openai";
import { authorLine, buildDigest } from "../../../src/digest/buildDigest.js";
import { firstSentences } from "../../../src/digest/digestTldrs.js";
import { listingDays } from "../../../src/digest/newPapers.js";
import { topicTerms } from "../../../src/digest/topicTerms.js";
import { LocalEmbeddings } from "../../../src/embeddings/localEmbeddings.js";
import { makePaper, type NewPaperFields, type Paper } from "../../../src/paper.js";
import { promptText, startOpenAiStandIn } from "../../helpers/openAiStandIn.js";

const DATE = "2026-11-23";
const HF = `hf-daily-api:http://127.0.0.1:1/api/daily_papers?date=${DATE}`;
const ARXIV = "arxiv:http://127.0.0.1:1/api/query";

function paper(fields: Partial<NewPaperFields> & { title: string }): Paper {
  return makePaper({
    source: HF,
    publishedAt: DATE,
    summary: `${fields.title} is studied here. It works.`,
    authors: ["A. Author"],
    ...fields,
  });
}

const titles = (d: { entries: { title: string }[] }) => d.entries.map((e) => e.title);

test("given no topics, then papers are ranked by upvotes, the top N kept and the total counts every new paper", async () => {
  const papers = [
    paper({ title: "Few Votes", arxivId: "2611.00001", upvotes: 2 }),
    paper({ title: "Most Votes", arxivId: "2611.00002", upvotes: 90 }),
    paper({ title: "Not on Hugging Face", arxivId: "2611.00003", source: ARXIV }),
    paper({ title: "Some Votes", arxivId: "2611.00004", upvotes: 10 }),
  ];
  const digest = await buildDigest({ papers, date: DATE, max: 3 });
  assert.deepEqual(titles(digest), ["Most Votes", "Some Votes", "Few Votes"]);
  assert.equal(digest.total, 4);
  assert.equal(digest.topics, null);
  assert.equal(digest.date, DATE);
  assert.ok(digest.entries.every((e) => e.reason === undefined && e.matches.length === 0));
});

test("given keyword topics, then papers matching them rank first, with the reason shown", async () => {
  const papers = [
    paper({ title: "A Popular Paper About Nothing Relevant", arxivId: "2611.00010", upvotes: 300 }),
    paper({ title: "Diffusion Models for Weather", arxivId: "2611.00011", upvotes: 5 }),
    paper({ title: "Cheap Preference Tuning", arxivId: "2611.00012", upvotes: 4, keywords: ["RLHF", "reward models"] }),
    paper({
      title: "Video Generation at Scale",
      arxivId: "2611.00013",
      upvotes: 3,
      summary: "We train video diffusion models. They align with RLHF.",
    }),
    paper({ title: "Fast Image Sampling", arxivId: "2611.00014", upvotes: 1, summary: "Our image diffusion sampler is fast." }),
  ];
  const digest = await buildDigest({ papers, date: DATE, max: 10, topics: "diffusion, RLHF" });
  assert.deepEqual(titles(digest), [
    "Video Generation at Scale",
    "Diffusion Models for Weather",
    "Cheap Preference Tuning",
    "Fast Image Sampling",
    "A Popular Paper About Nothing Relevant",
  ]);
  const [both, title, keyword] = digest.entries;
  assert.equal(both?.reason, "matches: diffusion, RLHF");
  assert.equal(title?.reason, "matches: diffusion");
  assert.equal(keyword?.reason, "matches: RLHF");
  assert.equal(digest.entries.at(-1)?.reason, undefined);
  assert.equal(digest.topics, "diffusion, RLHF");
});

test("given topics as a sentence or with quoted phrases, then the content words and phrases are the terms, matched across spellings", async () => {
  assert.deepEqual(topicTerms("papers about aligning language models with human feedback"), ["aligning", "language", "human", "feedback"]);
  assert.deepEqual(topicTerms('"reinforcement learning" for robots'), ["reinforcement learning", "robots"]);
  assert.deepEqual(topicTerms("RL; pre-training | MoE"), ["RL", "pre-training", "MoE"]);

  const papers = [
    paper({ title: "Better Pretraining Data", arxivId: "2611.00020", upvotes: 1 }),
    paper({ title: "Robot Hands", arxivId: "2611.00021", upvotes: 1 }),
    paper({ title: "Unrelated", arxivId: "2611.00022", upvotes: 50 }),
  ];
  const digest = await buildDigest({ papers, date: DATE, max: 3, topics: "pre-training, robots" });
  assert.deepEqual(
    digest.entries.map((e) => e.reason),
    ["matches: pre-training", "matches: robots", undefined],
  );
});

test("given embeddings, then a paper close to the topics in meaning ranks above a more popular one with no shared word", async () => {
  const papers = [
    paper({
      title: "Scheduling Cloud Batch Jobs",
      arxivId: "2611.00030",
      upvotes: 80,
      summary: "A scheduler for batch jobs in data centres.",
    }),
    paper({
      title: "Cars on the Highway",
      arxivId: "2611.00031",
      upvotes: 1,
      summary: "Vehicles driving on busy roads and traffic lanes.",
    }),
  ];
  const topics = "automobile motorway";
  const plain = await buildDigest({ papers, date: DATE, max: 2, topics });
  assert.deepEqual(titles(plain), ["Scheduling Cloud Batch Jobs", "Cars on the Highway"]);
  const withMeaning = await buildDigest({ papers, date: DATE, max: 2, topics, embeddings: new LocalEmbeddings() });
  assert.deepEqual(titles(withMeaning), ["Cars on the Highway", "Scheduling Cloud Batch Jobs"]);
  assert.equal(withMeaning.entries[0]?.reason, "close to your topics");
});

test("given what a channel has seen, then only papers new since its last digest are kept", async () => {
  const papers = [
    paper({ title: "Posted Yesterday", arxivId: "2611.00040", upvotes: 9 }),
    // On today's Hugging Face list although published on arXiv days ago: new.
    paper({ title: "Listed Today, Published Earlier", arxivId: "2611.00041", publishedAt: "2026-11-19" }),
    // arXiv only, published on the day of the last digest: already covered.
    paper({ title: "Published Before the Last Digest", arxivId: "2611.00042", source: ARXIV, publishedAt: "2026-11-22" }),
    paper({ title: "Published Today", arxivId: "2611.00043", source: ARXIV, publishedAt: DATE }),
  ];
  const digest = await buildDigest({ papers, date: DATE, max: 10, since: { date: "2026-11-22", paperIds: ["arxiv:2611.00040"] } });
  assert.deepEqual(titles(digest).sort(), ["Listed Today, Published Earlier", "Published Today"]);
  assert.equal(digest.total, 2);
  const again = await buildDigest({ papers, date: DATE, max: 10, since: { date: DATE } });
  assert.equal(again.total, 0);
});

test("given a Hugging Face paper, then its listing day is the list's day, never its arXiv date unless nothing else is known", () => {
  const fromFile = "hf-daily-api:hf-daily-2026-05-13.json";
  // Saved to a file: the day comes from the item itself.
  assert.deepEqual(listingDays(makePaper({ source: fromFile, title: "T", publishedAt: "2026-05-12", listedOn: ["2026-05-13"] })), [
    "2026-05-13",
  ]);
  // Stored before papers carried their listing day: the URL's date says it.
  assert.deepEqual(
    listingDays(
      makePaper({ source: "hf-daily-api:https://hf.example/api/daily_papers?date=2026-05-13", title: "T", publishedAt: "2026-05-12" }),
    ),
    ["2026-05-13"],
  );
  // An item that does not say when it was listed: its arXiv date is all there is.
  assert.deepEqual(listingDays(makePaper({ source: fromFile, title: "T", publishedAt: "2026-05-12" })), ["2026-05-12"]);
  // Also in an arXiv feed: listed by arXiv on its publication day, and by Hugging Face on the list's day.
  const merged = makePaper({ source: fromFile, title: "T", publishedAt: "2026-05-12", listedOn: ["2026-05-13"] });
  merged.sources.push("arxiv:https://export.arxiv.org/api/query");
  assert.deepEqual(listingDays(merged).sort(), ["2026-05-12", "2026-05-13"]);
});

test("given the day its papers are from, then a digest names it when it is not the digest's day", async () => {
  const papers = [paper({ title: "From The Day Before", arxivId: "2611.00050" })];
  assert.equal((await buildDigest({ papers, date: "2026-11-24", papersFrom: DATE, max: 5 })).papersFrom, DATE);
  assert.equal("papersFrom" in (await buildDigest({ papers, date: DATE, papersFrom: DATE, max: 5 })), false);
});

test("given a paper's fields, then its entry has the Hugging Face or arXiv link, first authors et al., upvotes and code link", async () => {
  const papers = [
    paper({
      title: "From Hugging Face",
      arxivId: "2611.00050",
      upvotes: 7,
      authors: ["Ann One", "Bo Two", "Cy Three", "Di Four"],
      githubRepo: "https://github.com/example/hf-paper",
    }),
    paper({
      title: "From arXiv",
      arxivId: "2611.00051",
      source: ARXIV,
      absUrl: "https://arxiv.org/abs/2611.00051",
      authors: ["Ed Five", "Flo Six"],
    }),
    paper({ title: "A Bad Code Link", arxivId: "2611.00052", githubRepo: "javascript:alert(1)", upvotes: 1 }),
  ];
  const digest = await buildDigest({ papers, date: DATE, max: 3 });
  const [hf, bad, arxiv] = digest.entries;
  assert.equal(hf?.url, "https://huggingface.co/papers/2611.00050");
  assert.equal(hf?.authors, "Ann One, Bo Two, Cy Three et al.");
  assert.equal(hf?.upvotes, 7);
  assert.equal(hf?.codeUrl, "https://github.com/example/hf-paper");
  assert.equal(bad?.codeUrl, undefined);
  assert.equal(arxiv?.url, "https://arxiv.org/abs/2611.00051");
  assert.equal(arxiv?.authors, "Ed Five, Flo Six");
  assert.equal(arxiv?.upvotes, undefined);
  assert.deepEqual(arxiv?.sources, ["arxiv"]);
  assert.equal(authorLine({ authors: [], authorCount: 6 }), "6 authors");
  assert.equal(authorLine({ authors: [] }), "");
});

test("given the sources of a TL;DR, then the AI summary comes first, then the model, then the abstract's first sentences", async (t) => {
  const standIn = await startOpenAiStandIn();
  t.after(() => standIn.close());
  standIn.chat.setDefault({
    kind: "reply",
    content: (body) => {
      const n = (promptText(body).match(/\[\d+\] Title:/g) ?? []).length;
      return JSON.stringify({
        tldrs: Array.from({ length: n }, (_, i) => ({ paper: i + 1, tldr: `The model's own short summary of paper ${i + 1}.` })),
      });
    },
  });
  const llm = new ChatOpenAI({
    model: "test-model",
    apiKey: "sk-test",
    configuration: { baseURL: standIn.baseURL },
    maxRetries: 0,
    timeout: 5_000,
  });
  const papers = [
    paper({
      title: "Has an AI Summary",
      arxivId: "2611.00060",
      upvotes: 3,
      aiSummary: "First AI sentence. Second AI sentence. Third AI sentence.",
    }),
    paper({
      title: "Abstract Only",
      arxivId: "2611.00061",
      upvotes: 2,
      summary: "We do one thing. We find another. A third sentence is not needed.",
    }),
    paper({ title: "No Text at All", arxivId: "2611.00062", upvotes: 1, summary: "" }),
  ];

  const withoutModel = await buildDigest({ papers, date: DATE, max: 3 });
  assert.deepEqual(
    withoutModel.entries.map((e) => [e.tldrSource, e.tldr]),
    [
      ["ai-summary", "First AI sentence. Second AI sentence."],
      ["abstract", "We do one thing. We find another."],
      ["none", ""],
    ],
  );

  const withModel = await buildDigest({ papers, date: DATE, max: 3, llm });
  assert.deepEqual(
    withModel.entries.map((e) => [e.tldrSource, e.tldr]),
    [
      ["ai-summary", "First AI sentence. Second AI sentence."],
      ["llm", "The model's own short summary of paper 1."],
      ["none", ""],
    ],
  );
  const calls = standIn.requestsTo("/v1/chat/completions");
  assert.equal(calls.length, 1, "one call for the whole digest");
  assert.match(promptText(calls[0]!.body as never), /\[1\] Title: Abstract Only/);
  assert.equal(
    (calls[0]!.body as { tool_choice?: { function?: { name?: string } } }).tool_choice?.function?.name,
    "digest_tldrs",
    "asked for as structured output",
  );

  // Text where the function's arguments belong is no TL;DR: the abstract stays.
  standIn.chat.setDefault({ kind: "reply", content: "1: The model's own short summary of paper 1." });
  const unparsed = await buildDigest({ papers, date: DATE, max: 3, llm });
  assert.deepEqual(
    unparsed.entries.map((e) => e.tldrSource),
    ["ai-summary", "abstract", "none"],
  );

  standIn.chat.setDefault({ kind: "status", status: 500 });
  const modelDown = await buildDigest({ papers, date: DATE, max: 3, llm });
  assert.deepEqual(
    modelDown.entries.map((e) => e.tldrSource),
    ["ai-summary", "abstract", "none"],
  );
});

test("given a long first sentence, then the TL;DR is cut at a word within the limit", () => {
  const long = `${"word ".repeat(120)}end. Second sentence.`;
  const tldr = firstSentences(long);
  assert.ok(tldr.length <= 320);
  assert.match(tldr, /word…$/);
  assert.equal(firstSentences("  One.   Two.  Three. "), "One. Two.");
});
