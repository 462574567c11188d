import assert from "node:assert/strict";
import { test } from "node:test";
import { ESLint } from "eslint";
import { PROJECT_ROOT } from "./helpers/paths.js";

/*
 * The layer rule in eslint.config.js, run through ESLint's own API on snippets placed (by path) in the
 * core and in an adapter. Only the two rules that keep the layers run, without type information, so the
 * check takes a second rather than the whole project's type-aware lint.
 */
const eslint = new ESLint({
  cwd: PROJECT_ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports" || ruleId === "no-restricted-syntax",
});

async function layerErrors(filePath: string, code: string): Promise<number[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.line);
}

const ADAPTER_IMPORTS = [
  'import { truncate } from "../discord/discordText.js";',
  'import type { Command } from "../discord/command.js";',
  'import { digestCommand } from "../cli/digestCommand.js";',
  'import digest from "../../commands/digest.js";',
  'import { Client } from "discord.js";',
  'export { renderDigest } from "../discord/renderDigest.js";',
  'export const later = () => import("../cli/main.js");',
].join("\n");

test("given a core module (anywhere in src/ outside the adapters) that imports an adapter or discord.js, then lint fails on every such line", async () => {
  for (const path of [
    "src/digest/buildDigest.ts",
    "src/retrieve/findPaper.ts",
    "src/store/paperStore.ts",
    "src/answer/createAnswerer.ts",
    "src/embeddings/localEmbeddings.ts",
  ]) {
    assert.deepEqual(await layerErrors(path, ADAPTER_IMPORTS), [1, 2, 3, 4, 5, 6, 7], path);
  }
  assert.deepEqual(await layerErrors("src/app.ts", 'import { startDigest } from "./discord/startDigest.js";'), [1]);
});

test("given an ingest module that imports an adapter, then lint fails", async () => {
  assert.deepEqual(
    await layerErrors("ingest/runIngest.ts", 'import { fetchProgress } from "../src/cli/fetchProgress.js";\nimport "../commands/ask.js";'),
    [1, 2],
  );
  assert.deepEqual(
    await layerErrors("ingest/parsers/arxivAtom.ts", 'import { NO_MENTIONS } from "../../src/discord/discordText.js";'),
    [1],
  );
});

test("given core imports of the core, or an adapter importing the core and other adapters, then the layer rule is quiet", async () => {
  assert.deepEqual(
    await layerErrors(
      "src/digest/buildDigest.ts",
      'import { splitSentences } from "../answer/citations.js";\nimport { PaperStore } from "../store/paperStore.js";',
    ),
    [],
  );
  assert.deepEqual(
    await layerErrors(
      "src/cli/digestCommand.ts",
      'import { renderDigest } from "../discord/renderDigest.js";\nimport { buildDigest } from "../digest/buildDigest.js";',
    ),
    [],
  );
  assert.deepEqual(
    await layerErrors(
      "src/discord/digestPoster.ts",
      'import { Client } from "discord.js";\nimport { isDiscordId } from "./discordIds.js";',
    ),
    [],
  );
  assert.deepEqual(await layerErrors("commands/digest.ts", 'import { renderDigest } from "../src/discord/renderDigest.js";'), []);
});

/*
 * The store owns every query (eslint/storeOwnsQueries.js): outside src/store no LanceDB import, no call on a
 * LanceDB object and no SQL. The syntactic checks run without type information; one test runs with it, as
 * `npm run lint` does, for the calls on LanceDB objects however they were obtained.
 */
const storeRule = ({ ruleId }: { ruleId: string }) => ruleId === "paperbot/store-owns-queries";
const untyped = new ESLint({
  cwd: PROJECT_ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: storeRule,
});

async function storeErrors(filePath: string, code: string, linter = untyped): Promise<number[]> {
  const [result] = await linter.lintText(code, { filePath });
  return [...new Set((result?.messages ?? []).map((m) => m.line))];
}

const SQL_OUTSIDE = [
  'import { connect } from "@lancedb/lancedb";',
  'import { sqlString } from "../store/sql.js";',
  'import * as sql from "../store/sql.js";',
  "export const ids = (list: string) => `paperId IN (${list})`;",
  'export const dated = "publishedAt IS NOT NULL";',
  "export const channel = (id: string) => `channelId = ${id}`;",
  "export const since = \"publishedAt >= '2024-01-01'\";",
  "export const listed = \"record LIKE '%2025%'\";",
].join("\n");

test("given a module outside src/store that imports LanceDB or the store's quoting, or writes SQL, then lint fails on every such line", async () => {
  for (const path of [
    "src/retrieve/findPaper.ts",
    "src/digest/subscriptions.ts",
    "ingest/runIngest.ts",
    "src/discord/botServices.ts",
    "commands/recent.ts",
  ]) {
    assert.deepEqual(await storeErrors(path, SQL_OUTSIDE), [1, 2, 3, 4, 5, 6, 7, 8], path);
  }
});

test("given the same in src/store, or typed filters and prose elsewhere, then the store rule is quiet", async () => {
  assert.deepEqual(await storeErrors("src/store/paperStore.ts", SQL_OUTSIDE), []);
  const prose = [
    'import { restricts, type PaperFilters } from "../store/sql.js";',
    "export const window: PaperFilters = { publishedAfter: '2024-01-01', datedOnly: true };",
    "export const notice = (ms: number) => `took ${ms} ms; a score >= the best one wins, in (at most) 3 tries`;",
    'export const hint = "Use HH:MM, 24-hour (e.g. 09:00); the answer is null when unknown.";',
    "export const any = restricts(window);",
  ].join("\n");
  assert.deepEqual(await storeErrors("src/retrieve/recentPapers.ts", prose), []);
});

test("given a call on a LanceDB table obtained from the store, outside src/store, then the type-aware lint fails on it", async () => {
  const typed = new ESLint({ cwd: PROJECT_ROOT, ruleFilter: storeRule });
  const code = [
    'import type { PaperStore } from "../store/paperStore.js";',
    "export async function titles(store: PaperStore) {",
    "  const table = store.papers();",
    "  await table.countRows();",
    "  return store.paperTitles();",
    "}",
  ].join("\n");
  assert.deepEqual(await storeErrors("src/retrieve/findPaper.ts", code, typed), [4]);
  assert.deepEqual(await storeErrors("src/store/lastWrite.ts", code, typed), []);
});
