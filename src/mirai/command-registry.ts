/**
 * Console commands. There is no mirai console here: `cmd/register` keeps commands in this
 * registry, and both `cmd/execute` and a chat message that names a registered command (by name or
 * alias, with or without the `/` prefix) raise `CommandExecutedEvent` to the bot's sessions.
 */
import { BridgeError } from '../errors';
import type { MessageChain, MiraiEvent, MiraiFriend, MiraiMember, MiraiModel } from './types';

export interface ConsoleCommand { name: string; alias: string[]; usage: string; description: string }

export interface CommandRegistry {
  register(c: ConsoleCommand): void;
  /** The registered command a chain invokes, with the arguments that follow its name. */
  match(chain: MessageChain): { command: ConsoleCommand; args: MessageChain } | undefined;
  list(): ConsoleCommand[];
}

export const COMMAND_PREFIX = '/';
const MAX_COMMANDS = 1024;
const MESSAGE_TYPES = new Set(['FriendMessage', 'GroupMessage', 'TempMessage', 'StrangerMessage']);

/** Split the leading text of a chain into the command word and the argument elements. */
export function splitCommand(chain: MessageChain): { word: string; args: MessageChain } | undefined {
  const elements = chain.filter((e) => e.type !== 'Source' && e.type !== 'Quote');
  const first = elements[0];
  if (!first || first.type !== 'Plain' || typeof first.text !== 'string') return undefined;
  const words = first.text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const args: MessageChain = words.slice(1).map((text) => ({ type: 'Plain', text }));
  for (const e of elements.slice(1)) {
    if (e.type !== 'Plain') args.push(e);
    else for (const text of String(e.text ?? '').split(/\s+/).filter(Boolean)) args.push({ type: 'Plain', text });
  }
  return { word: words[0], args };
}

function createRegistry(): CommandRegistry {
  const byWord = new Map<string, ConsoleCommand>();
  const commands = new Map<string, ConsoleCommand>();
  const strip = (w: string) => (w.startsWith(COMMAND_PREFIX) ? w.slice(COMMAND_PREFIX.length) : w);
  return {
    register(c) {
      if (!commands.has(c.name) && commands.size >= MAX_COMMANDS) throw new BridgeError('bad_params', 'Register command error');
      // Re-registering a name replaces it (MAH overrides existing commands too).
      const old = commands.get(c.name);
      if (old) for (const w of [old.name, ...old.alias]) if (byWord.get(w) === old) byWord.delete(w);
      commands.set(c.name, c);
      for (const w of [c.name, ...c.alias]) byWord.set(strip(w), c);
    },
    match(chain) {
      const split = splitCommand(chain);
      if (!split) return undefined;
      const command = byWord.get(strip(split.word));
      return command && { command, args: split.args };
    },
    list: () => [...commands.values()],
  };
}

const registries = new WeakMap<MiraiModel, CommandRegistry>();

/** Deliver an event the bridge itself raises: to each bound session's queue and to every socket/webhook. */
export function deliverEvent(model: MiraiModel, botId: number, ev: MiraiEvent): void {
  for (const s of model.sessions.sessionsOf(botId)) s.queue?.push(ev);
  model.events.emit('event', botId, ev);
}

export function commandExecutedEvent(name: string, args: MessageChain, from: { friend?: MiraiFriend | null; member?: MiraiMember | null } = {}): MiraiEvent {
  return { type: 'CommandExecutedEvent', name, friend: from.friend ?? null, member: from.member ?? null, args };
}

/**
 * The model's registry. The first registration starts watching chat messages for invocations,
 * so a bridge with no registered command does no work per message.
 */
export function consoleCommandsOf(model: MiraiModel): CommandRegistry {
  let reg = registries.get(model);
  if (reg) return reg;
  const inner = createRegistry();
  let watching = false;
  const onEvent = (botId: number, ev: MiraiEvent) => {
    if (!MESSAGE_TYPES.has(ev.type) || !Array.isArray(ev.messageChain)) return;
    const hit = inner.match(ev.messageChain as MessageChain);
    if (!hit) return;
    const sender = ev.sender as MiraiFriend | MiraiMember;
    const from = ev.type === 'GroupMessage' || ev.type === 'TempMessage' ? { member: sender as MiraiMember } : { friend: sender as MiraiFriend };
    deliverEvent(model, botId, commandExecutedEvent(hit.command.name, hit.args, from));
  };
  reg = {
    ...inner,
    register(c) {
      inner.register(c);
      if (!watching) {
        watching = true;
        model.events.on('event', onEvent);
      }
    },
  };
  registries.set(model, reg);
  return reg;
}
