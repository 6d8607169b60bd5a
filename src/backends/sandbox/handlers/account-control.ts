/**
 * Control ops that play the bot's contacts and QQ itself on the account side:
 * friend requests, friends adding or dropping the bot, typing, likes, being kicked offline.
 */
import { BridgeError, badParams } from '../../../errors';
import type { ControlOp, SandboxContext } from '../context';
import { now, type Person } from '../world';
import { accountState, forgetDoubtOf, friendOf } from './account-state';
import { addFriend } from './account-friends';

// The control surface is a test and debugging tool: its few params are checked here, by hand.
function uin(v: unknown, name = 'user_id'): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw badParams(`${name} must be a QQ number`);
  return n;
}
function text(v: unknown, name: string, fallback: string, max = 1000): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' && typeof v !== 'number') throw badParams(`${name} must be a string`);
  const s = String(v);
  if (s.length > max) throw badParams(`${name} longer than ${max}`);
  return s;
}
function int(v: unknown, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw badParams(`${name} must be an integer in ${min}..${max}`);
  return n;
}

/** Someone other than the bot; created with `nickname` when the world has not met them yet. */
function other(ctx: SandboxContext, userId: number, nickname?: string): Person {
  if (userId === ctx.selfId) throw badParams('user_id is the bot itself');
  let p = ctx.world.people.get(userId);
  if (!p) {
    p = { user_id: userId, nickname: nickname ?? String(userId), sex: 'unknown', age: 0, level: 1, long_nick: '', email: '' };
    ctx.world.people.set(userId, p);
  }
  return p;
}
function known(ctx: SandboxContext, userId: number): Person {
  const p = userId === ctx.selfId ? undefined : ctx.world.people.get(userId);
  if (!p) throw new BridgeError('not_found', `user ${userId} not found`);
  return p;
}

