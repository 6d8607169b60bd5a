/**
 * Group administration on the sandbox: kicks, mutes, roles, cards, titles, names, leaving.
 * Each change is one function taking the actor, so the bot's actions and the control surface
 * (someone else acting) follow the same QQ rules and emit the same notices.
 */
import { createHash } from 'node:crypto';
import { BridgeError } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import { now, type Group, type Member } from '../world';
import {
  MAX_MUTE, dropGroup, groupOf, memberOf, muteEnd, nicknameOf, notice, requireAdmin, requireOutrank, requireOwner,
} from './group-common';
import { loadImage } from './account-image';

export function addMember(g: Group, userId: number): Member {
  const m: Member = { user_id: userId, card: '', title: '', title_expire_time: 0, role: 'member', join_time: now(), last_sent_time: 0, shut_up_timestamp: 0, level: '1' };
  g.members.set(userId, m);
  return m;
}

export function joinMember(ctx: SandboxContext, g: Group, userId: number, operatorId: number, subType: 'approve' | 'invite'): Member {
  if (g.members.has(userId)) throw new BridgeError('bad_params', `user ${userId} is already a member of group ${g.group_id}`);
  const m = addMember(g, userId);
  g.join_blocklist = g.join_blocklist?.filter((u) => u !== userId);
  notice(ctx, 'group_increase', { sub_type: subType, group_id: g.group_id, operator_id: operatorId, user_id: userId });
  return m;
}

/** Someone leaves by themself. The owner cannot: a group is only left by its owner by dissolving it. */
export function leaveMember(ctx: SandboxContext, g: Group, userId: number): void {
  const m = memberOf(g, userId);
  if (m.role === 'owner') throw new BridgeError('permission', `the owner of group ${g.group_id} can only dissolve it`);
  if (userId === ctx.selfId) dropGroup(ctx, g.group_id);
  else g.members.delete(userId);
  notice(ctx, 'group_decrease', { sub_type: 'leave', group_id: g.group_id, operator_id: userId, user_id: userId });
}

export function kickMember(ctx: SandboxContext, g: Group, actor: number, target: number, block: boolean): void {
  requireOutrank(ctx, g, actor, target);
  if (target === ctx.selfId) {
    dropGroup(ctx, g.group_id);
    notice(ctx, 'group_decrease', { sub_type: 'kick_me', group_id: g.group_id, operator_id: actor, user_id: target });
    return;
  }
  g.members.delete(target);
  if (block) g.join_blocklist = [...new Set([...(g.join_blocklist ?? []), target])];
  notice(ctx, 'group_decrease', { sub_type: 'kick', group_id: g.group_id, operator_id: actor, user_id: target });
}

/** duration in seconds, clamped to QQ's 30 days; 0 lifts a mute (no notice if there was none). */
export function muteMember(ctx: SandboxContext, g: Group, actor: number, target: number, duration: number): void {
  const m = requireOutrank(ctx, g, actor, target);
  const d = Math.min(Math.max(duration, 0), MAX_MUTE);
  const base = { group_id: g.group_id, operator_id: actor, user_id: target };
  if (d === 0) {
    const was = muteEnd(m);
    m.shut_up_timestamp = 0;
    if (was) notice(ctx, 'group_ban', { sub_type: 'lift_ban', ...base, duration: 0 });
    return;
  }
  m.shut_up_timestamp = now() + d;
  notice(ctx, 'group_ban', { sub_type: 'ban', ...base, duration: d });
}

export function setWholeBan(ctx: SandboxContext, g: Group, actor: number, enable: boolean): void {
  requireAdmin(ctx, g, actor);
  if (g.whole_ban === enable) return;
  g.whole_ban = enable;
  notice(ctx, 'group_ban', { sub_type: enable ? 'ban' : 'lift_ban', group_id: g.group_id, operator_id: actor, user_id: 0, duration: enable ? -1 : 0 });
}

export function setAdmin(ctx: SandboxContext, g: Group, actor: number, target: number, enable: boolean): void {
  requireOwner(ctx, g, actor);
  const m = memberOf(g, target);
  if (m.role === 'owner') throw new BridgeError('rejected', 'the owner cannot be made an admin or a member');
  const role = enable ? 'admin' : 'member';
  if (m.role === role) return;
  m.role = role;
  notice(ctx, 'group_admin', { sub_type: enable ? 'set' : 'unset', group_id: g.group_id, user_id: target });
}

/** Anyone may change their own card; someone else's needs an admin who outranks them. */
export function setCard(ctx: SandboxContext, g: Group, actor: number, target: number, card: string): void {
  const m = actor === target ? memberOf(g, target) : requireOutrank(ctx, g, actor, target);
  if (m.card === card) return;
  const old = m.card;
  m.card = card;
  notice(ctx, 'group_card', { group_id: g.group_id, user_id: target, card_new: card, card_old: old });
}

