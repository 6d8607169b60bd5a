/** OneBot notice and request events → mirai events (§7.2–7.6), one table entry per OneBot type. */
import type { OneBotEvent } from '../../core/types';
import type { MiraiEvent, MiraiGroup, Permission } from '../types';
import type { EventContext } from './events';
import type { Lookup } from './events-lookup';
import { entry, int, isRecord, str } from './util';

export type Translate = (ev: OneBotEvent, look: Lookup, ctx: EventContext) => MiraiEvent[];

const HONORS: Record<string, string> = {
  talkative: '龙王', performer: '群聊之火', legend: '群聊炽焰', strong_newbie: '冒尖小春笋', emotion: '快乐源泉',
};
const UNKNOWN_HONOR = '未知群荣誉';

/** Platform names of OtherClient, from a device kind string. */
function platformOf(kind: string): string {
  const k = kind.toLowerCase();
  if (/iphone|ipad|ios|mac/.test(k)) return 'IOS';
  if (/windows|pc|win/.test(k)) return 'WINDOWS';
  if (/android|phone|mobile|pad/.test(k)) return 'MOBILE';
  return 'unknown';
}

/** The network-drop tags of `bot_offline`; anything else counts as a forced logout. */
const DROPPED = /network|drop|timeout|disconnect|断开|网络/i;

const gid = (ev: OneBotEvent) => int(ev.group_id);
const uid = (ev: OneBotEvent) => int(ev.user_id);
const opId = (ev: OneBotEvent) => int(ev.operator_id);

function nudge(ev: OneBotEvent, look: Lookup): MiraiEvent[] {
  const fromId = int(ev.sender_id ?? ev.user_id);
  const target = int(ev.target_id);
  const groupId = gid(ev);
  let subject: Record<string, unknown>;
  if (groupId) subject = { kind: 'Group', ...look.group(groupId) };
  else {
    const other = fromId === look.botId ? target : fromId;
    subject = { kind: look.isFriend(other) ? 'Friend' : 'Stranger', ...look.friend(other) };
  }
  return [{ type: 'NudgeEvent', fromId, target, subject, action: str(ev.action) || '戳了戳', suffix: str(ev.suffix) }];
}

function groupNameChange(current: string): Translate {
  return (ev, look, ctx) => {
    const groupId = gid(ev);
    const old = ctx.directory.group(look.botId, groupId);
    const group: MiraiGroup = { ...look.group(groupId), name: current };
    return [{ type: 'GroupNameChangeEvent', origin: old?.name ?? '', current, group, operator: look.operator(groupId, uid(ev)) }];
  };
}