export const ACCOUNT_CONTROL_OPS: Record<string, ControlOp> = {
  /** Someone asks to become the bot's friend: a pending request and a `request` event. */
  friend_request: {
    method: 'POST',
    run(ctx, p) {
      const { world } = ctx;
      const userId = uin(p.user_id);
      if (world.friends.has(userId)) throw new BridgeError('rejected', `${userId} is already a friend`);
      if (world.blocked.has(userId)) throw new BridgeError('rejected', `the bot has blocked ${userId}`);
      const person = other(ctx, userId, p.nickname === undefined ? undefined : text(p.nickname, 'nickname', '', 64));
      const comment = text(p.comment, 'comment', '');
      const source = text(p.source, 'source', '', 64);
      const flag = `friend-${++world.counters.flag}`;
      world.requests.set(flag, { flag, request_type: 'friend', sub_type: 'add', user_id: userId, group_id: 0, comment, time: now() });
      ctx.emit({ post_type: 'request', request_type: 'friend', user_id: userId, comment, flag, nickname: person.nickname, source });
      return { flag };
    },
  },

  /**
   * Someone asks to become the bot's friend and QQ holds the request back as doubtful: no event, only
   * get_doubt_friends_add_request lists it. A person has one such request at a time (the newest).
   */
  doubt_friend_request: {
    method: 'POST',
    run(ctx, p) {
      const userId = uin(p.user_id);
      if (ctx.world.friends.has(userId)) throw new BridgeError('rejected', `${userId} is already a friend`);
      if (ctx.world.blocked.has(userId)) throw new BridgeError('rejected', `the bot has blocked ${userId}`);
      const person = other(ctx, userId, p.nickname === undefined ? undefined : text(p.nickname, 'nickname', '', 64));
      const groupId = p.group_id === undefined ? 0 : uin(p.group_id, 'group_id');
      forgetDoubtOf(ctx.world, userId);
      const flag = `doubt-${++ctx.world.counters.flag}`;
      accountState(ctx.world).doubt.set(flag, {
        flag, user_id: userId, nickname: person.nickname, group_id: groupId, time: now(),
        comment: text(p.comment, 'comment', ''),
        source: text(p.source, 'source', groupId ? '群聊' : 'QQ号查找', 64),
        reason: text(p.reason, 'reason', '对方账号存在风险', 200),
      });
      return { flag };
    },
  },

  /** Someone becomes the bot's friend (e.g. accepted the bot's request): notice `friend_add`. */
  friend_add: {
    method: 'POST',
    run(ctx, p) {
      const userId = uin(p.user_id);
      if (ctx.world.friends.has(userId)) throw new BridgeError('rejected', `${userId} is already a friend`);
      other(ctx, userId, p.nickname === undefined ? undefined : text(p.nickname, 'nickname', '', 64));
      addFriend(ctx, userId);
      return { user_id: userId };
    },
  },

  /** A friend removes the bot: notice `friend_decrease`. */
  friend_delete: {
    method: 'POST',
    run(ctx, p) {
      const userId = uin(p.user_id);
      friendOf(ctx.world, userId);
      ctx.world.friends.delete(userId);
      accountState(ctx.world).masked.delete(userId);
      ctx.emit({ post_type: 'notice', notice_type: 'friend_decrease', user_id: userId });
      return { user_id: userId };
    },
  },

  /** A contact starts (event_type 1) or stops (0) typing to the bot. */
  input_status: {
    method: 'POST',
    run(ctx, p) {
      const userId = known(ctx, uin(p.user_id)).user_id;
      const eventType = int(p.event_type, 'event_type', 1, 0, 1);
      ctx.emit({
        post_type: 'notice', notice_type: 'notify', sub_type: 'input_status',
        user_id: userId, group_id: 0, event_type: eventType, status_text: eventType === 1 ? '对方正在输入...' : '',
      });
      return { user_id: userId, event_type: eventType };
    },
  },

  /** A contact likes the bot's profile card. */
  profile_like: {
    method: 'POST',
    run(ctx, p) {
      const person = known(ctx, uin(p.user_id));
      const times = int(p.times, 'times', 1, 1, 20);
      ctx.emit({ post_type: 'notice', notice_type: 'notify', sub_type: 'profile_like', operator_id: person.user_id, operator_nick: person.nickname, times });
      return { user_id: person.user_id, times };
    },
  },

  /**
   * QQ kicks the bot offline: notice `bot_offline`. Until `bot_online`, get_status reports online
   * false, actions that need QQ's servers fail (handlers/offline.ts) and no event reaches the bot.
   */
  bot_offline: {
    method: 'POST',
    run(ctx, p) {
      const state = accountState(ctx.world);
      if (!state.online) throw new BridgeError('rejected', 'the bot is already offline');
      const tag = text(p.tag, 'tag', 'kicked', 64);
      const message = text(p.message, 'message', 'the account logged in on another device');
      // Told before the flip: it is the last event an offline bot gets.
      ctx.emit({ post_type: 'notice', notice_type: 'bot_offline', user_id: ctx.selfId, tag, message });
      state.online = false;
      state.offlineCount++;
      return { online: false };
    },
  },

  /** The bot is back online: notice `bot_online`. */
  bot_online: {
    method: 'POST',
    run(ctx, p) {
      const state = accountState(ctx.world);
      if (state.online) throw new BridgeError('rejected', 'the bot is already online');
      const reason = text(p.reason, 'reason', 'reconnected', 64);
      state.online = true;
      ctx.emit({ post_type: 'notice', notice_type: 'bot_online', user_id: ctx.selfId, reason });
      return { online: true };
    },
  },

  /** A summary of the world, for debugging. */
  world: {
    method: 'GET',
    run({ world }) {
      return {
        self: {
          user_id: world.self.user_id, nickname: world.self.nickname, long_nick: world.self.long_nick,
          online: accountState(world).online, online_status: world.self.online_status,
        },
        missed_events: accountState(world).missedEvents,
        friends: [...world.friends.keys()],
        groups: [...world.groups.keys()],
        categories: [...world.categories.values()].map((c) => ({ ...c })),
        blocked: [...world.blocked],
        requests: [...world.requests.keys()],
        doubt_requests: [...accountState(world).doubt.keys()],
        messages: world.messages.size,
      };
    },
  },
};
