/** Helpers the command handlers share: core calls for the command's bot, contact checks, message lookup. */
import { BridgeError, isBridgeError } from '../../errors';
import type { OneBotEvent, Params } from '../../core/types';
import { cachedToPacket, oneBotEventToMirai, oneBotMessageToCached } from '../translate';
import type { CachedMessage, CommandContext, MiraiFriend, MiraiGroup, MiraiMember } from '../types';

export type Data = Record<string, unknown>;

/** Run a OneBot action for the command's bot. */
export function call<T = unknown>(ctx: CommandContext, action: string, params: Params = {}): Promise<T> {
  return ctx.core.call(action, params, { selfId: ctx.botId }) as Promise<T>;
}

/** Whether the core can really run an action here (known, not a stub, the backend has it). */
export function canCall(ctx: CommandContext, action: string): boolean {
  const spec = ctx.core.resolve(action);
  return !!spec && !spec.stub && ctx.core.backend.supports(spec.name);
}

/** Run the first action of a list of equivalent ones that the backend supports. */
export function callFirst<T = unknown>(ctx: CommandContext, options: [string, Params][]): Promise<T> {
  const hit = options.find(([a]) => canCall(ctx, a));
  if (!hit) throw new BridgeError('unsupported', `none of ${options.map(([a]) => a).join(', ')} is supported here`);
  return call<T>(ctx, hit[0], hit[1]);
}

export const asNumber = (v: unknown, fallback = 0): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
};

/** A contact the directory knows (fetched first when missing), or 'not_found' (code 5). */
async function lookup<T>(ctx: CommandContext, raw: unknown, what: string, q: (id: number) => { groupId?: number; userId?: number }, get: (id: number) => T | undefined): Promise<T> {
  const id = asNumber(raw, NaN);
  if (Number.isFinite(id)) {
    await ctx.directory.ensure(ctx.botId, q(id));
    const found = get(id);
    if (found) return found;
  }
  throw new BridgeError('not_found', `no ${what} ${String(raw)}`);
}

export const requireGroup = (ctx: CommandContext, groupId: unknown): Promise<MiraiGroup> =>
  lookup(ctx, groupId, 'group', (id) => ({ groupId: id }), (id) => ctx.directory.group(ctx.botId, id));

export const requireFriend = (ctx: CommandContext, userId: unknown): Promise<MiraiFriend> =>
  lookup(ctx, userId, 'friend', (id) => ({ userId: id }), (id) => ctx.directory.friend(ctx.botId, id));

export async function requireMember(ctx: CommandContext, groupId: unknown, userId: unknown): Promise<MiraiMember> {
  const g = await requireGroup(ctx, groupId);
  return lookup(ctx, userId, `member of group ${g.id}`, (id) => ({ groupId: g.id, userId: id }), (id) => ctx.directory.member(ctx.botId, g.id, id));
}

/** The bot's own role in a group, from the core (fresh: permission checks depend on it). */
export async function botRole(ctx: CommandContext, groupId: number): Promise<string> {
  const me = await call<Data>(ctx, 'get_group_member_info', { group_id: groupId, user_id: ctx.botId, no_cache: true }).catch(() => null);
  return String(me?.role ?? 'member');
}

const RANK: Record<string, number> = { member: 0, admin: 1, owner: 2, MEMBER: 0, ADMINISTRATOR: 1, OWNER: 2 };

/**
 * What the bot's role must allow, checked as mirai does before asking the backend (code 10), so
 * every backend answers alike: some upstreams report success for an operation QQ silently refused.
 * `over`: the bot must also outrank this member (mute, kick).
 */
export async function requireRole(ctx: CommandContext, groupId: number, least: 'admin' | 'owner', over?: MiraiMember): Promise<void> {
  const mine = RANK[await botRole(ctx, groupId)] ?? 0;
  if (mine < RANK[least]) throw new BridgeError('permission', `the bot is not ${least} of group ${groupId}`);
  if (over && over.id !== ctx.botId && mine <= (RANK[over.permission] ?? 0)) throw new BridgeError('permission', `the bot does not outrank ${over.id} in group ${groupId}`);
}

