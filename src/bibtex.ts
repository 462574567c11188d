import { paperUrl, type Paper } from "./paper.js";
import { contentWords, words } from "./text/words.js";

/**
 * A paper as a BibTeX entry, in the shape arXiv's own export uses for preprints
 * (`@misc` with `eprint`, `archivePrefix`, `primaryClass`), so it cites the same
 * way in any reference manager. Values are escaped for LaTeX, and words written
 * with inner capitals (BERT, LoRA) are braced so styles keep their case.
 */
export function bibtexFor(paper: Paper): string {
  const fields: [string, string | undefined][] = [
    ["title", protectCase(latex(paper.title))],
    ["author", paper.authors.length > 0 ? paper.authors.map(latex).join(" and ") : undefined],
    ["year", paper.year !== undefined ? String(paper.year) : undefined],
    ["eprint", paper.arxivId],
    ["archivePrefix", paper.arxivId ? "arXiv" : undefined],
    ["primaryClass", paper.arxivId ? paper.categories?.[0] : undefined],
    ["url", paperUrl(paper)],
  ];
  const body = fields
    .filter((field): field is [string, string] => field[1] !== undefined && field[1] !== "")
    .map(([name, value]) => `  ${name} = {${value}}`)
    .join(",\n");
  return `@misc{${citationKey(paper)},\n${body}\n}\n`;
}

/** `vaswani2017attention`: the first author's family name, the year, the title's first word that says something. */
export function citationKey(paper: Paper): string {
  // Keys are ASCII letters and digits: "Zoë Ünal" is "unal".
  const ascii = (text: string) => text.normalize("NFKD").replace(/[^A-Za-z0-9\s]/g, "");
  const family = words(ascii(paper.authors[0]?.trim().split(/\s+/).at(-1) ?? "")).join("");
  const word = contentWords(ascii(paper.title)).find((w) => w.length > 3);
  return `${family || "paper"}${paper.year ?? ""}${word ?? ""}`;
}

/** LaTeX's special characters as text; braces dropped, as BibTeX counts even escaped ones. */
function latex(text: string): string {
  return text
    .replace(/\\/g, " ")
    .replace(/[{}]/g, "")
    .replace(/([&%$#_])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/\s+/g, " ")
    .trim();
}

/** "{BERT}: Pre-training of …": a word with two capitals keeps them in any bibliography style. */
function protectCase(title: string): string {
  return title.replace(/(?<![\\\w])([A-Za-z]*[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*)(?!\w)/g, "{$1}");
}
