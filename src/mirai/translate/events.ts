/**
 * OneBot events → mirai events (§7). Only MAH's own event types go out; notices with no MAH
 * counterpart produce nothing unless `extraEvents` is set. Message packets also feed the message
 * cache (`oneBotMessageToCached`) and are rebuilt from it (`cachedToPacket`).
 */
import { cqToSegments } from '../../core/cq-code';
import type { OneBotEvent, Segment } from '../../core/types';
import type { CachedMessage, ContactDirectory, MediaRegistry, MessageChain, MiraiEvent, MiraiMember, MiraiObject, RequestRegistry } from '../types';
import { roleToPermission } from './contacts';
import { segmentsToChain } from './chain';
import { createLookup, type Lookup } from './events-lookup';
import { NOTICES, REQUESTS, extraEvent } from './events-notice';
import { entry, int, isRecord, str } from './util';

export interface EventContext {
  botId: number;
  directory: ContactDirectory;
  media: MediaRegistry;
  requests: RequestRegistry;
  /** Quote resolution for `reply` segments: the cached message, if any. */
  resolveMessage(messageId: number, contextId?: number): CachedMessage | undefined;
}

function segmentsOf(message: unknown): Segment[] {
  // Events reach the core as arrays; a CQ string from a lenient upstream is parsed all the same.
  if (typeof message === 'string') return cqToSegments(message);
  if (Array.isArray(message)) return message.filter(isRecord) as unknown as Segment[];
  if (isRecord(message)) return [message as unknown as Segment];
  return [];
}

/** The quoted message of a `reply` segment: from the cache when known, else what the segment says. */
function quoteOf(reply: Segment, ctx: EventContext, contextId: number, groupId: number): MiraiObject {
  const d = isRecord(reply.data) ? reply.data : {};
  const id = int(d.id);
  const hit = ctx.resolveMessage(id, contextId) ?? ctx.resolveMessage(id);
  if (hit) {
    return {
      type: 'Quote', id, senderId: hit.senderId, targetId: hit.targetId, groupId: hit.kind === 'group' ? hit.groupId : 0,
      origin: hit.chain.filter((el) => el.type !== 'Quote' && el.type !== 'Source'),
    };
  }
  const senderId = int(d.qq ?? d.user_id);
  const targetId = groupId ? groupId : senderId === 0 ? 0 : senderId === ctx.botId ? contextId : ctx.botId;
  return { type: 'Quote', id, senderId, targetId, groupId, origin: [] };
}

/** Source first, then Quote (when the message replies), then the content. */
function messageChainOf(ev: OneBotEvent, ctx: EventContext, contextId: number, groupId: number): MessageChain {
  const segments = segmentsOf(ev.message);
  const chain: MessageChain = [{ type: 'Source', id: int(ev.message_id), time: int(ev.time) }];
  const reply = segments.find((s) => s.type === 'reply' || s.type === 'quote');
  if (reply) chain.push(quoteOf(reply, ctx, contextId, groupId));
  chain.push(...segmentsToChain(segments.filter((s) => s !== reply), ctx));
  return chain;
}

/** A message's `sender` is fresher than the directory (cards change without a notice on some backends). */
function withSender(m: MiraiMember, sender: Record<string, unknown>): MiraiMember {
  const name = str(sender.card) || str(sender.nickname);
  const out = { ...m };
  if (name) out.memberName = name;
  if (typeof sender.role === 'string' && sender.role) out.permission = roleToPermission(sender.role);
  if (typeof sender.title === 'string') out.specialTitle = sender.title;
  return out;
}

function messagePacket(ev: OneBotEvent, look: Lookup, ctx: EventContext): MiraiEvent[] {
  const sender = isRecord(ev.sender) ? ev.sender : {};
  const userId = int(ev.user_id ?? sender.user_id);
  const sync = ev.post_type === 'message_sent' || userId === ctx.botId;
  const groupId = int(ev.group_id ?? sender.group_id);
  if (ev.message_type === 'group') {
    if (!groupId) return [];
    const messageChain = messageChainOf(ev, ctx, groupId, groupId);
    return [sync
      ? { type: 'GroupSyncMessage', messageChain, subject: look.group(groupId) }
      : { type: 'GroupMessage', messageChain, sender: withSender(look.member(groupId, userId, sender), sender) }];
  }
  if (ev.message_type !== 'private') return [];
  const peer = sync ? int(ev.target_id ?? ev.peer_id) : userId;
  if (!peer) return [];
  const sub = str(ev.sub_type);
  const temp = groupId > 0 && (sub === 'group' || sub === 'group_self' || (sub !== 'friend' && !look.isFriend(peer)));
  if (temp) {
    const messageChain = messageChainOf(ev, ctx, peer, groupId);
    return [sync
      ? { type: 'TempSyncMessage', messageChain, subject: look.member(groupId, peer) }
      : { type: 'TempMessage', messageChain, sender: look.member(groupId, userId, sender) }];
  }
  const messageChain = messageChainOf(ev, ctx, peer, 0);
  const friend = sub === 'friend' || look.isFriend(peer);
  const contact = sync ? look.friend(peer) : look.friend(userId, sender);
  if (friend) return [sync ? { type: 'FriendSyncMessage', messageChain, subject: contact } : { type: 'FriendMessage', messageChain, sender: contact }];
  return [sync ? { type: 'StrangerSyncMessage', messageChain, subject: contact } : { type: 'StrangerMessage', messageChain, sender: contact }];
}

