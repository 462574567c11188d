import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { arxivApiError, parseArxivAtom, readArxivEntries } from "../../../ingest/parsers/arxivAtom.js";
import { ParseError } from "../../../ingest/parsers/parseError.js";

// The tests run from dist/test/ingest/parsers/; the fixtures stay in the source tree.
const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const ctx = (source: string) => ({ source, referenceDate: new Date("2024-06-01T00:00:00Z") });

const feed = () => parseArxivAtom(fixture("arxiv-cs-cl.xml"), ctx("cs-cl.xml"));

test("given an entry whose id carries version v2, then the paper's arXiv id and links drop the version", () => {
  const paper = feed().papers[0]?.paper;
  assert.ok(paper);
  assert.equal(paper.arxivId, "2405.11111");
  assert.equal(paper.id, "arxiv:2405.11111");
  assert.equal(paper.absUrl, "https://arxiv.org/abs/2405.11111");
  assert.equal(paper.pdfUrl, "https://arxiv.org/pdf/2405.11111");
});

test("given a feed, then each entry's title, abstract, authors, date and source are read", () => {
  const paper = feed().papers[0]?.paper;
  assert.ok(paper);
  assert.equal(paper.title, "Counting Tokens in the Dark: Length Generalisation & Positional Codes");
  assert.equal(
    paper.summary,
    "We study why transformers fail to count past the lengths seen in training. We show that a small change to positional codes fixes most of it.",
  );
  assert.deepEqual(paper.authors, ["Hana Moreau", "Ivo Brandt"]);
  assert.equal(paper.publishedAt, "2024-05-17");
  assert.equal(paper.year, 2024);
  assert.deepEqual(paper.sources, ["arxiv:cs-cl.xml"]);
});

test("given an entry in several categories, then all are kept with the primary one first", () => {
  assert.deepEqual(feed().papers[0]?.paper.categories, ["cs.CL", "cs.LG", "stat.ML"]);
});

test("given a single-author entry, then authors is still a list", () => {
  const paper = feed().papers[1]?.paper;
  assert.deepEqual(paper?.authors, ["Jo Solo"]);
  assert.deepEqual(paper?.categories, ["cs.CL"]);
});

test("given a title made only of digits, then it stays text", () => {
  assert.equal(feed().papers[1]?.paper.title, "1984");
});

test("given an old-style id and a numeric character reference, then both are read", () => {
  const paper = feed().papers[2]?.paper;
  assert.equal(paper?.arxivId, "cs/0112017");
  assert.equal(paper?.absUrl, "https://arxiv.org/abs/cs/0112017");
  assert.equal(paper?.title, "An Old-Style Identifier, café Edition");
});

test("given a feed with a single entry with one author and one category, then they still come as lists", () => {
  const { papers, skipped } = parseArxivAtom(fixture("arxiv-one-entry.xml"), ctx("one.xml"));
  assert.deepEqual(skipped, []);
  assert.equal(papers.length, 1);
  assert.equal(papers[0]?.paper.arxivId, "2405.33333");
  assert.deepEqual(papers[0]?.paper.authors, ["Lia Uno"]);
  assert.deepEqual(papers[0]?.paper.categories, ["cs.IR"]);
  assert.equal(papers[0]?.paper.pdfUrl, undefined);
});

test("given a feed, then each paper carries the line of its <entry>", () => {
  assert.deepEqual(
    feed().papers.map((p) => p.line),
    [10, 37, 51],
  );
});

test("given the fields Paper has no room for, then readArxivEntries still returns them", () => {
  const [entry] = readArxivEntries(fixture("arxiv-cs-cl.xml"), "cs-cl.xml");
  assert.ok(entry);
  assert.equal(entry.id, "http://arxiv.org/abs/2405.11111v2");
  assert.equal(entry.updated, "2024-05-19T10:15:00Z");
  assert.equal(entry.primaryCategory, "cs.CL");
  assert.equal(entry.comment, "12 pages, 4 figures; v2 fixes Table 3");
  assert.equal(entry.doi, "10.1234/fake.2024.111");
  assert.equal(entry.journalRef, "Proc. Imaginary Conf. 2024");
});

test("given an arXiv error feed, then a ParseError carries arXiv's message", () => {
  assert.throws(() => parseArxivAtom(fixture("arxiv-error.xml"), ctx("arxiv-error.xml")), {
    name: "ParseError",
    message: "arxiv-error.xml line 10: arXiv API error: incorrect id format for 2405.999999",
  });
});

test("given the body of an error answer, then arXiv's reason is read from its error feed and from nothing else", () => {
  assert.equal(arxivApiError(fixture("arxiv-error.xml")), "arXiv API error: incorrect id format for 2405.999999");
  assert.equal(arxivApiError(fixture("arxiv-cs-cl.xml")), undefined);
  assert.equal(arxivApiError(fixture("arxiv-truncated.xml")), undefined);
  assert.equal(arxivApiError("<html><body>502 Bad Gateway</body></html>"), undefined);
  assert.equal(arxivApiError('{"error": "not found"}'), undefined);
});

test("given a feed with no results, then it is empty and says so; a feed with results is not", () => {
  const empty = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=ti:nothing</title>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
</feed>`;
  assert.deepEqual(parseArxivAtom(empty, ctx("empty.xml")), { papers: [], skipped: [], noResults: true });
  assert.equal(feed().noResults, undefined);
});

test("given a feed cut off mid-download, then a ParseError points at where it stops", () => {
  assert.throws(
    () => parseArxivAtom(fixture("arxiv-truncated.xml"), ctx("arxiv-truncated.xml")),
    (error: unknown) => {
      assert.ok(error instanceof ParseError);
      assert.equal(error.line, 24);
      assert.match(error.message, /^arxiv-truncated\.xml line 24: malformed XML: /);
      return true;
    },
  );
});

test("given a feed that ends before its elements are closed, then the ParseError names them", () => {
  const text = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>A</title>\n';
  assert.throws(() => parseArxivAtom(text, ctx("cut.xml")), {
    name: "ParseError",
    message: "cut.xml line 4: malformed XML: the text ends before <feed>, <entry> are closed (column 17)",
  });
});

test("given an HTML error page, then a ParseError says it is not a feed", () => {
  assert.throws(() => parseArxivAtom(fixture("hf-daily-502-page.json"), ctx("page.xml")), {
    name: "ParseError",
    message: "page.xml: not an Atom feed: the root element is <html>, not <feed>",
  });
});

test("given a feed with no entries, then there are no papers and no error", () => {
  const text = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>';
  assert.deepEqual(parseArxivAtom(text, ctx("none.xml")), { papers: [], skipped: [] });
});

test("given an entry without a title, then it is skipped with its line and the rest parse", () => {
  const text = [
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "<entry><id>http://arxiv.org/abs/2405.00001v1</id></entry>",
    "<entry><id>http://arxiv.org/abs/2405.00002v1</id><title>Kept</title></entry>",
    "</feed>",
  ].join("\n");
  const { papers, skipped } = parseArxivAtom(text, ctx("gap.xml"));
  assert.deepEqual(
    papers.map((p) => p.paper.title),
    ["Kept"],
  );
  assert.deepEqual(skipped, [{ source: "arxiv:gap.xml", line: 2, reason: "entry has no <title>" }]);
});
