/**
 * The sandbox's message model: lookups that throw the right BridgeError, the one OneBot shape of a
 * stored message, conversations, and the per-world message state the World type does not carry.
 */
import { createBoundedMap, type BoundedMap } from '../../../bounded';
import { BridgeError, badParams, notFound } from '../../../errors';
import { segmentsToCq } from '../../../core/cq-code';
import type { OneBotEvent } from '../../../core/types';
import type { SandboxContext } from '../context';
import { now, type Group, type Member, type Role, type StoredMessage, type World } from '../world';
import { groupOf, memberOf, personOf } from './group-common';

export interface MediaEntry {
  kind: string;
  /** `<MD5 upper hex>.<ext>`: the name the sandbox gave it (or a received image's own name). */
  name: string;
  url: string;
  size: number;
  /** Where the bytes came from, when that was a local file. */
  path?: string;
}

/** Message-side state of a world: media names, read marks, emoji reactions. Bounded. */
export interface MessageState {
  media: BoundedMap<string, MediaEntry>;
  /** `group:<id>` / `private:<id>` → the last message_seq marked read. */
  read: Map<string, number>;
  /** message_id → emoji_id → who reacted (the most recently reacted-to messages only). */
  likes: BoundedMap<number, Map<string, Set<number>>>;
}

export const MAX_MEDIA = 10_000;
export const MAX_REACTED = 10_000;
export const MAX_TEXT = 4500;

const STATE = new WeakMap<World, MessageState>();
export function stateOf(world: World): MessageState {
  let s = STATE.get(world);
  if (!s) STATE.set(world, (s = { media: createBoundedMap({ capacity: MAX_MEDIA }), read: new Map(), likes: createBoundedMap({ capacity: MAX_REACTED }) }));
  return s;
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };
export const outranks = (a: Member, b: Member) => RANK[a.role] > RANK[b.role];

/** A group the bot is in, and the bot's membership (both 'not_found' otherwise). */
export function botGroup(ctx: SandboxContext, groupId: number): { g: Group; me: Member } {
  const g = groupOf(ctx, groupId);
  const me = g.members.get(ctx.selfId);
  if (!me) throw notFound(`the bot is not in group ${groupId}`);
  return { g, me };
}

/** Whether a member cannot speak now: muted, or a plain member under a whole-group ban. */
export const isMuted = (g: Group, m: Member) => m.shut_up_timestamp > now() || (g.whole_ban && m.role === 'member');

export function requireCanSpeak(g: Group, m: Member, who = 'the bot'): void {
  if (isMuted(g, m)) throw new BridgeError('muted', `${who} is muted in group ${g.group_id}`);
}

export function requireFriend(ctx: SandboxContext, userId: number): void {
  if (!ctx.world.friends.has(userId)) throw notFound(`user ${userId} is not a friend`);
}

/** A live (not recalled) message; an unknown or recalled id is a bad parameter (1400), as OneBot says. */
export function findMessage(ctx: SandboxContext, messageId: number): StoredMessage {
  const m = ctx.world.messages.get(messageId);
  if (!m || m.recalled) throw badParams(`message ${messageId} not found`);
  return m;
}

export function requireGroupMessage(m: StoredMessage): number {
  if (m.message_type !== 'group' || m.group_id === undefined) throw badParams(`message ${m.message_id} is not a group message`);
  return m.group_id;
}

/** The display name QQ shows for someone in a group (card, else nickname). */
export function displayName(ctx: SandboxContext, userId: number, g?: Group): string {
  return g?.members.get(userId)?.card || personOf(ctx, userId).nickname;
}

function senderOf(ctx: SandboxContext, m: StoredMessage): Record<string, unknown> {
  const p = personOf(ctx, m.user_id);
  if (m.message_type === 'private') {
    const s: Record<string, unknown> = { user_id: m.user_id, nickname: p.nickname, sex: p.sex, age: p.age };
    if (m.sub_type === 'group' && m.group_id !== undefined) s.group_id = m.group_id;
    return s;
  }
  // Someone who has left the group since keeps a plain member's sender shape.
  const mem = ctx.world.groups.get(m.peer_id)?.members.get(m.user_id);
  return {
    user_id: m.user_id, nickname: p.nickname, card: mem?.card ?? '', sex: p.sex, age: p.age, area: '',
    level: String(mem?.level ?? p.level), role: mem?.role ?? 'member', title: mem?.title ?? '',
  };
}

/** The one OneBot shape of a stored message: events, get_msg, history and the control surface. */
export function storedToOneBot(ctx: SandboxContext, m: StoredMessage, postType: 'message' | 'message_sent' = 'message'): OneBotEvent {
  const group = m.message_type === 'group';
  // target_id is the receiver: the group, the person the bot wrote to, or the bot.
  const target = group ? m.peer_id : m.self ? m.peer_id : ctx.selfId;
  return {
    self_id: ctx.selfId,
    time: m.time,
    post_type: postType,
    message_type: m.message_type,
    sub_type: m.sub_type,
    message_id: m.message_id,
    real_id: m.message_id,
    message_seq: m.message_seq,
    user_id: m.user_id,
    ...(group ? { group_id: m.peer_id, group_name: ctx.world.groups.get(m.peer_id)?.group_name ?? '', anonymous: null } : {}),
    // A temp session started from a group (temp_source 0, the only kind the sandbox has).
    ...(m.sub_type === 'group' ? { temp_source: 0 } : {}),
    target_id: target,
    message: m.message,
    // The core's stream carries arrays; a face configured for CQ strings rewrites both fields.
    message_format: 'array',
    raw_message: segmentsToCq(m.message),
    font: 0,
    sender: senderOf(ctx, m),
  };
}

/** The live messages of one conversation, oldest first. */
export function conversation(ctx: SandboxContext, type: 'group' | 'private', peerId: number): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (const m of ctx.world.messages.values()) if (!m.recalled && m.message_type === type && m.peer_id === peerId) out.push(m);
  return out.sort((a, b) => a.message_seq - b.message_seq);
}

export const convKey = (type: 'group' | 'private', peerId: number) => `${type}:${peerId}`;

/** Who may see a private conversation: a friend, or a member of a group the bot shares (temp). */
export function requirePrivatePeer(ctx: SandboxContext, userId: number, viaGroup?: number): 'friend' | 'group' {
  if (ctx.world.friends.has(userId)) return 'friend';
  if (viaGroup !== undefined) {
    const { g } = botGroup(ctx, viaGroup);
    memberOf(g, userId);
    return 'group';
  }
  throw notFound(`user ${userId} is not a friend`);
}
