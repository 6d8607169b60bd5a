/**
 * Our validated params → what a given upstream (dialect) and upstream action name expect: message
 * ids mapped back to the upstream's, messages always sent as arrays, explicit values for the
 * defaults that differ between implementations, renamed parameters per server.
 */
import { BridgeError, notFound } from '../../errors';
import { messageToSegments } from '../../core/segments';
import type { Params, Segment } from '../../core/types';
import type { Dialect } from './dialects';
import type { IdEntry, IdMap } from './id-map';

export interface ParamsContext {
  dialect: Dialect;
  ids: IdMap;
  /** The folder a group file was last listed in. */
  fileFolder(fileId: string): string | undefined;
  /** A helper call to the same upstream (e.g. to learn the bot's nickname). */
  lookup(action: string, params: Params): Promise<unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Our message id → the upstream's entry; ids the map never saw pass through while the upstream uses numbers. */
export function messageIdToUpstream(id: unknown, ctx: ParamsContext): IdEntry {
  const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : NaN;
  if (!Number.isInteger(n)) return { upstream: id };
  const entry = ctx.ids.toUpstream(n);
  if (entry) return entry;
  if (ctx.dialect.stringIds) throw notFound(`message ${n} is unknown (too old, or never seen by this bridge)`);
  return { upstream: n };
}

function segmentsToUpstream(segs: Segment[], ctx: ParamsContext): Segment[] {
  return segs.map((s) => {
    const data: Record<string, unknown> = { ...(s.data ?? {}) };
    if (s.type === 'reply' && data.id !== undefined) data.id = messageIdToUpstream(data.id, ctx).upstream;
    if (s.type === 'node') {
      if (data.id !== undefined && data.content === undefined && data.message === undefined) data.id = messageIdToUpstream(data.id, ctx).upstream;
      const content = data.content ?? data.message;
      if (content !== undefined) {
        const inner = segmentsToUpstream(messageToSegments(content), ctx);
        data.content = inner;
        delete data.message;
      }
      // Implementations read either spelling: send both.
      const uid = data.user_id ?? data.uin;
      const name = data.nickname ?? data.name;
      if (uid !== undefined) {
        data.user_id = String(uid);
        data.uin = String(uid);
      }
      if (name !== undefined) {
        data.nickname = name;
        data.name = name;
      }
    }
    return { type: s.type, data };
  });
}

type ParamRule = (p: Params, ctx: ParamsContext, target: string) => Params | Promise<Params>;

/** `message_id` params name our ids: hand the upstream its own. */
const mapMessageId: ParamRule = (p, ctx) => (p.message_id === undefined ? p : { ...p, message_id: messageIdToUpstream(p.message_id, ctx).upstream });

const withMessage: ParamRule = (p, ctx) => {
  const out = mapMessageId(p, ctx, '') as Params;
  for (const key of ['message', 'messages']) {
    if (out[key] === undefined) continue;
    out[key] = segmentsToUpstream(messageToSegments(out[key], out.auto_escape === true), ctx);
  }
  // The message is an array now: auto_escape would only confuse a CQ-less upstream.
  delete out.auto_escape;
  return out;
};

const history: ParamRule = async (p, ctx) => {
  const out: Params = { ...p };
  const anchor = p.message_id !== undefined ? messageIdToUpstream(p.message_id, ctx).upstream : undefined;
  if (p.reverse_order !== undefined) out.reverseOrder = p.reverse_order;
  switch (ctx.dialect.historyAnchor) {
    case 'id':
      if (anchor !== undefined) out.message_id = anchor;
      delete out.message_seq;
      break;
    case 'id-as-seq':
      // NapCat/LLOneBot read `message_seq` as a message id.
      if (anchor !== undefined) out.message_seq = anchor;
      delete out.message_id;
      break;
    case 'seq':
      if (anchor !== undefined && p.message_seq === undefined) {
        const msg = await ctx.lookup('get_msg', { message_id: anchor });
        if (isObject(msg) && msg.message_seq !== undefined) out.message_seq = msg.message_seq;
      }
      delete out.message_id;
      break;
    default:
      if (anchor !== undefined) out.message_id = anchor;
  }
  return out;
};

const emojiLike =
  (set: boolean): ParamRule =>
  (p, ctx, target) => {
    const entry = messageIdToUpstream(p.message_id, ctx);
    const isSet = set && p.set !== false;
    if (target === 'set_group_reaction') {
      const group = entry.peer?.startsWith('group:') ? Number(entry.peer.slice(6)) : undefined;
      if (!group) throw new BridgeError('unsupported', 'this upstream reacts only to group messages it has seen', { not_supported: true });
      return { group_id: group, message_id: entry.upstream, code: String(p.emoji_id), is_add: isSet };
    }
    return { ...p, message_id: entry.upstream, ...(target === 'set_msg_emoji_like' ? { set: isSet } : {}) };
  };

const FILE_TARGET_KEYS = ['target_directory', 'target_parent_directory', 'parent_id'];

/** Per action: how our params become the upstream's. Unlisted actions go as they are. */
const PARAMS: Record<string, ParamRule> = {
  send_private_msg: withMessage,
  send_group_msg: withMessage,
  send_msg: withMessage,
  send_group_forward_msg: withMessage,
  send_private_forward_msg: withMessage,
  send_forward_msg: withMessage,
  delete_msg: mapMessageId,
  get_msg: mapMessageId,
  set_essence_msg: mapMessageId,
  delete_essence_msg: mapMessageId,
  mark_msg_as_read: mapMessageId,
  forward_friend_single_msg: mapMessageId,
  forward_group_single_msg: mapMessageId,
  get_forward_msg: (p, ctx) => {
    // A forward's resid is a string; a number is the id of a message that holds one.
    const id = /^\d+$/.test(String(p.id)) && ctx.ids.toUpstream(Number(p.id)) ? ctx.ids.toUpstream(Number(p.id))?.upstream : p.id;
    return { ...p, id, message_id: id };
  },
  get_group_msg_history: history,
  get_friend_msg_history: history,
  set_msg_emoji_like: emojiLike(true),
  unset_msg_emoji_like: emojiLike(false),
  // NapCat's default duration is 0 (= lift the ban): never leave it to the upstream.
  set_group_ban: (p) => ({ ...p, duration: p.duration ?? 1800 }),
  // NapCat and LLOneBot require all three.
  set_online_status: (p) => ({ ...p, ext_status: p.ext_status ?? 0, battery_status: p.battery_status ?? 100 }),
  set_qq_profile: async (p, ctx) => {
    if (p.nickname !== undefined || !ctx.dialect.profileNeedsNickname) return p;
    const me = await ctx.lookup('get_login_info', {});
    return { ...p, nickname: isObject(me) ? String(me.nickname ?? '') : '' };
  },
  set_group_kick_members: (p) => {
    const ids = p.user_id ?? p.user_ids;
    return { ...p, user_id: ids, user_ids: ids };
  },
  move_group_file: (p, ctx) => {
    const out: Params = { group_id: p.group_id, file_id: p.file_id };
    if (p.busid !== undefined) out.busid = p.busid;
    const target = FILE_TARGET_KEYS.map((k) => p[k]).find((v) => v !== undefined) ?? p.parent_directory;
    const current = p.current_parent_directory ?? (target === p.parent_directory ? undefined : p.parent_directory) ?? ctx.fileFolder(String(p.file_id)) ?? '/';
    const { current: curKey, target: targetKey } = ctx.dialect.fileMove;
    out[targetKey] = target;
    if (curKey) out[curKey] = current;
    return out;
  },
  rename_group_file: (p, ctx) => ({ ...p, current_parent_directory: p.current_parent_directory ?? ctx.fileFolder(String(p.file_id)) ?? '/' }),
  delete_friend: (p) => ({ ...p, friend_id: p.user_id }),
};

/** Synchronous unless the rule needs a lookup (then a promise). */
export function paramsToUpstream(action: string, target: string, p: Params, ctx: ParamsContext): Params | Promise<Params> {
  const rule = PARAMS[action];
  return rule ? rule(p, ctx, target) : p;
}
