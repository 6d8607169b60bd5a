/** The mirai command table: every command declared once, read by every mirai face. */
import type { CommandSpec } from '../types';
import { ANNOUNCEMENT_COMMANDS } from './announcement';
import { CONSOLE_COMMANDS } from './command';
import { CONTACT_COMMANDS } from './contact';
import { FILE_COMMANDS } from './file';
import { GROUP_COMMANDS } from './group';
import { MESSAGE_COMMANDS } from './message';
import { REQUEST_COMMANDS } from './request';
import { SESSION_COMMANDS } from './session';
import { UPLOAD_COMMANDS } from './upload';

export const COMMANDS: CommandSpec[] = [
  ...SESSION_COMMANDS,
  ...MESSAGE_COMMANDS,
  ...CONTACT_COMMANDS,
  ...GROUP_COMMANDS,
  ...FILE_COMMANDS,
  ...UPLOAD_COMMANDS,
  ...ANNOUNCEMENT_COMMANDS,
  ...REQUEST_COMMANDS,
  ...CONSOLE_COMMANDS,
];

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
