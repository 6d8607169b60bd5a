/**
 * The group side of the sandbox control surface: the other people of a group act (join, leave,
 * kick, mute, rename, ask to join, invite the bot, upload). Each op runs the same rules as the
 * bot's own actions, with the given person as the actor. Params arrive unvalidated: read strictly.
 */
import { createHash } from 'node:crypto';
import { badParams } from '../../../errors';
import type { ControlOp, SandboxContext } from '../context';
import type { Group, HonorType } from '../world';
import {
  boolParam, fileToOneBot, groupOf, idParam, intParam, memberOf, memberToOneBot, notice, ownerOf, strParam,
} from './group-common';
import { joinMember, kickMember, leaveMember, muteMember, renameGroup, setAdmin, setCard, setTitle, setWholeBan } from './group-admin';
import { addGroupFile } from './group-files';
import { HONOR_TYPES } from './group-info';
import { checkJoinRequest, requestInvite, requestJoin } from './group-requests';

type P = Record<string, unknown>;

const group = (ctx: SandboxContext, p: P) => groupOf(ctx, idParam(p, 'group_id'));
/** The acting member: `operator_id`, or the group's owner when not given. */
const operator = (g: Group, p: P) => idParam(p, 'operator_id', ownerOf(g) ?? 0);

/** A newcomer the world has never seen becomes a person (with the nickname given, if any). */
function meet(ctx: SandboxContext, userId: number, nickname?: string): void {
  if (userId === ctx.selfId) return;
  const known = ctx.world.people.get(userId);
  if (known) {
    if (nickname) known.nickname = nickname;
    return;
  }
  ctx.world.people.set(userId, { user_id: userId, nickname: nickname || `QQ${userId}`, sex: 'unknown', age: 0, level: 1, long_nick: '', email: '' });
}

const post = (run: ControlOp['run']): ControlOp => ({ method: 'POST', run });

export const GROUP_CONTROL: Record<string, ControlOp> = {
  member_join: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    if (userId === ctx.selfId) throw badParams('the bot joins groups through group_invite');
    const subType = strParam(p, 'sub_type', 'approve');
    if (subType !== 'approve' && subType !== 'invite') throw badParams('sub_type must be approve or invite');
    const operatorId = operator(g, p);
    memberOf(g, operatorId);
    const nickname = p.nickname === undefined ? undefined : strParam(p, 'nickname', undefined, 64);
    if (g.members.has(userId)) throw badParams(`user ${userId} is already a member of group ${g.group_id}`);
    meet(ctx, userId, nickname);
    return memberToOneBot(ctx, g, joinMember(ctx, g, userId, operatorId, subType));
  }),
  member_leave: post((ctx, p: P) => {
    leaveMember(ctx, group(ctx, p), idParam(p, 'user_id'));
    return { ok: true };
  }),
  member_kick: post((ctx, p: P) => {
    const g = group(ctx, p);
    kickMember(ctx, g, operator(g, p), idParam(p, 'user_id'), boolParam(p, 'block', false));
    return { ok: true };
  }),
  member_mute: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    const duration = intParam(p, 'duration', 1800, 0);
    muteMember(ctx, g, operator(g, p), userId, duration);
    return memberToOneBot(ctx, g, memberOf(g, userId));
  }),
  whole_ban: post((ctx, p: P) => {
    const g = group(ctx, p);
    setWholeBan(ctx, g, operator(g, p), boolParam(p, 'enable', true));
    return { ok: true };
  }),
  member_card: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    // Someone changes their own card, or an admin (operator_id) changes it for them.
    setCard(ctx, g, idParam(p, 'operator_id', userId), userId, strParam(p, 'card', '', 60));
    return memberToOneBot(ctx, g, memberOf(g, userId));
  }),
  member_admin: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    setAdmin(ctx, g, ownerOf(g) ?? 0, userId, boolParam(p, 'enable', true));
    return memberToOneBot(ctx, g, memberOf(g, userId));
  }),
  member_title: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    setTitle(ctx, g, ownerOf(g) ?? 0, userId, strParam(p, 'title', '', 60), intParam(p, 'duration', -1));
    return memberToOneBot(ctx, g, memberOf(g, userId));
  }),
  member_honor: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    memberOf(g, userId);
    const type = strParam(p, 'honor_type') as HonorType;
    if (!HONOR_TYPES.includes(type)) throw badParams(`honor_type must be one of ${HONOR_TYPES.join(', ')}`);
    g.honors = { ...g.honors, [type]: [userId, ...(g.honors?.[type] ?? []).filter((u) => u !== userId)] };
    notice(ctx, 'notify', { sub_type: 'honor', group_id: g.group_id, user_id: userId, honor_type: type });
    return { ok: true };
  }),
  group_name: post((ctx, p: P) => {
    const g = group(ctx, p);
    const name = strParam(p, 'name', undefined, 90);
    if (!name) throw badParams('name must not be empty');
    renameGroup(ctx, g, operator(g, p), name);
    return { ok: true };
  }),
  join_request: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    if (userId === ctx.selfId) throw badParams('the bot cannot ask to join a group it administers');
    const nickname = p.nickname === undefined ? undefined : strParam(p, 'nickname', undefined, 64);
    const comment = strParam(p, 'comment', '');
    checkJoinRequest(ctx, g, userId);
    meet(ctx, userId, nickname);
    return { flag: requestJoin(ctx, g, userId, comment).flag };
  }),
  group_invite: post((ctx, p: P) => {
    const groupId = idParam(p, 'group_id');
    const inviter = idParam(p, 'user_id');
    if (inviter === ctx.selfId) throw badParams('the bot cannot invite itself');
    const groupName = strParam(p, 'group_name', `Group ${groupId}`, 90);
    if (ctx.world.groups.has(groupId)) throw badParams(`the bot is already in group ${groupId}`);
    meet(ctx, inviter);
    return { flag: requestInvite(ctx, groupId, groupName, inviter).flag };
  }),
  group_upload: post((ctx, p: P) => {
    const g = group(ctx, p);
    const userId = idParam(p, 'user_id');
    const name = strParam(p, 'name', undefined, 255);
    if (!name) throw badParams('name must not be empty');
    const size = intParam(p, 'size', 0, 0);
    if (userId === ctx.selfId) throw badParams('the bot uploads through upload_group_file');
    // The content is imaginary: digests of the name keep the file's hashes stable and well-formed.
    const sha1 = createHash('sha1').update(name).digest('hex').toUpperCase();
    const md5 = createHash('md5').update(name).digest('hex').toUpperCase();
    const folder = p.folder === undefined ? undefined : strParam(p, 'folder', undefined, 255);
    const temporary = boolParam(p, 'temporary', false);
    return fileToOneBot(ctx, g, addGroupFile(ctx, g, userId, { name, size, sha1, md5, folder, temporary }));
  }),
};
