import assert from "node:assert/strict";
import test from "node:test";
import bibtexParse from "bibtex-parse";
import { bibtexFor } from "../../src/bibtex.js";
import type { Paper } from "../../src/paper.js";

/** The one entry in a BibTeX text, its fields by lower-cased name as written (parse throws on invalid BibTeX). */
function onlyEntry(text: string): { type: string; key: string; fields: Record<string, string> } {
  const entries = bibtexParse.parse(text).filter((item) => item.itemtype === "entry");
  assert.equal(entries.length, 1);
  const [entry] = entries;
  assert.ok(entry && entry.itemtype === "entry");
  return { type: entry.type, key: entry.key, fields: Object.fromEntries(entry.fields.map((f) => [f.name.toLowerCase(), f.value])) };
}

const BERT: Paper = {
  id: "arxiv:1810.04805",
  arxivId: "1810.04805",
  title: "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
  summary: "",
  authors: ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
  year: 2018,
  categories: ["cs.CL"],
  sources: ["arxiv-api"],
};

test("given an arXiv paper, then its entry parses as BibTeX and carries what a reference manager needs", () => {
  const { type, key, fields } = onlyEntry(bibtexFor(BERT));
  assert.equal(type, "misc");
  assert.equal(key, "devlin2018bert");
  assert.deepEqual(fields, {
    title: "{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    author: "Jacob Devlin and Ming-Wei Chang and Kenton Lee and Kristina Toutanova",
    year: "2018",
    eprint: "1810.04805",
    archiveprefix: "arXiv",
    primaryclass: "cs.CL",
    url: "https://arxiv.org/abs/1810.04805",
  });
});

test("given a title with LaTeX's special characters and braces, then the entry still parses and shows them as text", () => {
  const paper: Paper = {
    id: "title:x",
    title: "50% less {memory} & 2x speed: C# and α_β~",
    summary: "",
    authors: ["Zoë Ünal"],
    year: 2024,
    sources: ["json"],
  };
  const text = bibtexFor(paper);
  const { key, fields } = onlyEntry(text);
  assert.equal(fields.title, "50\\% less memory \\& 2x speed: C\\# and α\\_β\\textasciitilde{}");
  assert.equal(key, "unal2024less");
  assert.doesNotMatch(text, /eprint|archivePrefix/, "no arXiv fields without an arXiv id");
});

test("given a paper known by title only, then the entry has a title and a key and nothing made up", () => {
  const { key, fields } = onlyEntry(bibtexFor({ id: "title:y", title: "Scaling Laws", summary: "", authors: [], sources: ["daily-page"] }));
  assert.equal(key, "paperscaling");
  assert.deepEqual(fields, { title: "Scaling Laws" });
});
