/** Placeholder — owned by the HTTP/command work. */
import type { CommandSpec } from '../types';

export const COMMANDS: CommandSpec[] = [];

/** Index by `name` / `name:subCommand` and by `METHOD /path`; a duplicate throws at boot. */
export function indexCommands(commands: CommandSpec[]): { byName: Map<string, CommandSpec>; byRoute: Map<string, CommandSpec> } {
  const byName = new Map<string, CommandSpec>();
  const byRoute = new Map<string, CommandSpec>();
  for (const c of commands) {
    const key = c.subCommand ? `${c.name}:${c.subCommand}` : c.name;
    if (byName.has(key)) throw new Error(`duplicate mirai command ${key}`);
    byName.set(key, c);
    if (c.http) {
      const r = `${c.http.method} ${c.http.path}`;
      if (byRoute.has(r)) throw new Error(`duplicate mirai route ${r}`);
      byRoute.set(r, c);
    }
  }
  return { byName, byRoute };
}
