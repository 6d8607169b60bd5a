/** OneBot contact objects (friend, group, member, stranger) → mirai Friend / Group / Member / Profile. */
import type { MiraiFriend, MiraiGroup, MiraiMember, Permission } from '../types';
import { entry, INT32_MAX, int, str } from './util';

const ROLE_PERMISSION: Record<string, Permission> = { owner: 'OWNER', admin: 'ADMINISTRATOR', member: 'MEMBER' };

export function roleToPermission(role: string | undefined): Permission {
  return entry(ROLE_PERMISSION, str(role).toLowerCase()) ?? 'MEMBER';
}

export function oneBotFriendToMirai(f: Record<string, unknown>): MiraiFriend {
  return { id: int(f.user_id ?? f.id), nickname: str(f.nickname ?? f.nick), remark: str(f.remark) };
}

export function oneBotGroupToMirai(g: Record<string, unknown>, botRole: string | undefined): MiraiGroup {
  return { id: int(g.group_id ?? g.id), name: str(g.group_name ?? g.name), permission: roleToPermission(botRole) };
}

/** memberName is the card, or the nickname when no card is set; the mute end time becomes seconds left. */
export function oneBotMemberToMirai(m: Record<string, unknown>, group: MiraiGroup, now = Math.floor(Date.now() / 1000)): MiraiMember {
  const muteUntil = int(m.shut_up_timestamp);
  return {
    id: int(m.user_id ?? m.id),
    memberName: str(m.card) || str(m.nickname),
    specialTitle: str(m.title),
    permission: roleToPermission(str(m.role)),
    joinTimestamp: int(m.join_time),
    lastSpeakTimestamp: int(m.last_sent_time),
    muteTimeRemaining: muteUntil > now ? Math.min(muteUntil - now, INT32_MAX) : 0,
    group,
    active: null,
  };
}

const SEX: Record<string, 'MALE' | 'FEMALE'> = { male: 'MALE', female: 'FEMALE' };

/** Every field always present (a client's validation rejects a missing one). */
export function oneBotProfileToMirai(p: Record<string, unknown>): {
  nickname: string; email: string; age: number; level: number; sign: string; sex: 'MALE' | 'FEMALE' | 'UNKNOWN';
} {
  return {
    nickname: str(p.nickname ?? p.nick),
    email: str(p.email),
    age: int(p.age),
    level: int(p.level ?? p.qqLevel),
    sign: str(p.long_nick ?? p.longNick ?? p.sign),
    sex: entry(SEX, str(p.sex).toLowerCase()) ?? 'UNKNOWN',
  };
}
