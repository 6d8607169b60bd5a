/**
 * Upstream event (any dialect) → the bridge's standard OneBot v11 event: array messages, numeric
 * user/group ids, int32 message ids, one spelling per notice. Nothing above the backend sees a dialect.
 */
import { cqToSegments, segmentsToCq } from '../../core/cq-code';
import type { OneBotEvent, Segment } from '../../core/types';
import type { IdMap } from './id-map';

export interface NormaliseContext {
  selfId: number;
  ids: IdMap;
  /** Called when the upstream shows it uses non-numeric message ids. */
  sawStringId?(): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys that hold QQ / group numbers: numeric strings become numbers (guild ids, which are not numbers, are left alone). */
const NUMBER_KEYS = new Set(['self_id', 'user_id', 'group_id', 'operator_id', 'target_id', 'sender_id', 'invitor_id', 'inviter_id', 'uin']);

export function toNumber(v: unknown): unknown {
  return typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
}

/** Coerce the id keys of an object, and of the objects/arrays nested in it. */
export function coerceIds<T>(value: T, depth = 0): T {
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => coerceIds(v, depth + 1)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  // `__proto__` is dropped: assigning it would swap the copy's prototype.
  for (const [k, v] of Object.entries(value)) if (k !== '__proto__') out[k] = NUMBER_KEYS.has(k) ? toNumber(v) : coerceIds(v, depth + 1);
  return out as T;
}

export const peerOf = (m: Record<string, unknown>): string | undefined =>
  m.group_id !== undefined && m.group_id !== null && m.message_type !== 'private'
    ? `group:${m.group_id}`
    : m.user_id !== undefined
      ? `private:${m.message_type === 'private' && m.target_id !== undefined && m.post_type === 'message_sent' ? m.target_id : m.user_id}`
      : undefined;

export function messageIdToOurs(id: unknown, ctx: NormaliseContext, peer?: string): number {
  // A numeric string is the same id as the number (upstreams stringify ids in reply segments).
  const numeric = typeof id === 'string' && /^-?\d{1,10}$/.test(id) && Math.abs(Number(id)) <= 0x80000000;
  if (typeof id === 'string' && !numeric) ctx.sawStringId?.();
  return ctx.ids.toOurs(numeric ? Number(id) : id, peer);
}

/** Any message form (segments, one segment, CQ string) → segments, with the ids inside mapped to ours. */
export function segmentsToStandard(message: unknown, ctx: NormaliseContext, peer?: string, format?: unknown): Segment[] {
  let segs: unknown[];
  if (typeof message === 'string') segs = format === 'array' ? [{ type: 'text', data: { text: message } }] : cqToSegments(message);
  else if (Array.isArray(message)) segs = message;
  else if (isObject(message) && typeof message.type === 'string') segs = [message];
  else segs = [];
  return segs.filter(isObject).map((s) => {
    const data: Record<string, unknown> = isObject(s.data) ? { ...s.data } : {};
    const type = String(s.type);
    if (type === 'reply' && data.id !== undefined) data.id = String(messageIdToOurs(data.id, ctx, peer));
    if (type === 'forward' && data.content !== undefined) data.content = forwardNodesToStandard(data.content, ctx);
    return { type, data };
  });
}

/** One message object (event, `get_msg`, history item) → standard shape. */
export function messageToStandard(raw: Record<string, unknown>, ctx: NormaliseContext): Record<string, unknown> {
  const m = coerceIds(raw);
  const peer = peerOf(m);
  const out: Record<string, unknown> = { ...m };
  if (m.message_id !== undefined) out.message_id = messageIdToOurs(m.message_id, ctx, peer);
  if (m.real_id !== undefined) out.real_id = typeof m.real_id === 'number' && (m.real_id as number) > 0 ? m.real_id : out.message_id;
  out.message = segmentsToStandard(m.message ?? m.content ?? [], ctx, peer, m.message_format);
  if (m.message_format !== undefined) out.message_format = 'array';
  if (isObject(m.sender)) out.sender = coerceIds(m.sender);
  delete out.content;
  return out;
}

/** The nodes of a merged forward, whatever the upstream calls things (see normalise-results for the envelope). */
export function forwardNodesToStandard(nodes: unknown, ctx: NormaliseContext): Record<string, unknown>[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.filter(isObject).map((n) => {
    // A node may be a segment `{type:'node', data:{…}}`, a flat node, or a full message object.
    const node = n.type === 'node' && isObject(n.data) ? n.data : n;
    const sender = isObject(node.sender) ? node.sender : {};
    const user_id = toNumber(sender.user_id ?? node.user_id ?? node.uin ?? 0);
    const nickname = String(sender.nickname ?? node.nickname ?? node.name ?? '');
    const content = segmentsToStandard(node.content ?? node.message ?? [], ctx, undefined, node.message_format);
    // The superset clients read: flat and nested sender, `content` and `message`.
    const out: Record<string, unknown> = {
      time: typeof node.time === 'number' ? node.time : 0,
      user_id,
      nickname,
      sender: { user_id, nickname },
      content,
      message: content,
      raw_message: segmentsToCq(content),
    };
    if (node.message_id !== undefined) out.message_id = messageIdToOurs(node.message_id, ctx);
    return out;
  });
}

type NoticeRule = (n: Record<string, unknown>, ctx: NormaliseContext) => Record<string, unknown>;

const mapMessageId: NoticeRule = (n, ctx) =>
  n.message_id === undefined ? n : { ...n, message_id: messageIdToOurs(n.message_id, ctx, n.group_id !== undefined ? `group:${n.group_id}` : `private:${n.user_id}`) };

/** Per notice spelling: how it becomes the standard one. Notices not listed pass unchanged. */
const NOTICES: Record<string, NoticeRule> = {
  group_recall: mapMessageId,
  friend_recall: mapMessageId,
  essence: mapMessageId,
  // NapCat/LLOneBot carry `is_add`, icqq `sub_type`: emit both.
  group_msg_emoji_like: (n, ctx) => {
    const isAdd = n.is_add !== undefined ? n.is_add !== false : n.sub_type !== 'remove';
    return { ...mapMessageId(n, ctx), is_add: isAdd, sub_type: isAdd ? 'add' : 'remove', likes: Array.isArray(n.likes) ? n.likes : [] };
  },
  // Lagrange's reaction notice is the same event under other names.
  reaction: (n, ctx) => {
    const isAdd = n.sub_type !== 'remove';
    const { code, count, operator_id, ...rest } = mapMessageId(n, ctx);
    return {
      ...rest,
      notice_type: 'group_msg_emoji_like',
      user_id: operator_id ?? n.user_id,
      likes: [{ emoji_id: String(code ?? ''), count: typeof count === 'number' ? count : 1 }],
      is_add: isAdd,
      sub_type: isAdd ? 'add' : 'remove',
    };
  },
  // Lagrange: group_name_change{name}; NapCat: notify/group_name{name_new}.
  group_name_change: (n) => {
    const { name, operator_id, ...rest } = n;
    return { ...rest, notice_type: 'notify', sub_type: 'group_name', user_id: n.user_id ?? operator_id ?? 0, name_new: n.name_new ?? name ?? '' };
  },
  notify: (n) => {
    if (n.sub_type === 'group_name' && n.name_new === undefined) return { ...n, name_new: n.name ?? '' };
    if (n.sub_type === 'poke' || n.sub_type === 'poke_recall') {
      // The friend form sometimes names the poker only in sender_id.
      return { ...n, user_id: n.user_id ?? n.sender_id, target_id: n.target_id ?? n.self_id };
    }
    return n;
  },
};

/**
 * One upstream event → the standard event, or undefined for what the bridge makes itself
 * (meta events: the account reads heartbeats and lifecycle before they get here).
 */
export function upstreamEventToStandard(raw: Record<string, unknown>, ctx: NormaliseContext): OneBotEvent | undefined {
  if (raw.post_type === 'meta_event') return undefined;
  const ev = coerceIds(raw);
  delete ev._post_method;
  if (typeof ev.self_id !== 'number') ev.self_id = ctx.selfId;
  // Some upstreams stamp milliseconds.
  ev.time = typeof ev.time === 'number' ? (ev.time > 1e12 ? Math.floor(ev.time / 1000) : ev.time) : Math.floor(Date.now() / 1000);
  let out: Record<string, unknown> = ev;
  if (ev.post_type === 'message' || ev.post_type === 'message_sent') {
    out = messageToStandard(ev, ctx);
    // The bot's own messages reported as ordinary messages are self messages.
    if (out.post_type === 'message' && out.user_id === out.self_id) out.post_type = 'message_sent';
  } else if (ev.post_type === 'notice') {
    // Own keys only: a notice typed `constructor` or `toString` is not a rule.
    const rule = Object.hasOwn(NOTICES, String(ev.notice_type)) ? NOTICES[String(ev.notice_type)] : undefined;
    if (rule) out = rule(ev, ctx);
  } else if (ev.post_type === 'request') {
    if (ev.flag !== undefined) out.flag = String(ev.flag);
  } else {
    return undefined;
  }
  return out as OneBotEvent;
}
