/** Conversation history and read marks. */
import { notFound } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import type { StoredMessage } from '../world';
import { personOf } from './group-common';
import { botGroup, conversation, convKey, findMessage, requireFriend, stateOf, storedToOneBot } from './message-model';

/** The most a history page holds, whatever `count` asks. */
const MAX_PAGE = 1000;

interface PageParams { message_seq?: number; message_id?: number; count: number; reverse_order?: boolean }

/** Where a page ends (exclusive). `message_seq` also accepts a message id, as some clients send one there. */
function pageEnd(conv: StoredMessage[], p: PageParams): number {
  if (p.message_seq !== undefined && p.message_seq > 0) {
    const bySeq = conv.findIndex((m) => m.message_seq === p.message_seq);
    if (bySeq >= 0) return bySeq + 1;
    const byId = conv.findIndex((m) => m.message_id === p.message_seq);
    if (byId >= 0) return byId + 1;
    return conv.filter((m) => m.message_seq <= p.message_seq!).length;
  }
  if (p.message_id !== undefined && p.message_id !== 0) {
    const i = conv.findIndex((m) => m.message_id === p.message_id);
    if (i < 0) throw notFound(`message ${p.message_id} is not in this conversation`);
    return i + 1;
  }
  return conv.length;
}

/** `count` messages up to and including the anchor, oldest first (newest first with reverse_order). */
function page(ctx: SandboxContext, conv: StoredMessage[], p: PageParams) {
  const end = pageEnd(conv, p);
  const items = conv.slice(Math.max(0, end - Math.min(p.count, MAX_PAGE)), end).map((m) => storedToOneBot(ctx, m));
  return { messages: p.reverse_order ? items.reverse() : items };
}

function markRead(ctx: SandboxContext, type: 'group' | 'private', peer: number): null {
  const conv = conversation(ctx, type, peer);
  stateOf(ctx.world).read.set(convKey(type, peer), conv.length ? conv[conv.length - 1].message_seq : 0);
  return null;
}

/** QQ NT's chat types, as the recent-contact list numbers them. */
const CHAT_FRIEND = 1, CHAT_GROUP = 2, CHAT_TEMP = 100;

/** One row of the recent-contact list (NapCat's shape: NT strings for uins, times and ids). */
function recentContact(ctx: SandboxContext, m: StoredMessage) {
  const group = m.message_type === 'group' ? ctx.world.groups.get(m.peer_id) : undefined;
  return {
    lastestMsg: storedToOneBot(ctx, m),
    peerUin: String(m.peer_id),
    remark: m.message_type === 'group' ? (group?.remark ?? '') : (ctx.world.friends.get(m.peer_id)?.remark ?? ''),
    msgTime: String(m.time),
    chatType: m.message_type === 'group' ? CHAT_GROUP : m.sub_type === 'group' ? CHAT_TEMP : CHAT_FRIEND,
    msgId: String(m.message_id),
    sendNickName: personOf(ctx, m.user_id).nickname,
    sendMemberName: group?.members.get(m.user_id)?.card ?? '',
    peerName: m.message_type === 'group' ? (group?.group_name ?? '') : personOf(ctx, m.peer_id).nickname,
  };
}

export const HISTORY_HANDLERS: Record<string, Handler> = {
  get_group_msg_history: (ctx, p) => {
    botGroup(ctx, p.group_id);
    return page(ctx, conversation(ctx, 'group', p.group_id), p);
  },
  get_friend_msg_history: (ctx, p) => {
    requireFriend(ctx, p.user_id);
    return page(ctx, conversation(ctx, 'private', p.user_id), p);
  },
  mark_msg_as_read: (ctx, p) => {
    if (p.message_id !== undefined) {
      const m = findMessage(ctx, p.message_id);
      return markRead(ctx, m.message_type, m.peer_id);
    }
    if (p.group_id !== undefined) {
      botGroup(ctx, p.group_id);
      return markRead(ctx, 'group', p.group_id);
    }
    requireFriend(ctx, p.user_id);
    return markRead(ctx, 'private', p.user_id);
  },
  mark_private_msg_as_read: (ctx, p) => {
    requireFriend(ctx, p.user_id);
    return markRead(ctx, 'private', p.user_id);
  },
  mark_group_msg_as_read: (ctx, p) => {
    botGroup(ctx, p.group_id);
    return markRead(ctx, 'group', p.group_id);
  },
  /** The newest live message of each conversation, newest conversation first. */
  get_recent_contact: (ctx, p: { count: number }) => {
    const latest = new Map<string, StoredMessage>();
    for (const m of ctx.world.messages.values()) {
      if (m.recalled) continue;
      const key = convKey(m.message_type, m.peer_id);
      const seen = latest.get(key);
      if (!seen || m.message_seq > seen.message_seq) latest.set(key, m);
    }
    return [...latest.values()].sort((a, b) => b.message_seq - a.message_seq).slice(0, p.count).map((m) => recentContact(ctx, m));
  },
  _mark_all_as_read: (ctx) => {
    const peers = new Set<string>();
    for (const m of ctx.world.messages.values()) peers.add(convKey(m.message_type, m.peer_id));
    for (const key of peers) {
      const [type, peer] = key.split(':');
      markRead(ctx, type as 'group' | 'private', Number(peer));
    }
    return null;
  },
};

/** Unread count of a conversation (the control surface shows it). */
export function unreadCount(ctx: SandboxContext, type: 'group' | 'private', peer: number): number {
  const mark = stateOf(ctx.world).read.get(convKey(type, peer)) ?? 0;
  return conversation(ctx, type, peer).filter((m) => !m.self && m.message_seq > mark).length;
}
