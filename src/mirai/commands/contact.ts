/** Contact lists and profiles, and deleting a friend. */
import { oneBotFriendToMirai, oneBotGroupToMirai, oneBotMemberToMirai, oneBotProfileToMirai } from '../translate';
import type { CommandContext, CommandSpec, MiraiGroup } from '../types';
import { asNumber, call, type Data, requireFriend, requireGroup, requireMember } from './util';

async function members(ctx: CommandContext, group: MiraiGroup, fresh: boolean): Promise<Data[]> {
  const list = await call<Data[]>(ctx, 'get_group_member_list', { group_id: group.id, ...(fresh ? { no_cache: true } : {}) });
  // The bot is not its own member in mirai's lists.
  return (list ?? []).filter((m) => asNumber(m.user_id) !== ctx.botId).map((m) => oneBotMemberToMirai(m, group) as unknown as Data);
}

async function profile(ctx: CommandContext, userId: number) {
  return oneBotProfileToMirai(await call<Data>(ctx, 'get_stranger_info', { user_id: userId }));
}

const ids = (v: unknown): number[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => asNumber(x, NaN)).filter(Number.isFinite);

export const CONTACT_COMMANDS: CommandSpec[] = [
  {
    name: 'friendList',
    http: { method: 'GET', path: '/friendList' },
    reply: 'restful',
    handler: async (ctx) => ((await call<Data[]>(ctx, 'get_friend_list')) ?? []).map((f) => oneBotFriendToMirai(f)),
  },
  {
    name: 'groupList',
    http: { method: 'GET', path: '/groupList' },
    reply: 'restful',
    handler: async (ctx) => {
      const groups = (await call<Data[]>(ctx, 'get_group_list')) ?? [];
      // The directory knows the bot's permission in each group.
      return Promise.all(groups.map(async (g) => {
        const id = asNumber(g.group_id);
        await ctx.directory.ensure(ctx.botId, { groupId: id });
        return ctx.directory.group(ctx.botId, id) ?? oneBotGroupToMirai(g, undefined);
      }));
    },
  },
  {
    name: 'memberList',
    http: { method: 'GET', path: '/memberList' },
    reply: 'restful',
    handler: async (ctx, p: { target: number }) => members(ctx, await requireGroup(ctx, p.target), false),
  },
  {
    name: 'latestMemberList',
    http: { method: 'GET', path: '/latestMemberList' },
    reply: 'restful',
    handler: async (ctx, p: { target: number; memberIds?: unknown }) => {
      const wanted = new Set(ids(p.memberIds));
      const all = await members(ctx, await requireGroup(ctx, p.target), true);
      // Absent or empty memberIds means everyone.
      return wanted.size ? all.filter((m) => wanted.has(m.id as number)) : all;
    },
  },
  {
    name: 'botProfile',
    http: { method: 'GET', path: '/botProfile' },
    reply: 'bare',
    handler: async (ctx) => {
      const info = await call<Data>(ctx, 'get_stranger_info', { user_id: ctx.botId }).catch(() => null);
      if (info) return oneBotProfileToMirai(info);
      const login = await call<Data>(ctx, 'get_login_info');
      return oneBotProfileToMirai({ user_id: ctx.botId, ...login });
    },
  },
  {
    name: 'friendProfile',
    http: { method: 'GET', path: '/friendProfile' },
    reply: 'bare',
    handler: async (ctx, p: { target: number }) => profile(ctx, (await requireFriend(ctx, p.target)).id),
  },
  {
    name: 'memberProfile',
    http: { method: 'GET', path: '/memberProfile' },
    reply: 'bare',
    handler: async (ctx, p: { target: number; memberId: number }) => profile(ctx, (await requireMember(ctx, p.target, p.memberId)).id),
  },
  {
    name: 'userProfile',
    http: { method: 'GET', path: '/userProfile' },
    reply: 'bare',
    handler: (ctx, p: { target: number }) => profile(ctx, p.target),
  },
  {
    name: 'deleteFriend',
    http: { method: 'POST', path: '/deleteFriend' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { target: number }) => {
      await requireFriend(ctx, p.target);
      await call(ctx, 'delete_friend', { user_id: p.target });
      ctx.directory.invalidate(ctx.botId, { userId: p.target });
    },
  },
];
