/**
 * Account state the world data does not carry (session, notification masks, today's likes, web
 * credentials), kept beside each world so the world shape stays plain data.
 */
import crypto from 'node:crypto';
import { createBoundedMap, type BoundedMap } from '../../../bounded';
import { BridgeError } from '../../../errors';
import { MAX_PENDING_REQUESTS, type Person, type World } from '../world';

/** A friend request QQ held back as doubtful: no request event, only get_doubt_friends_add_request shows it. */
export interface DoubtRequest {
  flag: string; user_id: number; nickname: string; comment: string; source: string; reason: string; group_id: number; time: number;
}

export interface AccountState {
  /** False while the bot is kicked offline (control op `bot_offline`). */
  online: boolean;
  /** How many times the bot went offline since the start. */
  offlineCount: number;
  /** Events the other people caused while the bot was offline, never delivered. */
  missedEvents: number;
  /** Friends whose messages do not notify (set_friend_msg_mask). */
  masked: Set<number>;
  /** Likes given today, per user: QQ caps them per day. */
  likeDay: number;
  likesToday: Map<number, number>;
  skey: string;
  clientkey: string;
  /** Doubtful friend requests by flag, oldest first; the oldest are forgotten first. */
  doubt: BoundedMap<string, DoubtRequest>;
}

const states = new WeakMap<World, AccountState>();

/** Forget a person's doubtful friend request (a person has one at a time; a friend has none). */
export function forgetDoubtOf(world: World, userId: number): void {
  const doubt = accountState(world).doubt;
  for (const [flag, r] of doubt) if (r.user_id === userId) doubt.delete(flag);
}

export function accountState(world: World): AccountState {
  let s = states.get(world);
  if (!s) {
    s = {
      online: true,
      offlineCount: 0,
      missedEvents: 0,
      masked: new Set(),
      likeDay: 0,
      likesToday: new Map(),
      skey: '@' + crypto.randomBytes(6).toString('base64url').slice(0, 9),
      clientkey: crypto.randomBytes(32).toString('hex').toUpperCase(),
      doubt: createBoundedMap({ capacity: MAX_PENDING_REQUESTS }),
    };
    states.set(world, s);
  }
  return s;
}

/** A person the account can see, the bot included; `not_found` otherwise. */
export function personOf(world: World, userId: number): Person {
  if (userId === world.self.user_id) return world.self;
  const p = world.people.get(userId);
  if (!p) throw new BridgeError('not_found', `user ${userId} not found`);
  return p;
}

export function friendOf(world: World, userId: number) {
  const f = world.friends.get(userId);
  if (!f) throw new BridgeError('not_found', `user ${userId} is not a friend`);
  return f;
}

export const avatarUrl = (userId: number) => `https://q.qlogo.cn/g?b=qq&nk=${userId}&s=640`;
export const groupAvatarUrl = (groupId: number) => `https://p.qlogo.cn/gh/${groupId}/${groupId}/640`;
