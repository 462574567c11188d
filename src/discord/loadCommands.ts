import { readdir } from "node:fs/promises";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "./command.js";

/** Compiled command modules live in dist/commands, next to dist/src. */
const COMMANDS_DIR = new URL("../../commands/", import.meta.url);

function isCommand(value: unknown): value is Command {
  const c = value as Partial<Command> | undefined;
  return typeof c?.execute === "function" && typeof c.data?.toJSON === "function" && typeof c.data.name === "string";
}

/**
 * Finds every slash command: one module per file in `commands/`, default export
 * `{ data, execute }`, file name = command name (checked, so a rename can't
 * silently register a command under another name).
 */
export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<Map<string, Command>> {
  const files = (await readdir(fileURLToPath(dir))).filter((f) => f.endsWith(".js")).sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { default?: unknown };
    const name = basename(file, ".js");
    if (!isCommand(mod.default)) throw new Error(`commands/${name}: the default export must be { data, execute }`);
    if (mod.default.data.name !== name)
      throw new Error(`commands/${name}: registers "/${mod.default.data.name}"; the file must be named as the command`);
    commands.set(name, mod.default);
  }
  return commands;
}
