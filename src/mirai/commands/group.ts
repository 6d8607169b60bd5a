/** Group management: mute, kick, quit, essence, group config, member info, admins. */
import { BridgeError } from '../../errors';
import { oneBotMemberToMirai } from '../translate';
import type { CommandContext, CommandSpec, MiraiMember } from '../types';
import { asNumber, botRole, call, canCall, type Data, findMessage, messageRefOf, requireGroup, requireMember, requireRole } from './util';

/** mirai mutes for 1 s … 30 days. */
const MAX_MUTE = 30 * 24 * 3600;

/** OneBot honor categories → MAH's honor names. */
const HONORS: [string, string][] = [
  ['talkative', '龙王'], ['performer', '群聊之火'], ['legend', '群聊炽焰'], ['strong_newbie', '冒尖小春笋'], ['emotion', '快乐源泉'],
];

async function honorsOf(ctx: CommandContext, groupId: number, userId: number): Promise<string[]> {
  if (!canCall(ctx, 'get_group_honor_info')) return [];
  const info = await call<Data>(ctx, 'get_group_honor_info', { group_id: groupId, type: 'all' }).catch(() => null);
  if (!info) return [];
  const holds = (list: unknown) => Array.isArray(list) && list.some((x) => asNumber((x as Data)?.user_id) === userId);
  return HONORS.filter(([k]) => holds(info[`${k}_list`]) || (k === 'talkative' && asNumber((info.current_talkative as Data | undefined)?.user_id) === userId)).map(([, name]) => name);
}

/** MAH's memberInfo: the member with `active` filled (the one place it is not null). */
async function memberWithActive(ctx: CommandContext, groupId: number, userId: number): Promise<MiraiMember> {
  const m = await requireMember(ctx, groupId, userId);
  const raw = await call<Data>(ctx, 'get_group_member_info', { group_id: groupId, user_id: userId, no_cache: true });
  const member = oneBotMemberToMirai(raw, m.group);
  const level = Math.max(1, Math.floor(asNumber(raw.level, 1)));
  return { ...member, active: { rank: Math.min(6, level), point: 0, honors: await honorsOf(ctx, groupId, userId), temperature: Math.min(100, level) } };
}

const truthy = (v: unknown) => v === true || v === 1 || v === -1 || v === 'true' || v === '1';

/** muteAll / unmuteAll: one command, two switches. */
const wholeBan = (name: 'muteAll' | 'unmuteAll', enable: boolean): CommandSpec => ({
  name,
  http: { method: 'POST', path: `/${name}` },
  webhook: true,
  reply: 'state',
  handler: async (ctx, p: { target: number }) => {
    const g = await requireGroup(ctx, p.target);
    await requireRole(ctx, g.id, 'admin');
    await call(ctx, 'set_group_whole_ban', { group_id: g.id, enable });
  },
});

