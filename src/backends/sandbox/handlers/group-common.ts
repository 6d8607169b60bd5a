/**
 * Shared pieces of the sandbox's group handlers: lookups that throw the right BridgeError, QQ's
 * rank rules, the OneBot shapes of groups, members, files and folders, and the notices a change emits.
 */
import { BridgeError, badParams, notFound } from '../../../errors';
import type { SandboxContext } from '../context';
import { now, type Group, type GroupFile, type GroupFolder, type Member, type Person, type Role } from '../world';

export const ROOT = '/';
/** QQ caps a mute at 30 days. */
export const MAX_MUTE = 30 * 24 * 3600;

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

export function groupOf(ctx: SandboxContext, groupId: number): Group {
  const g = ctx.world.groups.get(groupId);
  if (!g) throw notFound(`group ${groupId} not found`);
  return g;
}

export function memberOf(g: Group, userId: number): Member {
  const m = g.members.get(userId);
  if (!m) throw notFound(`user ${userId} is not a member of group ${g.group_id}`);
  return m;
}

/** The bot's own profile or someone else's; people the world has never seen get a placeholder. */
export function personOf(ctx: SandboxContext, userId: number): Person {
  if (userId === ctx.selfId) return ctx.world.self;
  return ctx.world.people.get(userId) ?? { user_id: userId, nickname: String(userId), sex: 'unknown', age: 0, level: 1, long_nick: '', email: '' };
}

export const nicknameOf = (ctx: SandboxContext, userId: number) => personOf(ctx, userId).nickname;

const roleIn = (g: Group, userId: number): Role | undefined => g.members.get(userId)?.role;
const who = (ctx: SandboxContext, userId: number) => (userId === ctx.selfId ? 'the bot' : `user ${userId}`);

/** The actor must be an admin or the owner of the group. */
export function requireAdmin(ctx: SandboxContext, g: Group, actor: number): void {
  const r = roleIn(g, actor);
  if (r !== 'admin' && r !== 'owner') throw new BridgeError('permission', `${who(ctx, actor)} is not an admin of group ${g.group_id}`);
}

export function requireOwner(ctx: SandboxContext, g: Group, actor: number): void {
  if (roleIn(g, actor) !== 'owner') throw new BridgeError('permission', `${who(ctx, actor)} is not the owner of group ${g.group_id}`);
}

/** Admin actions on another member: the actor must be an admin and rank strictly above the target. */
export function requireOutrank(ctx: SandboxContext, g: Group, actor: number, target: number): Member {
  requireAdmin(ctx, g, actor);
  const m = memberOf(g, target);
  if (RANK[roleIn(g, actor)!] <= RANK[m.role]) {
    throw new BridgeError('permission', `${who(ctx, actor)} does not outrank ${who(ctx, target)} in group ${g.group_id}`);
  }
  return m;
}

export const canManage = (g: Group, actor: number, target: number): boolean => {
  const a = roleIn(g, actor), t = roleIn(g, target);
  return !!a && !!t && (actor === target || (a !== 'member' && RANK[a] > RANK[t]));
};

export const ownerOf = (g: Group): number | undefined => [...g.members.values()].find((m) => m.role === 'owner')?.user_id;

/** A mute that has run out no longer counts. */
export const muteEnd = (m: Member): number => (m.shut_up_timestamp > now() ? m.shut_up_timestamp : 0);

export function groupToOneBot(g: Group) {
  return {
    group_id: g.group_id,
    group_name: g.group_name,
    member_count: g.members.size,
    max_member_count: g.max_member_count,
    group_create_time: g.create_time,
    group_level: g.level,
    group_memo: g.memo,
    group_all_shut: g.whole_ban ? -1 : 0,
    group_remark: g.remark,
    // Bridge extensions: what mirai's groupConfig reports.
    allow_member_invite: g.allow_member_invite,
    anonymous_chat: g.anonymous,
  };
}

export function memberToOneBot(ctx: SandboxContext, g: Group, m: Member) {
  const p = personOf(ctx, m.user_id);
  return {
    group_id: g.group_id,
    user_id: m.user_id,
    nickname: p.nickname,
    card: m.card,
    sex: p.sex,
    age: p.age,
    area: '',
    join_time: m.join_time,
    last_sent_time: m.last_sent_time,
    level: String(m.level),
    role: m.role,
    unfriendly: false,
    title: m.title,
    title_expire_time: m.title_expire_time,
    card_changeable: canManage(g, ctx.selfId, m.user_id),
    shut_up_timestamp: muteEnd(m),
  };
}

export function fileToOneBot(ctx: SandboxContext, g: Group, f: GroupFile) {
  return {
    group_id: g.group_id,
    file_id: f.file_id,
    file_name: f.file_name,
    busid: f.busid,
    file_size: f.file_size,
    upload_time: f.upload_time,
    dead_time: f.dead_time,
    modify_time: f.modify_time,
    download_times: f.download_times,
    uploader: f.uploader,
    uploader_name: nicknameOf(ctx, f.uploader),
    sha1: f.sha1,
    md5: f.md5,
  };
}

export function folderToOneBot(ctx: SandboxContext, g: Group, f: GroupFolder) {
  return {
    group_id: g.group_id,
    folder_id: f.folder_id,
    folder_name: f.folder_name,
    create_time: f.create_time,
    creator: f.creator,
    creator_name: nicknameOf(ctx, f.creator),
    total_file_count: g.files.filter((x) => x.folder_id === f.folder_id).length,
  };
}

/** Emit a notice event (`time`/`self_id` are filled in by the context). */
export function notice(ctx: SandboxContext, notice_type: string, fields: Record<string, unknown>): void {
  ctx.emit({ post_type: 'notice', notice_type, ...fields });
}

/** The account is no longer in the group: forget it and the join requests that were waiting in it. */
export function dropGroup(ctx: SandboxContext, groupId: number): void {
  ctx.world.groups.delete(groupId);
  for (const [flag, r] of ctx.world.requests) if (r.request_type === 'group' && r.sub_type === 'add' && r.group_id === groupId) ctx.world.requests.delete(flag);
}

// Control-surface params arrive unvalidated (query strings, any JSON): read them strictly.

export function intParam(p: Record<string, unknown>, key: string, def?: number, min = Number.MIN_SAFE_INTEGER): number {
  const v = p[key];
  if (v === undefined || v === null || v === '') {
    if (def !== undefined) return def;
    throw badParams(`missing field: ${key}`);
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw badParams(`${key} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}`);
  return n;
}

/** A QQ or group number. */
export const idParam = (p: Record<string, unknown>, key: string, def?: number) => intParam(p, key, def, 1);

export function strParam(p: Record<string, unknown>, key: string, def?: string, max = 1000): string {
  const v = p[key];
  if (v === undefined || v === null) {
    if (def !== undefined) return def;
    throw badParams(`missing field: ${key}`);
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw badParams(`${key} must be a string`);
  const s = String(v);
  if (s.length > max) throw badParams(`${key} is longer than ${max}`);
  return s;
}

export function boolParam(p: Record<string, unknown>, key: string, def: boolean): boolean {
  const v = p[key];
  if (v === undefined || v === null || v === '') return def;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  throw badParams(`${key} must be a boolean`);
}
