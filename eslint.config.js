// Lint rules: the recommended sets, plus the ones that catch forgotten promises,
// which matter in a bot where an unawaited rejection can take the process down.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { storeOwnsQueries } from "./eslint/storeOwnsQueries.js";

/** A relative import of an adapter's folder, from anywhere in ingest/ or src/. */
const ADAPTER_IMPORT = /^(\.\.?\/)+(src\/)?(discord|cli|commands)\//;
const CORE_MESSAGE =
  "The core (ingest/, src/ outside src/discord and src/cli) never imports an adapter: return data and let the adapter render it (docs/design.md, Layout).";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The layers: the core (ingest/ and every src/ module outside the adapters) never imports an adapter
    // (src/discord, src/cli, commands/) or discord.js. It returns data; the adapters render it.
    files: ["ingest/**/*.ts", "src/**/*.ts"],
    ignores: ["src/discord/**", "src/cli/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "discord.js", message: CORE_MESSAGE }], patterns: [{ regex: ADAPTER_IMPORT.source, message: CORE_MESSAGE }] },
      ],
      "no-restricted-syntax": ["error", { selector: `ImportExpression[source.value=${ADAPTER_IMPORT}]`, message: CORE_MESSAGE }],
    },
  },
  {
    // The store owns every query: outside src/store nothing calls LanceDB or writes SQL (eslint/storeOwnsQueries.js).
    files: ["ingest/**/*.ts", "src/**/*.ts", "commands/**/*.ts"],
    ignores: ["src/store/**"],
    plugins: { paperbot: { rules: { "store-owns-queries": storeOwnsQueries } } },
    rules: { "paperbot/store-owns-queries": "error" },
  },
  {
    // node:test's test() returns a promise the runner itself awaits.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
);
