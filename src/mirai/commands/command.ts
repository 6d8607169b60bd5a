/** Console commands: cmd/register keeps them in the bridge's registry; cmd/execute runs one as the console. */
import { BridgeError } from '../../errors';
import { commandExecutedEvent, consoleCommandsOf, deliverEvent } from '../command-registry';
import type { CommandSpec, MessageChain } from '../types';

/** The command as a chain; a bare string is taken as its text. */
const asChain = (v: unknown): MessageChain =>
  typeof v === 'string' ? [{ type: 'Plain', text: v }] : (Array.isArray(v) ? v : []).filter((e) => e && typeof e === 'object' && typeof e.type === 'string');

export const CONSOLE_COMMANDS: CommandSpec[] = [
  {
    name: 'cmd_execute',
    http: { method: 'POST', path: '/cmd/execute' },
    webhook: true,
    reply: 'state',
    handler: (ctx, p: { command: unknown }) => {
      const hit = consoleCommandsOf(ctx.mirai).match(asChain(p.command));
      if (!hit) throw new BridgeError('bad_params', 'Execute command error');
      // Run from the console: no friend, no member; every bot's sessions hear it.
      const ev = commandExecutedEvent(hit.command.name, hit.args);
      for (const botId of ctx.core.bots()) deliverEvent(ctx.mirai, botId, ev);
    },
  },
  {
    name: 'cmd_register',
    http: { method: 'POST', path: '/cmd/register' },
    webhook: true,
    reply: 'state',
    handler: (ctx, p: { name: string; alias: string[]; usage: string; description: string }) => {
      const name = p.name.trim();
      if (!name || /\s/.test(name)) throw new BridgeError('bad_params', 'Register command error');
      consoleCommandsOf(ctx.mirai).register({ name, alias: p.alias.map((a) => a.trim()).filter(Boolean), usage: p.usage, description: p.description });
    },
  },
];
