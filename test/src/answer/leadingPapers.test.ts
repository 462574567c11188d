import assert from "node:assert/strict";
import test from "node:test";
import { leadingPapers, type LeadInput } from "../../../src/answer/leadingPapers.js";
import { namesIn } from "../../../src/answer/questionTerms.js";
import { paperHit } from "../../helpers/paperHits.js";

const LANTERN = paperHit("Lantern: Linear Attention for Long Contracts", "Lantern reads contracts 6x faster than QuillNet.");
const QUILL = paperHit("QuillNet: Diffusion for Handwriting", "QuillNet denoises scanned letters.");
const SIEVE = paperHit("Sieve: Scoring Candidates Faster", "Sieve scores lots of candidates much faster.");

/** What leads for `question`, read alone or (with `thread`) with the conversation about Lantern. */
const lead = (question: string, { hits = [SIEVE, QUILL, LANTERN], thread }: Partial<LeadInput> = {}) => {
  const searchedFor = thread ? `${question} (follow-up to: what is Lantern?)` : question;
  const { named, askedByName } = leadingPapers({ question, searchedFor, names: namesIn(searchedFor), hits, compared: [], thread });
  return { lead: named.map((hit) => hit.title.split(":")[0]), askedByName };
};

test("given a short question naming a paper, then that paper leads; asked what it is, it is asked by name", () => {
  assert.deepEqual(lead("how does QuillNet denoise?"), { lead: ["QuillNet"], askedByName: false });
  assert.deepEqual(lead("what is QuillNet?"), { lead: ["QuillNet"], askedByName: true });
  assert.deepEqual(lead("the QuillNet paper"), { lead: ["QuillNet"], askedByName: true });
});

test("given a long question naming a paper only as context, or as a describing word, then it does not lead", () => {
  assert.deepEqual(
    lead("which method keeps attention memory linear in length for long legal contracts, unlike QuillNet's denoiser?").lead,
    [],
  );
  assert.deepEqual(lead("a reader trained on QuillNet-labelled handwriting").lead, []);
});

test("given a follow-up about the thread's paper, then it leads whatever the question names, unless asked what a name is", () => {
  assert.deepEqual(lead("how much faster than QuillNet?", { thread: LANTERN }).lead, ["Lantern"], "the thread's paper uses the name");
  assert.deepEqual(lead("how much faster is it?", { thread: LANTERN }).lead, ["Lantern"], "it points back");
  assert.deepEqual(lead("what is QuillNet?", { thread: LANTERN }).lead, ["QuillNet"]);
  assert.deepEqual(lead("what about handwriting?", { thread: LANTERN }).lead, [], "names nothing, points nowhere");
});

test("given a comparison leaving out the thread's paper it asks about, then the thread's paper leads instead", () => {
  const compared = [
    { hit: SIEVE, matched: false },
    { hit: QUILL, matched: true },
  ];
  const question = "scoring speedups versus QuillNet's overhead?";
  const input = { question, searchedFor: question, names: ["QuillNet"], hits: [SIEVE, QUILL, LANTERN], compared };
  assert.deepEqual(leadingPapers({ ...input, thread: undefined }).compared, compared, "alone, it is a comparison");
  const withThread = leadingPapers({ ...input, thread: LANTERN });
  assert.deepEqual([withThread.compared, withThread.named], [[], [LANTERN]]);
});