export function setTitle(ctx: SandboxContext, g: Group, actor: number, target: number, title: string, duration = -1): void {
  requireOwner(ctx, g, actor);
  const m = memberOf(g, target);
  const changed = m.title !== title;
  m.title = title;
  m.title_expire_time = title && duration > 0 ? now() + duration : 0;
  if (changed) notice(ctx, 'notify', { sub_type: 'title', group_id: g.group_id, user_id: target, title });
}

export function renameGroup(ctx: SandboxContext, g: Group, actor: number, name: string): void {
  requireAdmin(ctx, g, actor);
  if (g.group_name === name) return;
  g.group_name = name;
  notice(ctx, 'notify', { sub_type: 'group_name', group_id: g.group_id, user_id: actor, name_new: name });
}

interface Target { group_id: number; user_id: number }

export const ADMIN_HANDLERS: Record<string, Handler> = {
  set_group_kick(ctx, p: Target & { reject_add_request: boolean }) {
    kickMember(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.user_id, p.reject_add_request);
  },
  set_group_kick_members(ctx, p: { group_id: number; user_id: number[]; reject_add_request: boolean }) {
    const g = groupOf(ctx, p.group_id);
    const targets = [...new Set(p.user_id)];
    // All or nothing: every target is checked before anyone is removed.
    for (const u of targets) requireOutrank(ctx, g, ctx.selfId, u);
    for (const u of targets) kickMember(ctx, g, ctx.selfId, u, p.reject_add_request);
  },
  set_group_ban(ctx, p: Target & { duration: number }) {
    muteMember(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.user_id, p.duration);
  },
  set_group_anonymous_ban(ctx, p: { group_id: number; anonymous?: { flag?: string }; anonymous_flag?: string; flag?: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    const flag = p.anonymous_flag ?? p.flag ?? p.anonymous?.flag;
    if (!flag) throw new BridgeError('bad_params', 'missing field: anonymous_flag');
    if (!g.anonymous) throw new BridgeError('rejected', `anonymous chat is off in group ${g.group_id}`);
  },
  set_group_whole_ban(ctx, p: { group_id: number; enable: boolean }) {
    setWholeBan(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.enable);
  },
  set_group_admin(ctx, p: Target & { enable: boolean }) {
    setAdmin(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.user_id, p.enable);
  },
  set_group_anonymous(ctx, p: { group_id: number; enable: boolean }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    g.anonymous = p.enable;
  },
  /** Bridge extension (no OneBot implementation has it): what mirai's groupConfig `allowMemberInvite` sets. */
  set_group_allow_member_invite(ctx, p: { group_id: number; enable: boolean }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    g.allow_member_invite = p.enable;
  },
  set_group_card(ctx, p: Target & { card: string }) {
    setCard(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.user_id, p.card);
  },
  set_group_name(ctx, p: { group_id: number; group_name: string }) {
    renameGroup(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.group_name);
  },
  set_group_leave(ctx, p: { group_id: number; is_dismiss: boolean }) {
    const g = groupOf(ctx, p.group_id);
    if (memberOf(g, ctx.selfId).role !== 'owner') return leaveMember(ctx, g, ctx.selfId);
    if (!p.is_dismiss) throw new BridgeError('permission', `the bot owns group ${g.group_id}: it can only leave with is_dismiss true, which dissolves it`);
    dropGroup(ctx, g.group_id);
    notice(ctx, 'group_decrease', { sub_type: 'leave', group_id: g.group_id, operator_id: ctx.selfId, user_id: ctx.selfId });
  },
  set_group_special_title(ctx, p: Target & { special_title: string; duration: number }) {
    setTitle(ctx, groupOf(ctx, p.group_id), ctx.selfId, p.user_id, p.special_title, p.duration);
  },
  async set_group_portrait(ctx, p: { group_id: number; file: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    // Same rules as the bot's own avatar: the picture must be readable and be an image.
    g.portrait = createHash('sha1').update(await loadImage(p.file)).digest('hex');
  },
  set_group_remark(ctx, p: { group_id: number; remark: string }) {
    groupOf(ctx, p.group_id).remark = p.remark;
  },
  send_group_sign(ctx, p: { group_id: number }) {
    const g = groupOf(ctx, p.group_id);
    memberOf(g, ctx.selfId);
    notice(ctx, 'notify', { sub_type: 'group_sign', group_id: g.group_id, user_id: ctx.selfId, nick: nicknameOf(ctx, ctx.selfId), sign_text: '打卡' });
  },
};
