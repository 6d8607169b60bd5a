/** Sending, quoting, recalling and looking up messages; nudges; roaming history. */
import { randomUUID } from 'node:crypto';
import { BridgeError, isBridgeError } from '../../errors';
import type { Segment } from '../../core/types';
import { chainToSegments, segmentsToChain } from '../translate';
import type { CachedMessage, CommandContext, CommandSpec, MessageChain, MiraiObject } from '../types';
import { asNumber, call, callFirst, type Data, findMessage, messageRefOf, packetOf, requireFriend, requireGroup, requireMember, storedToCached } from './util';

type Peer = { kind: 'friend' | 'group' | 'temp'; userId: number; groupId: number };

const contextOf = (p: Peer) => (p.kind === 'group' ? p.groupId : p.userId);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function quoteElement(q: CachedMessage): MiraiObject {
  return { type: 'Quote', id: q.messageId, senderId: q.senderId, targetId: q.targetId, groupId: q.groupId, origin: q.chain.filter((e) => e.type !== 'Quote' && e.type !== 'Source') };
}

const asSegments = (v: unknown): Segment[] => (Array.isArray(v) ? (v as Segment[]) : []);

/** Forward nodes as a received Forward element (every node with all six keys, as MAH emits them). */
function forwardElement(ctx: CommandContext, nodes: Segment[], contextId: number): MiraiObject {
  const toChain = (segs: Segment[]) => segmentsToChain(segs, { botId: ctx.botId, media: ctx.mirai.media });
  const nodeList = nodes.flatMap((n) => {
    const d = n.data;
    if (d.id !== undefined) {
      const m = ctx.mirai.cache.get(ctx.botId, asNumber(d.id), contextId) ?? ctx.mirai.cache.get(ctx.botId, asNumber(d.id));
      return m ? [{ senderId: m.senderId, time: m.time, senderName: String(m.senderId), messageChain: m.chain, messageId: null, messageRef: null }] : [];
    }
    return [{
      senderId: asNumber(d.user_id ?? d.uin), time: asNumber(d.time, nowSeconds()), senderName: String(d.nickname ?? d.name ?? ''),
      messageChain: toChain(asSegments(d.content ?? d.message)), messageId: null, messageRef: null,
    }];
  });
  return { type: 'Forward', display: null, nodeList };
}

/** The chain to remember for a message we sent: what the receiver would see, Quote first. */
function sentChain(ctx: CommandContext, segments: Segment[], input: unknown, contextId: number, quoted?: CachedMessage): MessageChain {
  let chain: MessageChain;
  try {
    const nodes = segments.filter((s) => s.type === 'node');
    chain = nodes.length ? [forwardElement(ctx, nodes, contextId)] : segmentsToChain(segments.filter((s) => s.type !== 'reply'), { botId: ctx.botId, media: ctx.mirai.media });
  } catch {
    chain = (Array.isArray(input) ? (input as MessageChain) : []).filter((e) => e && e.type !== 'Source' && e.type !== 'Quote');
  }
  return quoted ? [quoteElement(quoted), ...chain] : chain;
}

/** Send a chain (with an optional quote) to a peer, remember it, and return its messageId. */
export async function sendChain(ctx: CommandContext, peer: Peer, chain: unknown, quote?: number): Promise<number> {
  const contextId = contextOf(peer);
  const { mirai, botId } = ctx;
  const resolveMessage = (id: number, c?: number) => mirai.cache.get(botId, id, c);
  let segments = chainToSegments(chain, { botId, media: mirai.media, resolveMessage, contextId });
  let quoted: CachedMessage | undefined;
  if (quote !== undefined) {
    quoted = await findMessage(ctx, quote, contextId);
    segments = [{ type: 'reply', data: { id: quoted.messageId } }, ...segments.filter((s) => s.type !== 'reply')];
  }
  if (!segments.some((s) => s.type !== 'reply')) throw new BridgeError('bad_params', '消息链为空');
  // Muted, as the bot's member record says: code 20 at once, as mirai answers (an upstream may time out).
  const muted = peer.kind === 'group' && mirai.directory.botMuted(botId, peer.groupId);
  if (muted && (await muted)) throw new BridgeError('muted', `the bot is muted in group ${peer.groupId}`);
  const nodes = segments.filter((s) => s.type === 'node');
  // Tracked from the call to the cache entry: an echo of this send arriving early waits for it.
  return mirai.sends.track(botId, async () => {
    let data: Data;
    if (nodes.length) {
      // A Forward element: the merged-forward actions take its nodes; nothing else can ride along.
      data = peer.kind === 'group'
        ? await call<Data>(ctx, 'send_group_forward_msg', { group_id: peer.groupId, messages: nodes })
        : await call<Data>(ctx, 'send_private_forward_msg', { user_id: peer.userId, messages: nodes });
    } else if (peer.kind === 'group') {
      data = await call<Data>(ctx, 'send_group_msg', { group_id: peer.groupId, message: segments });
    } else {
      data = await call<Data>(ctx, 'send_private_msg', { user_id: peer.userId, message: segments, ...(peer.kind === 'temp' ? { group_id: peer.groupId } : {}) });
    }
    const messageId = asNumber(data?.message_id, -1);
    if (messageId !== -1) {
      mirai.cache.record({
        botId, messageId, contextId, kind: peer.kind, senderId: botId,
        targetId: peer.kind === 'group' ? peer.groupId : peer.userId,
        groupId: peer.kind === 'friend' ? 0 : peer.groupId,
        time: nowSeconds(), chain: sentChain(ctx, segments, chain, contextId, quoted), self: true,
      });
    }
    return messageId;
  });
}