export const GROUP_COMMANDS: CommandSpec[] = [
  wholeBan('muteAll', true),
  wholeBan('unmuteAll', false),
  {
    name: 'mute',
    http: { method: 'POST', path: '/mute' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; memberId: number; time: number }) => {
      if (p.time <= 0) throw new BridgeError('bad_params', '禁言时长必须大于 0 秒');
      const m = await requireMember(ctx, p.target, p.memberId);
      await requireRole(ctx, m.group.id, 'admin', m);
      await call(ctx, 'set_group_ban', { group_id: m.group.id, user_id: m.id, duration: Math.min(p.time, MAX_MUTE) });
    },
  },
  {
    name: 'unmute',
    http: { method: 'POST', path: '/unmute' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; memberId: number }) => {
      const m = await requireMember(ctx, p.target, p.memberId);
      await requireRole(ctx, m.group.id, 'admin', m);
      await call(ctx, 'set_group_ban', { group_id: m.group.id, user_id: m.id, duration: 0 });
    },
  },
  {
    name: 'kick',
    http: { method: 'POST', path: '/kick' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; memberId: number; block: boolean; msg: string }) => {
      const m = await requireMember(ctx, p.target, p.memberId);
      await requireRole(ctx, m.group.id, 'admin', m);
      await call(ctx, 'set_group_kick', { group_id: m.group.id, user_id: m.id, reject_add_request: p.block });
      ctx.directory.invalidate(ctx.botId, { groupId: m.group.id, userId: m.id });
    },
  },
  {
    name: 'quit',
    http: { method: 'POST', path: '/quit' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number }) => {
      const g = await requireGroup(ctx, p.target);
      // The owner cannot leave without dissolving the group: MAH documents code 10.
      if ((await botRole(ctx, g.id)) === 'owner') throw new BridgeError('permission', 'the owner cannot quit');
      await call(ctx, 'set_group_leave', { group_id: g.id });
      ctx.directory.invalidate(ctx.botId, { groupId: g.id });
    },
  },
  {
    name: 'setEssence',
    http: { method: 'POST', path: '/setEssence' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target?: number; messageId?: number }) => {
      const ref = messageRefOf(p);
      if (ref.contextId !== undefined) await requireGroup(ctx, ref.contextId);
      const m = await findMessage(ctx, ref.messageId, ref.contextId);
      if (m.kind !== 'group') throw new BridgeError('not_found', 'not a group message');
      await requireRole(ctx, m.groupId, 'admin');
      await call(ctx, 'set_essence_msg', { message_id: m.messageId });
    },
  },
  {
    name: 'groupConfig',
    subCommand: 'get',
    http: { method: 'GET', path: '/groupConfig' },
    reply: 'bare',
    handler: async (ctx, p: { target: number }) => {
      const g = await requireGroup(ctx, p.target);
      const info = await call<Data>(ctx, 'get_group_info', { group_id: g.id, no_cache: true });
      return {
        name: String(info.group_name ?? g.name),
        confessTalk: false,
        allowMemberInvite: info.allow_member_invite === undefined ? true : truthy(info.allow_member_invite),
        autoApprove: false,
        anonymousChat: truthy(info.anonymous ?? info.anonymous_chat),
        muteAll: truthy(info.group_all_shut ?? info.whole_ban ?? info.mute_all),
      };
    },
  },
  {
    name: 'groupConfig',
    subCommand: 'update',
    http: { method: 'POST', path: '/groupConfig' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; config: { name?: string; allowMemberInvite?: boolean } }) => {
      const g = await requireGroup(ctx, p.target);
      await requireRole(ctx, g.id, 'admin');
      if (p.config.name !== undefined) await call(ctx, 'set_group_name', { group_id: g.id, group_name: p.config.name });
      // allowMemberInvite: applied when the backend has a setter; the other keys MAH ignores too.
      if (p.config.allowMemberInvite !== undefined && canCall(ctx, 'set_group_allow_member_invite')) {
        await call(ctx, 'set_group_allow_member_invite', { group_id: g.id, enable: p.config.allowMemberInvite });
      }
      ctx.directory.invalidate(ctx.botId, { groupId: g.id });
    },
  },
  {
    name: 'memberInfo',
    subCommand: 'get',
    http: { method: 'GET', path: '/memberInfo' },
    reply: 'bare',
    handler: (ctx, p: { target: number; memberId: number }) => memberWithActive(ctx, p.target, p.memberId),
  },
  {
    name: 'memberInfo',
    subCommand: 'update',
    http: { method: 'POST', path: '/memberInfo' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; memberId: number; info: { name?: string; specialTitle?: string } }) => {
      const m = await requireMember(ctx, p.target, p.memberId);
      // Another member's card needs an admin; a special title needs the owner (mirai's rules).
      if (p.info.name !== undefined && m.id !== ctx.botId) await requireRole(ctx, m.group.id, 'admin');
      if (p.info.specialTitle !== undefined) await requireRole(ctx, m.group.id, 'owner');
      if (p.info.name !== undefined) await call(ctx, 'set_group_card', { group_id: m.group.id, user_id: m.id, card: p.info.name });
      if (p.info.specialTitle !== undefined) await call(ctx, 'set_group_special_title', { group_id: m.group.id, user_id: m.id, special_title: p.info.specialTitle });
      ctx.directory.invalidate(ctx.botId, { groupId: m.group.id, userId: m.id });
    },
  },
  {
    name: 'memberAdmin',
    http: { method: 'POST', path: '/memberAdmin' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number; memberId: number; assign: boolean }) => {
      const m = await requireMember(ctx, p.target, p.memberId);
      await requireRole(ctx, m.group.id, 'owner');
      await call(ctx, 'set_group_admin', { group_id: m.group.id, user_id: m.id, enable: p.assign });
      ctx.directory.invalidate(ctx.botId, { groupId: m.group.id, userId: m.id });
    },
  },
];
