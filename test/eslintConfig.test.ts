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

test("given a core module (src/digest, src/retrieve, src/store, src/answer, src/embeddings, src/) that imports an adapter or discord.js, then lint fails on every such line", async () => {
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
