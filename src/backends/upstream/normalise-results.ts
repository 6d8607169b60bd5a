/**
 * Upstream action results (any dialect) → the shapes our action table promises: message ids mapped
 * to ours, forward and history envelopes unified, duplicated key spellings filled in both ways.
 */
import type { Params } from '../../core/types';
import { coerceIds, forwardNodesToStandard, messageIdToOurs, messageToStandard, type NormaliseContext } from './normalise-events';

export interface ResultContext extends NormaliseContext {
  /** Remember which folder a group file is in (move/rename need it on some upstreams). */
  rememberFile(fileId: string, folderId: string): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type ResultRule = (data: unknown, params: Params, ctx: ResultContext) => unknown;

const peerOfParams = (p: Params): string | undefined =>
  p.group_id !== undefined && p.message_type !== 'private' ? `group:${p.group_id}` : p.user_id !== undefined ? `private:${p.user_id}` : undefined;

/** `{message_id}` of a send; forward sends also carry the resid under both names. */
const sent: ResultRule = (data, params, ctx) => {
  if (!isObject(data)) return data;
  const out = { ...data };
  if (out.message_id !== undefined && out.message_id !== null) out.message_id = messageIdToOurs(out.message_id, ctx, peerOfParams(params));
  const resid = out.forward_id ?? out.res_id;
  if (resid !== undefined) {
    out.forward_id = String(resid);
    out.res_id = String(resid);
  }
  return out;
};

const history: ResultRule = (data, _p, ctx) => {
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.messages) ? data.messages : [];
  return { messages: list.filter(isObject).map((m) => messageToStandard(m, ctx)) };
};

/** `messages` ‖ `message` ‖ `content`; nodes flat, nested or as segments — emit the superset the sandbox emits. */
const forward: ResultRule = (data, _p, ctx) => {
  const raw = Array.isArray(data) ? data : isObject(data) ? (data.messages ?? data.message ?? data.content) : [];
  const messages = forwardNodesToStandard(raw, ctx);
  return {
    messages,
    message: messages.map((n) => ({ type: 'node', data: { user_id: n.user_id, nickname: n.nickname, content: n.content } })),
  };
};

const fileListing: ResultRule = (data, params, ctx) => {
  const d = isObject(data) ? data : {};
  const folder = String(params.folder_id ?? params.folder ?? '/');
  const files = (Array.isArray(d.files) ? d.files : []).filter(isObject).map((f) => {
    const size = f.file_size ?? f.size ?? 0;
    if (typeof f.file_id === 'string') ctx.rememberFile(f.file_id, folder);
    return { ...coerceIds(f), group_id: toGroupId(f.group_id, params), file_size: size, size };
  });
  const folders = (Array.isArray(d.folders) ? d.folders : []).filter(isObject).map((f) => ({
    ...coerceIds(f),
    group_id: toGroupId(f.group_id, params),
    folder_id: f.folder_id ?? f.folder,
    folder_name: f.folder_name ?? f.name,
  }));
  return { ...d, files, folders };
};

// icqq puts group_id 0 inside listings: the group asked about is the real one.
const toGroupId = (v: unknown, params: Params) => (typeof v === 'number' && v > 0 ? v : (params.group_id ?? v));

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);

/**
 * `get_group_system_msg`: go-cqhttp answers `null` lists when empty; Lagrange only has
 * `get_group_requests`, a bare array of request events (`sub_type` add|invite, `flag`), which
 * becomes the two lists with the flag as `request_id` (what set_group_add_request takes).
 */
const groupSystemMsg: ResultRule = (data) => {
  if (Array.isArray(data)) {
    const reqs = list(data).map((r) => coerceIds(r));
    const common = (r: Record<string, unknown>) => ({
      request_id: String(r.flag ?? ''), flag: String(r.flag ?? ''), group_id: r.group_id, group_name: String(r.group_name ?? ''), checked: false, actor: 0,
    });
    return {
      invited_requests: reqs.filter((r) => r.sub_type === 'invite').map((r) => ({
        ...common(r), invitor_uin: r.invitor_id ?? r.user_id, invitor_nick: String(r.nickname ?? ''),
      })),
      join_requests: reqs.filter((r) => r.sub_type !== 'invite').map((r) => ({
        ...common(r), requester_uin: r.user_id, requester_nick: String(r.nickname ?? ''), message: String(r.comment ?? ''),
      })),
    };
  }
  const d = isObject(data) ? coerceIds(data) : {};
  return { ...d, invited_requests: list(d.invited_requests), join_requests: list(d.join_requests) };
};

