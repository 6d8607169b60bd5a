/** Read-only group queries on the sandbox: groups, members, honours, mutes, @all quota. */
import type { Handler, SandboxContext } from '../context';
import type { Group, HonorType } from '../world';
import { groupOf, groupToOneBot, memberOf, memberToOneBot, muteEnd, nicknameOf } from './group-common';

export const HONOR_TYPES: HonorType[] = ['talkative', 'performer', 'legend', 'strong_newbie', 'emotion'];
const HONOR_NAMES: Record<HonorType, string> = {
  talkative: '龙王', performer: '群聊之火', legend: '群聊炽焰', strong_newbie: '冒尖小春笋', emotion: '快乐源泉',
};
/** QQ lets an admin @all members ten times a day. */
const AT_ALL_PER_DAY = 10;

const avatarOf = (userId: number) => `https://q1.qlogo.cn/g?b=qq&nk=${userId}&s=640`;

/** Holders who are still members, current first. */
const holders = (g: Group, type: HonorType) => (g.honors?.[type] ?? []).filter((u) => g.members.has(u));

function honorInfo(ctx: SandboxContext, g: Group, type: string) {
  const wanted = (t: HonorType) => type === 'all' || type === t;
  const list = (t: HonorType) =>
    wanted(t) ? holders(g, t).map((u) => ({ user_id: u, nickname: nicknameOf(ctx, u), avatar: avatarOf(u), description: HONOR_NAMES[t] })) : [];
  const out: Record<string, unknown> = { group_id: g.group_id };
  const king = holders(g, 'talkative')[0];
  if (wanted('talkative') && king !== undefined) {
    out.current_talkative = { user_id: king, nickname: nicknameOf(ctx, king), avatar: avatarOf(king), day_count: 1 };
  }
  for (const t of HONOR_TYPES) out[`${t}_list`] = list(t);
  return out;
}

export const INFO_HANDLERS: Record<string, Handler> = {
  get_group_info: (ctx, p: { group_id: number }) => groupToOneBot(groupOf(ctx, p.group_id)),
  get_group_list: (ctx) => [...ctx.world.groups.values()].map(groupToOneBot),
  get_group_member_info(ctx, p: { group_id: number; user_id: number }) {
    const g = groupOf(ctx, p.group_id);
    return memberToOneBot(ctx, g, memberOf(g, p.user_id));
  },
  get_group_member_list(ctx, p: { group_id: number }) {
    const g = groupOf(ctx, p.group_id);
    return [...g.members.values()].map((m) => memberToOneBot(ctx, g, m));
  },
  get_group_honor_info: (ctx, p: { group_id: number; type: string }) => honorInfo(ctx, groupOf(ctx, p.group_id), p.type),
  get_group_shut_list(ctx, p: { group_id: number }) {
    const g = groupOf(ctx, p.group_id);
    return [...g.members.values()].filter((m) => muteEnd(m)).map((m) => ({ user_id: m.user_id, shut_up_timestamp: m.shut_up_timestamp }));
  },
  get_group_at_all_remain(ctx, p: { group_id: number }) {
    const role = memberOf(groupOf(ctx, p.group_id), ctx.selfId).role;
    const n = role === 'member' ? 0 : AT_ALL_PER_DAY;
    return { can_at_all: n > 0, remain_at_all_count_for_group: n, remain_at_all_count_for_uin: n };
  },
};
