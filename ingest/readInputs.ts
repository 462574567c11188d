import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Fetcher } from "../src/fetch/fetchText.js";
import type { SkippedRecord } from "../src/paper.js";
import { errorMessage } from "../src/errors.js";
import { arxivApiError } from "./parsers/arxivAtom.js";

/** One thing to parse: a file's or a URL's text, with the name errors will use. */
export interface InputText {
  /** Short name shown in errors and recorded in the paper's sources (file name or URL). */
  source: string;
  text: string;
}

export interface ReadInputsResult {
  inputs: InputText[];
  /** Inputs that could not be read at all (missing, empty, binary, unreachable). */
  failed: SkippedRecord[];
}

export interface ReadOptions {
  /** How URLs are fetched: the one fetch path (timeouts, retries, arXiv's spacing, hosts that did not answer). */
  fetcher: Fetcher;
}

const isUrl = (arg: string) => /^https?:\/\//i.test(arg);
const isFileUrl = (arg: string) => /^file:/i.test(arg);
/** `ftp://…` and the like; a bare `name:with-colon.json` is still a file name. */
const OTHER_URL = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * A `file:` URL as the path it names; a URL of any other scheme but http(s) is
 * refused with the reason, rather than looked for as a file of that name.
 */
function localPath(arg: string): { path: string } | { refused: string } {
  if (isFileUrl(arg)) {
    try {
      return { path: fileURLToPath(arg) };
    } catch (error) {
      return { refused: `cannot read this file: URL: ${errorMessage(error)}` };
    }
  }
  const scheme = OTHER_URL.exec(arg)?.[1];
  return scheme ? { refused: `cannot read ${scheme}: URLs: give a file, a directory, a file: URL or an http(s) URL` } : { path: arg };
}

/**
 * A folder's own notes: a README (any extension) or a Markdown file. No paper format is
 * Markdown, so inside a folder they are passed over rather than reported as of unknown
 * format; named as an argument, such a file is still read.
 */
const FOLDER_NOTES = /^readme(?:\.|$)|\.(?:md|markdown)$/i;

/** Files inside a directory argument, recursively, in a stable order; dot-files and the folder's notes are skipped. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || (entry.isFile() && FOLDER_NOTES.test(entry.name))) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Checks that decoded input is text we can parse; returns the reason when it is not.
 * Both checks stop early, so a 20 MB file is not copied to answer them.
 */
export function textProblem(text: string): { line: number; reason: string } | undefined {
  if (!/\S/.test(text)) return { line: 1, reason: "the file is empty" };
  const nul = text.slice(0, 64 * 1024).indexOf("\0");
  if (nul >= 0) {
    const line = text.slice(0, nul).split("\n").length;
    return { line, reason: "this is a binary file, not text (a NUL byte)" };
  }
  return undefined;
}

async function readFileInput(path: string): Promise<InputText | SkippedRecord> {
  const source = basename(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { source: path, line: 0, reason: `cannot read the file: ${errorMessage(error)}` };
  }
  const problem = textProblem(text);
  if (problem) return { source, ...problem };
  return { source, text };
}

async function fetchUrlInput(url: string, fetcher: Fetcher): Promise<InputText | SkippedRecord> {
  let text: string;
  try {
    ({ text } = await fetcher.text(url, {
      accept: "application/json, application/atom+xml, text/plain;q=0.9, */*;q=0.5",
      explainErrorBody: arxivApiError,
    }));
  } catch (error) {
    return { source: url, line: 0, reason: `cannot fetch: ${errorMessage(error)}` };
  }
  const problem = textProblem(text);
  if (problem) return { source: url, ...problem };
  return { source: url, text };
}

/** Reads every argument (file, directory, http(s) or file: URL); one bad input never stops the others. */
export async function readInputs(args: readonly string[], options: ReadOptions): Promise<ReadInputsResult> {
  const inputs: InputText[] = [];
  const failed: SkippedRecord[] = [];
  const add = (r: InputText | SkippedRecord) => ("text" in r ? inputs.push(r) : failed.push(r));
  for (const arg of args) {
    if (isUrl(arg)) {
      add(await fetchUrlInput(arg, options.fetcher));
      continue;
    }
    const local = localPath(arg);
    if ("refused" in local) {
      failed.push({ source: arg, line: 0, reason: local.refused });
      continue;
    }
    const info = await stat(local.path).catch(() => undefined);
    if (!info) failed.push({ source: arg, line: 0, reason: "no such file or directory" });
    else if (info.isDirectory()) for (const file of await listFiles(local.path)) add(await readFileInput(file));
    else add(await readFileInput(local.path));
  }
  return { inputs, failed };
}