/**
 * `get_friends_with_category`: icqq answers snake_case `{category_id, category_name, friends}`,
 * NapCat/LLOneBot camelCase `{categoryId, categoryName, categoryMbCount, buddyList}`: emit both, as the sandbox does.
 */
const friendsWithCategory: ResultRule = (data) =>
  list(data)
    .map((raw) => {
      const c = coerceIds(raw);
      const id = toNumberish(c.category_id ?? c.categoryId);
      const name = String(c.category_name ?? c.categoryName ?? '');
      const buddies = list(c.friends ?? c.buddyList).map((f) => ({
        ...f, user_id: f.user_id ?? f.uin, nickname: String(f.nickname ?? f.nick ?? ''), remark: String(f.remark ?? ''),
      }));
      return {
        ...c,
        category_id: id, category_name: name,
        friends: buddies.map(({ user_id, nickname, remark }) => ({ user_id, nickname, remark })),
        categoryId: id, categoryName: name,
        categoryMbCount: typeof c.categoryMbCount === 'number' ? c.categoryMbCount : buddies.length,
        buddyList: buddies,
      };
    })
    .sort((a, b) => Number(a.category_id) - Number(b.category_id));

const toNumberish = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);

/**
 * `get_recent_contact` (NapCat): the newest message of each row is a message event (ids mapped to ours);
 * uins, times and ids stay the strings NapCat sends.
 */
const recentContacts: ResultRule = (data, _p, ctx) =>
  list(data).map((c) => ({
    ...c,
    ...(isObject(c.lastestMsg) ? { lastestMsg: messageToStandard(c.lastestMsg, ctx) } : {}),
    peerUin: String(c.peerUin ?? ''),
  }));

/** Doubtful friend requests: every field a string, as NapCat and LLOneBot send them (not coerced: `uin` stays a string). */
const DOUBT_KEYS = ['flag', 'uin', 'nick', 'source', 'reason', 'msg', 'group_code', 'time'];
const doubtRequests: ResultRule = (data) =>
  list(data).map((r) => ({ ...r, ...Object.fromEntries(DOUBT_KEYS.map((k) => [k, String(r[k] ?? '')])), type: String(r.type ?? 'doubt') }));

/** Per action: how its result becomes ours. Actions not listed only get their id keys coerced. */
const RESULTS: Record<string, ResultRule> = {
  send_private_msg: sent,
  send_group_msg: sent,
  send_msg: sent,
  send_group_forward_msg: sent,
  send_private_forward_msg: sent,
  send_forward_msg: sent,
  forward_friend_single_msg: sent,
  forward_group_single_msg: sent,
  get_msg: (data, _p, ctx) => (isObject(data) ? messageToStandard(data, ctx) : data),
  get_group_msg_history: history,
  get_friend_msg_history: history,
  get_forward_msg: forward,
  get_essence_msg_list: (data, params, ctx) =>
    Array.isArray(data)
      ? data.filter(isObject).map((e) => {
          const item = coerceIds(e);
          return item.message_id === undefined ? item : { ...item, message_id: messageIdToOurs(item.message_id, ctx, peerOfParams(params)) };
        })
      : data,
  get_group_root_files: fileListing,
  get_group_files_by_folder: fileListing,
  get_group_system_msg: groupSystemMsg,
  get_friends_with_category: friendsWithCategory,
  get_recent_contact: recentContacts,
  get_doubt_friends_add_request: doubtRequests,
  // One operation under two names (see NAME_GROUPS): each answers in its own shape whichever name served it.
  trans_group_file: (data) => (isObject(data) && typeof data.ok === 'boolean' ? data : { ok: true }),
  set_group_file_forever: () => null,
  get_credentials: (data) => (isObject(data) ? { ...data, csrf_token: data.csrf_token ?? data.token, token: data.token ?? data.csrf_token } : data),
  // NapCat names these `uin` / `nick_name`.
  get_unidirectional_friend_list: (data) =>
    Array.isArray(data)
      ? data.filter(isObject).map((f) => coerceIds({ ...f, user_id: f.user_id ?? f.uin, nickname: f.nickname ?? f.nick_name }))
      : data,
};

export function resultToStandard(action: string, data: unknown, params: Params, ctx: ResultContext): unknown {
  const rule = RESULTS[action];
  return rule ? rule(data, params, ctx) : coerceIds(data);
}

