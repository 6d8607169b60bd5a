/**
 * Contact lookups for the event translators: the directory first, else an object built from what
 * the event itself says (sender, group_name), so every declared field is present either way.
 */
import type { OneBotEvent } from '../../core/types';
import type { ContactDirectory, MiraiFriend, MiraiGroup, MiraiMember } from '../types';
import { oneBotMemberToMirai } from './contacts';
import { isRecord, str } from './util';

export interface Lookup {
  readonly botId: number;
  group(groupId: number): MiraiGroup;
  member(groupId: number, userId: number, sender?: Record<string, unknown>): MiraiMember;
  /** null when the operator is absent or the bot itself (MAH's convention). */
  operator(groupId: number, operatorId: number): MiraiMember | null;
  friend(userId: number, sender?: Record<string, unknown>): MiraiFriend;
  isFriend(userId: number): boolean;
}

export function createLookup(botId: number, directory: ContactDirectory, ev?: OneBotEvent): Lookup {
  const groupName = str(ev?.group_name);
  const group = (groupId: number): MiraiGroup =>
    directory.group(botId, groupId) ?? { id: groupId, name: groupName, permission: 'MEMBER' };
  const member = (groupId: number, userId: number, sender?: Record<string, unknown>): MiraiMember => {
    const known = directory.member(botId, groupId, userId);
    if (known) return known;
    const s = isRecord(sender) ? sender : {};
    const g = group(groupId);
    const m = oneBotMemberToMirai({ ...s, user_id: userId }, g);
    // The bot's own role in a group is known from the group object.
    if (userId === botId && s.role === undefined) m.permission = g.permission;
    if (!m.memberName) m.memberName = userId === botId ? directory.botNickname(botId) : directory.friend(botId, userId)?.nickname ?? '';
    return m;
  };
  return {
    botId,
    group,
    member,
    operator: (groupId, operatorId) => (!operatorId || operatorId === botId ? null : member(groupId, operatorId)),
    friend(userId, sender) {
      const known = directory.friend(botId, userId);
      if (known) return known;
      if (userId === botId) return { id: botId, nickname: directory.botNickname(botId), remark: '' };
      const s = isRecord(sender) ? sender : {};
      return { id: userId, nickname: str(s.nickname), remark: str(s.remark) };
    },
    isFriend: (userId) => directory.friend(botId, userId) !== undefined,
  };
}