/** Zero or more mirai events for one OneBot event (only MAH's own event types; extras behind `extraEvents`). */
function detailKey(ev: OneBotEvent): string {
  if (ev.post_type === 'notice') return ev.notice_type === 'notify' ? `notify.${str(ev.sub_type)}` : str(ev.notice_type);
  if (ev.post_type === 'request') return ev.request_type === 'group' ? `group.${str(ev.sub_type)}` : str(ev.request_type);
  return '';
}

export function oneBotEventToMirai(ev: OneBotEvent, ctx: EventContext, opts: { extraEvents?: boolean } = {}): MiraiEvent[] {
  if (!isRecord(ev)) return [];
  const look = createLookup(ctx.botId, ctx.directory, ev);
  const post = ev.post_type;
  const fn = post === 'message' || post === 'message_sent' ? messagePacket
    : post === 'notice' ? entry(NOTICES, detailKey(ev))
    : post === 'request' ? entry(REQUESTS, detailKey(ev))
    : undefined;
  if (fn) return fn(ev, look, ctx);
  return opts.extraEvents && (ev.post_type === 'notice' || ev.post_type === 'request') ? [extraEvent(ev)] : [];
}

const PACKET_KIND: Record<string, { kind: CachedMessage['kind']; self: boolean }> = {
  GroupMessage: { kind: 'group', self: false }, GroupSyncMessage: { kind: 'group', self: true },
  FriendMessage: { kind: 'friend', self: false }, FriendSyncMessage: { kind: 'friend', self: true },
  TempMessage: { kind: 'temp', self: false }, TempSyncMessage: { kind: 'temp', self: true },
  StrangerMessage: { kind: 'stranger', self: false }, StrangerSyncMessage: { kind: 'stranger', self: true },
};

/** For message packets: what the message cache stores (null for non-message events). */
export function oneBotMessageToCached(ev: OneBotEvent, packet: MiraiEvent, botId: number): CachedMessage | null {
  const k = entry(PACKET_KIND, str(packet.type));
  if (!k || !Array.isArray(packet.messageChain)) return null;
  const full = packet.messageChain as MessageChain;
  const source = full[0]?.type === 'Source' ? full[0] : undefined;
  const chain = source ? full.slice(1) : full;
  const contact = (k.self ? packet.subject : packet.sender) as Record<string, unknown> | undefined;
  const contactId = int(contact?.id);
  const messageId = source ? int(source.id) : int(ev.message_id);
  const time = source ? int(source.time) : int(ev.time);
  if (k.kind === 'group') {
    const groupId = k.self ? contactId : int(isRecord(contact?.group) ? contact.group.id : ev.group_id);
    return {
      botId, messageId, contextId: groupId, kind: 'group', senderId: k.self ? botId : contactId, targetId: groupId, groupId,
      time, chain, packet, self: k.self,
    };
  }
  const groupId = k.kind === 'temp' && isRecord(contact?.group) ? int(contact.group.id) : 0;
  return {
    botId, messageId, contextId: contactId, kind: k.kind, senderId: k.self ? botId : contactId, targetId: k.self ? contactId : botId,
    groupId, time, chain, packet, self: k.self,
  };
}

/** messageFromId of a cached message: the pushed packet, or one rebuilt with the bot as sender for its own sends. */
export function cachedToPacket(m: CachedMessage, ctx: { directory: ContactDirectory }): MiraiEvent {
  if (m.packet) return m.packet;
  const look = createLookup(m.botId, ctx.directory);
  const messageChain: MessageChain = [{ type: 'Source', id: m.messageId, time: m.time }, ...m.chain];
  switch (m.kind) {
    case 'group':
      return { type: 'GroupMessage', messageChain, sender: look.member(m.groupId, m.senderId) };
    case 'temp':
      return { type: 'TempMessage', messageChain, sender: look.member(m.groupId, m.self ? m.targetId : m.senderId) };
    case 'friend':
      return { type: 'FriendMessage', messageChain, sender: look.friend(m.senderId) };
    default:
      return { type: 'StrangerMessage', messageChain, sender: look.friend(m.senderId) };
  }
}
