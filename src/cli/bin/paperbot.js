#!/usr/bin/env node
// `npx paperbot` finds this file in node_modules/.bin and runs it without npm's install
// check for the project's own package (~0.35 s); the CLI itself is the compiled main.ts.
import "../../../dist/src/cli/main.js";