/** A get_msg result as the message event it was. */
function storedToEvent(ctx: CommandContext, d: Data): OneBotEvent {
  const sender = (d.sender ?? {}) as Data;
  const userId = asNumber(d.user_id ?? sender.user_id);
  const self = userId === ctx.botId;
  const group = d.message_type === 'group' || d.group_id !== undefined;
  return {
    ...d,
    time: asNumber(d.time, Math.floor(Date.now() / 1000)),
    self_id: ctx.botId,
    post_type: self ? 'message_sent' : 'message',
    message_type: group ? 'group' : 'private',
    sub_type: d.sub_type ?? (group ? 'normal' : 'friend'),
    message_id: asNumber(d.message_id),
    user_id: userId,
    message: Array.isArray(d.message) ? d.message : [],
    raw_message: d.raw_message ?? '',
    font: d.font ?? 0,
    sender: { user_id: userId, nickname: '', ...sender },
  };
}

/**
 * The message a recall / setEssence names: `{target, messageId}` (2.6+), or MAH 1.x's
 * `{target: messageId}` that mirai-ts still sends.
 */
export function messageRefOf(p: { target?: number; messageId?: number }): { messageId: number; contextId?: number } {
  if (p.messageId !== undefined) return { messageId: p.messageId, contextId: p.target };
  if (p.target !== undefined) return { messageId: p.target };
  throw new BridgeError('bad_params', '参数错误，缺少字段: messageId');
}

/**
 * A message by id, in a context (friend QQ or group id) or any: the cache first, then the core's
 * `get_msg` (messages from before the bridge started, or evicted). Misses throw not_found (5).
 * `senderAsContext`: the context may also name the message's sender (mirai-ts recalls a group
 * message with the sender's QQ as target; ids are unique across contexts here, so that is safe).
 */
export async function findMessage(ctx: CommandContext, messageId: number, contextId?: number, opts: { senderAsContext?: boolean } = {}): Promise<CachedMessage> {
  const inContext = (m: CachedMessage | undefined | null) =>
    !!m && (contextId === undefined || m.contextId === contextId || (!!opts.senderAsContext && m.senderId === contextId));
  const cached = ctx.mirai.cache.get(ctx.botId, messageId, contextId) ?? (opts.senderAsContext && contextId !== undefined ? ctx.mirai.cache.get(ctx.botId, messageId) : undefined);
  if (cached && inContext(cached)) return cached;
  const miss = () => new BridgeError('not_found', `message ${messageId} not found`);
  let data: Data;
  try {
    data = await call<Data>(ctx, 'get_msg', { message_id: messageId });
  } catch (e) {
    if (isBridgeError(e) && e.kind !== 'internal') throw miss();
    throw e;
  }
  const m = data && typeof data === 'object' ? await storedToCached(ctx, data) : null;
  if (!m || !inContext(m)) throw miss();
  ctx.mirai.cache.record(m);
  return m;
}

/** A stored OneBot message (get_msg / history item) as a cache entry, through the event translators. */
export async function storedToCached(ctx: CommandContext, data: Data): Promise<CachedMessage | null> {
  const ev = storedToEvent(ctx, data);
  const { mirai, directory } = ctx;
  const groupId = asNumber(ev.group_id, NaN);
  await directory.ensure(ctx.botId, Number.isFinite(groupId) ? { groupId, userId: asNumber(ev.user_id) } : { userId: asNumber(ev.user_id) });
  const eventCtx = {
    botId: ctx.botId, directory, media: mirai.media, requests: mirai.requests,
    resolveMessage: (id: number, c?: number) => mirai.cache.get(ctx.botId, id, c),
  };
  const packet = oneBotEventToMirai(ev, eventCtx, { extraEvents: false })[0];
  return packet ? oneBotMessageToCached(ev, packet, ctx.botId) : null;
}

/**
 * The packet messageFromId / roamingMessages answer for a cached message. The bot's own messages
 * (sent here or synced from another device) come back as ordinary packets with the bot as sender.
 */
export async function packetOf(ctx: CommandContext, m: CachedMessage): Promise<Data> {
  if (m.packet && !m.self) return m.packet;
  // The member the packet shows: a group message's sender, a temp chat's other party.
  await ctx.directory.ensure(ctx.botId, m.kind === 'group' ? { groupId: m.groupId, userId: m.senderId } : m.kind === 'temp' ? { groupId: m.groupId, userId: m.contextId } : { userId: m.contextId });
  return cachedToPacket({ ...m, packet: undefined }, { directory: ctx.directory });
}