/** A friend, or at least a QQ user the account can see (MAH also sends to strangers). */
async function requireUser(ctx: CommandContext, userId: unknown): Promise<number> {
  const id = asNumber(userId, NaN);
  if (!Number.isFinite(id)) throw new BridgeError('not_found', 'no target');
  await ctx.directory.ensure(ctx.botId, { userId: id });
  if (ctx.directory.friend(ctx.botId, id)) return id;
  await call(ctx, 'get_stranger_info', { user_id: id }).catch(() => {
    throw new BridgeError('not_found', `no user ${id}`);
  });
  return id;
}

interface SendParams { target?: number; qq?: number; group?: number; quote?: number; messageChain: unknown }

/** MAH's legacy ids for images sent by URL: `{UUID}.jpg`, remembered so a later Image{imageId} resends them. */
const newImageId = () => `{${randomUUID().toUpperCase()}}.jpg`;

async function imagePeer(ctx: CommandContext, p: { target?: number; qq?: number; group?: number }): Promise<Peer> {
  if (p.target !== undefined) {
    await ctx.directory.ensure(ctx.botId, { userId: p.target });
    if (ctx.directory.friend(ctx.botId, p.target)) return { kind: 'friend', userId: p.target, groupId: 0 };
    const g = await requireGroup(ctx, p.target);
    return { kind: 'group', userId: 0, groupId: g.id };
  }
  if (p.qq !== undefined && p.group !== undefined) return { kind: 'temp', userId: (await requireMember(ctx, p.group, p.qq)).id, groupId: p.group };
  if (p.qq !== undefined) return { kind: 'friend', userId: (await requireFriend(ctx, p.qq)).id, groupId: 0 };
  if (p.group !== undefined) return { kind: 'group', userId: 0, groupId: (await requireGroup(ctx, p.group)).id };
  throw new BridgeError('bad_params', 'target、qq、group不可全为null');
}

/** Roaming window: negative start is 0, an end before the start is the start. */
function roamingWindow(p: { timeStart?: number; timeEnd?: number; start?: number; end?: number }): [number, number] {
  const start = Math.max(0, p.timeStart ?? p.start ?? 0);
  const end = Math.max(start, p.timeEnd ?? p.end ?? Number.MAX_SAFE_INTEGER);
  return [start, end];
}

const HISTORY_PAGE = 50;
const HISTORY_MAX = 1000;

/** Page back through the core's history until the window's start (bounded). */
async function history(ctx: CommandContext, peer: { userId?: number; groupId?: number }, start: number, end: number): Promise<Data[]> {
  const [action, who] = peer.groupId !== undefined ? ['get_group_msg_history', { group_id: peer.groupId }] : ['get_friend_msg_history', { user_id: peer.userId }];
  const seen = new Map<number, Data>();
  let anchor: number | undefined;
  while (seen.size < HISTORY_MAX) {
    const page = await call<{ messages?: Data[] }>(ctx, action, { ...who, count: HISTORY_PAGE, ...(anchor !== undefined ? { message_seq: anchor } : {}) });
    const msgs = (page?.messages ?? []).filter((m) => !seen.has(asNumber(m.message_id)));
    if (!msgs.length) break;
    for (const m of msgs) seen.set(asNumber(m.message_id), m);
    const oldest = msgs.reduce((a, b) => (asNumber(a.time) <= asNumber(b.time) ? a : b));
    if (asNumber(oldest.time) < start || msgs.length < HISTORY_PAGE / 2) break;
    const next = asNumber(oldest.message_seq ?? oldest.message_id, NaN);
    if (!Number.isFinite(next) || next === anchor) break;
    anchor = next;
  }
  return [...seen.values()].filter((m) => asNumber(m.time) >= start && asNumber(m.time) <= end).sort((a, b) => asNumber(a.time) - asNumber(b.time) || asNumber(a.message_id) - asNumber(b.message_id));
}

