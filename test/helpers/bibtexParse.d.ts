// bibtex-parse ships no types: what the BibTeX tests read of it.
declare module "bibtex-parse" {
  export interface Field {
    name: string;
    /** The value as written, without its outer braces or quotes. */
    value: string;
  }
  export type Item = { itemtype: "entry"; type: string; key: string; fields: Field[] } | { itemtype: "comment" | "preamble" | "string" };
  /** Throws on text that is not valid BibTeX. */
  export function parse(text: string): Item[];
  const bibtexParse: { parse: typeof parse };
  export default bibtexParse;
}
