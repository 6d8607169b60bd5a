/**
 * Group requests on the sandbox: people asking to join a group the bot administers, and invitations
 * of the bot into other groups. Pending ones live in `world.requests`, keyed by a numeric flag
 * (so `get_group_system_msg`'s `request_id` and the flag are the same number, as clients expect).
 */
import { BridgeError, badParams } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import { now, type Group, type PendingRequest } from '../world';
import { groupOf, nicknameOf, notice, requireAdmin } from './group-common';
import { addMember, joinMember } from './group-admin';

function nextFlag(ctx: SandboxContext): string {
  let flag: string;
  do flag = String(++ctx.world.counters.flag); while (ctx.world.requests.has(flag));
  return flag;
}

function pendingGroupRequest(ctx: SandboxContext, flag: string): PendingRequest {
  const r = ctx.world.requests.get(flag);
  if (!r || r.request_type !== 'group') throw badParams(`no pending group request ${flag}`);
  return r;
}

const requestId = (flag: string) => (/^\d+$/.test(flag) ? Number(flag) : flag);

/** Whether `userId` may ask to join `g`: QQ shows join requests to the admins, so the bot must be one. */
export function checkJoinRequest(ctx: SandboxContext, g: Group, userId: number): void {
  requireAdmin(ctx, g, ctx.selfId);
  if (g.members.has(userId)) throw new BridgeError('bad_params', `user ${userId} is already a member of group ${g.group_id}`);
  if (g.join_blocklist?.includes(userId)) throw new BridgeError('rejected', `user ${userId} was kicked from group ${g.group_id} and may not ask again`);
}

/** Someone asks to join `g`. */
export function requestJoin(ctx: SandboxContext, g: Group, userId: number, comment: string): PendingRequest {
  checkJoinRequest(ctx, g, userId);
  // Asking again replaces the earlier request, as QQ keeps one per person and group.
  for (const [flag, old] of ctx.world.requests) if (old.request_type === 'group' && old.sub_type === 'add' && old.group_id === g.group_id && old.user_id === userId) ctx.world.requests.delete(flag);
  const r: PendingRequest = { flag: nextFlag(ctx), request_type: 'group', sub_type: 'add', user_id: userId, group_id: g.group_id, comment, time: now() };
  ctx.world.requests.set(r.flag, r);
  ctx.emit({
    post_type: 'request', request_type: 'group', sub_type: 'add', group_id: r.group_id, user_id: userId, comment, flag: r.flag,
    group_name: g.group_name, nickname: nicknameOf(ctx, userId), time: r.time,
  });
  return r;
}

/** `inviterId` invites the bot into a group it is not in yet. */
export function requestInvite(ctx: SandboxContext, groupId: number, groupName: string, inviterId: number): PendingRequest {
  if (ctx.world.groups.has(groupId)) throw new BridgeError('bad_params', `the bot is already in group ${groupId}`);
  const r: PendingRequest = {
    flag: nextFlag(ctx), request_type: 'group', sub_type: 'invite', user_id: inviterId, group_id: groupId, comment: '', time: now(), group_name: groupName,
  };
  ctx.world.requests.set(r.flag, r);
  ctx.emit({
    post_type: 'request', request_type: 'group', sub_type: 'invite', group_id: groupId, user_id: inviterId, comment: '', flag: r.flag,
    group_name: groupName, nickname: nicknameOf(ctx, inviterId), time: r.time,
  });
  return r;
}

/** Accepting an invitation: the group becomes visible, with the inviter as its owner. */
function enterInvitedGroup(ctx: SandboxContext, r: PendingRequest): void {
  const t = now();
  const g: Group = {
    group_id: r.group_id, group_name: r.group_name ?? String(r.group_id), max_member_count: 200, create_time: t, level: 1, memo: '', remark: '',
    whole_ban: false, allow_member_invite: true, anonymous: false, members: new Map(), folders: [], files: [], notices: [], essence: [],
  };
  addMember(g, r.user_id).role = 'owner';
  addMember(g, ctx.selfId);
  ctx.world.groups.set(g.group_id, g);
  notice(ctx, 'group_increase', { sub_type: 'invite', group_id: g.group_id, operator_id: r.user_id, user_id: ctx.selfId });
}

export const REQUEST_HANDLERS: Record<string, Handler> = {
  set_group_add_request(ctx, p: { flag: string; approve: boolean; reason: string }) {
    const r = pendingGroupRequest(ctx, p.flag);
    if (r.sub_type === 'add') {
      const g = groupOf(ctx, r.group_id);
      requireAdmin(ctx, g, ctx.selfId);
      ctx.world.requests.delete(r.flag);
      if (p.approve && !g.members.has(r.user_id)) joinMember(ctx, g, r.user_id, ctx.selfId, 'approve');
      return;
    }
    ctx.world.requests.delete(r.flag);
    if (p.approve && !ctx.world.groups.has(r.group_id)) enterInvitedGroup(ctx, r);
  },
  get_group_system_msg(ctx) {
    const pending = [...ctx.world.requests.values()].filter((r) => r.request_type === 'group');
    const groupName = (r: PendingRequest) => r.group_name ?? ctx.world.groups.get(r.group_id)?.group_name ?? '';
    return {
      invited_requests: pending.filter((r) => r.sub_type === 'invite').map((r) => ({
        request_id: requestId(r.flag), invitor_uin: r.user_id, invitor_nick: nicknameOf(ctx, r.user_id),
        group_id: r.group_id, group_name: groupName(r), checked: false, actor: 0,
      })),
      join_requests: pending.filter((r) => r.sub_type === 'add').map((r) => ({
        request_id: requestId(r.flag), requester_uin: r.user_id, requester_nick: nicknameOf(ctx, r.user_id), message: r.comment,
        group_id: r.group_id, group_name: groupName(r), checked: false, actor: 0,
      })),
    };
  },
};