export const MESSAGE_COMMANDS: CommandSpec[] = [
  {
    name: 'messageFromId',
    http: { method: 'GET', path: '/messageFromId' },
    reply: 'restful',
    handler: async (ctx, p: { messageId?: number; id?: number; target?: number }) => {
      const id = p.messageId ?? p.id;
      if (id === undefined) throw new BridgeError('bad_params', '参数错误，缺少字段: messageId');
      return packetOf(ctx, await findMessage(ctx, id, p.target));
    },
  },
  {
    name: 'sendFriendMessage',
    http: { method: 'POST', path: '/sendFriendMessage' },
    webhook: true,
    reply: 'send',
    handler: async (ctx, p: SendParams) => await sendChain(ctx, { kind: 'friend', userId: await requireUser(ctx, p.target ?? p.qq), groupId: 0 }, p.messageChain, p.quote),
  },
  {
    name: 'sendGroupMessage',
    http: { method: 'POST', path: '/sendGroupMessage' },
    webhook: true,
    reply: 'send',
    handler: async (ctx, p: SendParams) => await sendChain(ctx, { kind: 'group', userId: 0, groupId: (await requireGroup(ctx, p.target ?? p.group)).id }, p.messageChain, p.quote),
  },
  {
    name: 'sendTempMessage',
    http: { method: 'POST', path: '/sendTempMessage' },
    webhook: true,
    reply: 'send',
    handler: async (ctx, p: SendParams) => {
      if (p.qq === undefined || p.group === undefined) throw new BridgeError('not_found', 'sendTempMessage needs qq and group');
      const m = await requireMember(ctx, p.group, p.qq);
      return sendChain(ctx, { kind: 'temp', userId: m.id, groupId: m.group.id }, p.messageChain, p.quote);
    },
  },
  {
    // The bot's other devices are not reachable through OneBot.
    name: 'sendOtherClientMessage',
    http: { method: 'POST', path: '/sendOtherClientMessage' },
    webhook: true,
    reply: 'send',
    handler: () => {
      throw new BridgeError('unsupported', 'other clients are not reachable through OneBot');
    },
  },
  {
    name: 'sendImageMessage',
    http: { method: 'POST', path: '/sendImageMessage' },
    webhook: true,
    reply: 'restful',
    handler: async (ctx, p: { target?: number; qq?: number; group?: number; urls: string[] }) => {
      const peer = await imagePeer(ctx, p);
      const ids = p.urls.map((url) => {
        const id = newImageId();
        ctx.mirai.media.remember('image', id, url);
        return id;
      });
      await sendChain(ctx, peer, p.urls.map((url) => ({ type: 'Image', url })));
      return ids;
    },
  },
  {
    name: 'sendNudge',
    http: { method: 'POST', path: '/sendNudge' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; subject: number; kind: string }) => {
      const kind = p.kind.toLowerCase();
      if (kind === 'group') {
        await requireGroup(ctx, p.subject);
        if (p.target !== ctx.botId) await requireMember(ctx, p.subject, p.target);
        await callFirst(ctx, [['group_poke', { group_id: p.subject, user_id: p.target }], ['send_poke', { group_id: p.subject, user_id: p.target }]]);
      } else if (kind === 'friend' || kind === 'stranger') {
        if (kind === 'friend') await requireFriend(ctx, p.subject);
        else await requireUser(ctx, p.subject);
        await callFirst(ctx, [['friend_poke', { user_id: p.subject, target_id: p.target }], ['send_poke', { user_id: p.subject, target_id: p.target }]]);
      }
      // Any other kind is a no-op that succeeds, as in MAH.
    },
  },
  {
    name: 'recall',
    http: { method: 'POST', path: '/recall' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target?: number; messageId?: number }) => {
      const ref = messageRefOf(p);
      const m = await findMessage(ctx, ref.messageId, ref.contextId, { senderAsContext: true });
      // Known here but gone from the account (already recalled): the object no longer exists.
      await call(ctx, 'delete_msg', { message_id: m.messageId }).catch((e) => {
        throw isBridgeError(e) && (e.kind === 'bad_params' || e.kind === 'not_found') ? new BridgeError('not_found', `message ${m.messageId} is gone`) : e;
      });
    },
  },
  {
    name: 'roamingMessages',
    http: { method: 'POST', path: '/roamingMessages' },
    reply: 'restful',
    handler: async (ctx, p: { timeStart?: number; timeEnd?: number; start?: number; end?: number; target?: number; qq?: number; group?: number }) => {
      const [start, end] = roamingWindow(p);
      let peer: { userId?: number; groupId?: number };
      if (p.target !== undefined) {
        await ctx.directory.ensure(ctx.botId, { userId: p.target });
        peer = ctx.directory.friend(ctx.botId, p.target) ? { userId: p.target } : { groupId: (await requireGroup(ctx, p.target)).id };
      } else if (p.qq !== undefined && p.group !== undefined) {
        throw new BridgeError('rejected', 'temp chats have no roaming messages');
      } else if (p.qq !== undefined) peer = { userId: (await requireFriend(ctx, p.qq)).id };
      else if (p.group !== undefined) peer = { groupId: (await requireGroup(ctx, p.group)).id };
      else throw new BridgeError('not_found', 'no target');
      const out: Data[] = [];
      for (const item of await history(ctx, peer, start, end)) {
        const m = await storedToCached(ctx, item);
        if (m) out.push(await packetOf(ctx, m));
      }
      return out;
    },
  },
];