export const NOTICES: Record<string, Translate> = {
  group_recall: (ev, look) => [{
    type: 'GroupRecallEvent', authorId: uid(ev), messageId: int(ev.message_id), time: int(ev.time),
    group: look.group(gid(ev)), operator: look.operator(gid(ev), opId(ev)),
  }],
  friend_recall: (ev) => [{
    type: 'FriendRecallEvent', authorId: uid(ev), messageId: int(ev.message_id), time: int(ev.time), operator: int(ev.operator_id ?? ev.user_id),
  }],
  'notify.poke': nudge,
  group_increase: (ev, look) => {
    const groupId = gid(ev);
    const inviter = ev.sub_type === 'invite' ? look.operator(groupId, opId(ev)) : null;
    if (uid(ev) === look.botId) return [{ type: 'BotJoinGroupEvent', group: look.group(groupId), invitor: inviter }];
    return [{ type: 'MemberJoinEvent', member: look.member(groupId, uid(ev)), invitor: inviter }];
  },
  group_decrease: (ev, look) => {
    const groupId = gid(ev);
    const self = uid(ev) === look.botId;
    if (ev.sub_type === 'kick_me' || (self && ev.sub_type === 'kick')) {
      return [{ type: 'BotLeaveEventKick', group: look.group(groupId), operator: look.member(groupId, opId(ev)) }];
    }
    if (self) return [{ type: 'BotLeaveEventActive', group: look.group(groupId) }];
    if (ev.sub_type === 'kick') {
      return [{ type: 'MemberLeaveEventKick', member: look.member(groupId, uid(ev)), operator: look.operator(groupId, opId(ev)) }];
    }
    return [{ type: 'MemberLeaveEventQuit', member: look.member(groupId, uid(ev)) }];
  },
  group_dismiss: (ev, look) => [{ type: 'BotLeaveEventDisband', group: look.group(gid(ev)), operator: look.member(gid(ev), uid(ev)) }],
  group_ban: (ev, look) => {
    const groupId = gid(ev);
    const ban = ev.sub_type !== 'lift_ban';
    const operator = look.operator(groupId, opId(ev));
    if (uid(ev) === 0) return [{ type: 'GroupMuteAllEvent', origin: !ban, current: ban, group: look.group(groupId), operator }];
    const duration = Math.max(0, int(ev.duration));
    if (uid(ev) === look.botId) {
      const op = look.member(groupId, opId(ev));
      return [ban ? { type: 'BotMuteEvent', durationSeconds: duration, operator: op } : { type: 'BotUnmuteEvent', operator: op }];
    }
    // The member as it is after the change (the directory still holds the state before it).
    const member = { ...look.member(groupId, uid(ev)), muteTimeRemaining: ban ? duration : 0 };
    return [ban ? { type: 'MemberMuteEvent', durationSeconds: duration, member, operator } : { type: 'MemberUnmuteEvent', member, operator }];
  },
  group_card: (ev, look) => {
    if (uid(ev) === look.botId) return [];
    const member = look.member(gid(ev), uid(ev));
    const current = str(ev.card_new);
    return [{ type: 'MemberCardChangeEvent', origin: str(ev.card_old), current, member: { ...member, memberName: current || member.memberName } }];
  },
  'notify.title': (ev, look) => {
    if (uid(ev) === look.botId) return [];
    const member = look.member(gid(ev), uid(ev));
    const current = str(ev.title);
    return [{ type: 'MemberSpecialTitleChangeEvent', origin: member.specialTitle === current ? '' : member.specialTitle, current, member: { ...member, specialTitle: current } }];
  },
  group_admin: (ev, look) => {
    const groupId = gid(ev);
    const set = ev.sub_type === 'set';
    const origin: Permission = set ? 'MEMBER' : 'ADMINISTRATOR';
    const current: Permission = set ? 'ADMINISTRATOR' : 'MEMBER';
    if (uid(ev) === look.botId) return [{ type: 'BotGroupPermissionChangeEvent', origin, current, group: { ...look.group(groupId), permission: current } }];
    return [{ type: 'MemberPermissionChangeEvent', origin, current, member: { ...look.member(groupId, uid(ev)), permission: current } }];
  },
  'notify.honor': (ev, look) =>
    uid(ev) === look.botId ? [] : [{ type: 'MemberHonorChangeEvent', member: look.member(gid(ev), uid(ev)), action: 'achieve', honor: entry(HONORS, str(ev.honor_type)) ?? UNKNOWN_HONOR }],
  'notify.group_name': (ev, look, ctx) => groupNameChange(str(ev.name_new ?? ev.name))(ev, look, ctx),
  group_name_change: (ev, look, ctx) => groupNameChange(str(ev.name ?? ev.name_new))(ev, look, ctx),
  friend_add: (ev, look) => [{ type: 'FriendAddEvent', friend: look.friend(uid(ev)), stranger: false }],
  friend_decrease: (ev, look) => [{ type: 'FriendDeleteEvent', friend: look.friend(uid(ev)) }],
  'notify.input_status': (ev, look) =>
    gid(ev) ? [] : [{ type: 'FriendInputStatusChangedEvent', friend: look.friend(uid(ev)), inputting: int(ev.event_type) === 1 }],
  bot_offline: (ev, look) => {
    const qq = int(ev.user_id) || look.botId;
    const tag = str(ev.tag);
    return [DROPPED.test(tag) ? { type: 'BotOfflineEventDropped', qq } : { type: 'BotOfflineEventForce', qq, title: tag, message: str(ev.message) }];
  },
  bot_online: (ev, look) => [{ type: 'BotOnlineEvent', qq: look.botId }, { type: 'BotReloginEvent', qq: look.botId }],
  client_status: (ev) => {
    const c = isRecord(ev.client) ? ev.client : {};
    const client = { id: int(c.app_id ?? c.id), platform: platformOf(str(c.device_kind ?? c.platform)) };
    return [{ type: ev.online === false || ev.online === 'false' ? 'OtherClientOfflineEvent' : 'OtherClientOnlineEvent', client }];
  },
};

function nickOf(ev: OneBotEvent, look: Lookup, userId: number): string {
  return str(ev.nickname) || (look.isFriend(userId) ? look.friend(userId).nickname : '');
}

export const REQUESTS: Record<string, Translate> = {
  friend: (ev, look, ctx) => {
    const fromId = uid(ev);
    const eventId = ctx.requests.idFor(look.botId, { flag: str(ev.flag), kind: 'friend', fromId, groupId: gid(ev) });
    return [{ type: 'NewFriendRequestEvent', eventId, message: str(ev.comment), fromId, groupId: gid(ev), nick: nickOf(ev, look, fromId) }];
  },
  'group.add': (ev, look, ctx) => {
    const fromId = uid(ev);
    const groupId = gid(ev);
    const eventId = ctx.requests.idFor(look.botId, { flag: str(ev.flag), kind: 'join', fromId, groupId });
    const invitor = int(ev.invitor_id ?? ev.inviter_id);
    return [{
      type: 'MemberJoinRequestEvent', eventId, message: str(ev.comment), fromId, groupId,
      groupName: look.group(groupId).name, nick: nickOf(ev, look, fromId), invitorId: invitor || null,
    }];
  },
  'group.invite': (ev, look, ctx) => {
    const fromId = uid(ev);
    const groupId = gid(ev);
    const eventId = ctx.requests.idFor(look.botId, { flag: str(ev.flag), kind: 'invite', fromId, groupId });
    return [{ type: 'BotInvitedJoinGroupRequestEvent', eventId, message: '', fromId, groupId, groupName: look.group(groupId).name, nick: nickOf(ev, look, fromId) }];
  },
};

/**
 * Opt-in (`extraEvents`) passthrough of a OneBot notice/request that MAH has no type for.
 * The type name is ours; clients that do not know it must not enable the option.
 */
export function extraEvent(ev: OneBotEvent): MiraiEvent {
  const detail = str(ev.notice_type ?? ev.request_type);
  return { type: 'OneBotEvent', postType: ev.post_type, detailType: detail, subType: str(ev.sub_type), event: ev };
}
