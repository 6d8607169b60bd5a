/** Friends, friend categories and friend requests. */
import { BridgeError } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import type { FriendEntry, World } from '../world';
import { accountState, forgetDoubtOf, friendOf, type DoubtRequest } from './account-state';

export function friendToOneBot(world: World, f: FriendEntry) {
  const p = world.people.get(f.user_id);
  return {
    user_id: f.user_id, nickname: p?.nickname ?? String(f.user_id), remark: f.remark,
    sex: p?.sex ?? 'unknown', age: p?.age ?? 0, level: p?.level ?? 1, category_id: f.category_id,
  };
}

/** Make `userId` a friend and tell the bot (notice friend_add). */
export function addFriend(ctx: SandboxContext, userId: number, remark = '', categoryId = 0): void {
  // A friend has no request left pending, ordinary or doubtful.
  for (const [flag, r] of ctx.world.requests) if (r.request_type === 'friend' && r.user_id === userId) ctx.world.requests.delete(flag);
  forgetDoubtOf(ctx.world, userId);
  ctx.world.friends.set(userId, { user_id: userId, remark, category_id: categoryId });
  ctx.world.blocked.delete(userId);
  ctx.world.unidirectional = ctx.world.unidirectional.filter((u) => u.user_id !== userId);
  ctx.emit({ post_type: 'notice', notice_type: 'friend_add', user_id: userId });
}

/** A doubtful request as NapCat lists it: NT strings for the uin, group and time. */
const doubtToOneBot = (r: DoubtRequest) => ({
  flag: r.flag, uin: String(r.user_id), nick: r.nickname, source: r.source, reason: r.reason, msg: r.comment,
  group_code: String(r.group_id), time: String(r.time), type: 'doubt',
});

/** QQ allows a few dozen categories; the sandbox bounds them likewise. */
export const MAX_CATEGORIES = 100;

function categoryOf(world: World, id: number) {
  const c = world.categories.get(id);
  if (!c) throw new BridgeError('not_found', `friend category ${id} not found`);
  return c;
}

export const FRIEND_HANDLERS: Record<string, Handler> = {
  get_friend_list: ({ world }) => [...world.friends.values()].map((f) => friendToOneBot(world, f)),

  get_friends_with_category: ({ world }) => {
    // Friends may sit in a category that no longer exists (set_friend_category allows it): list it with an empty name.
    const ids = new Set([...world.categories.keys(), ...[...world.friends.values()].map((f) => f.category_id)]);
    return [...ids].sort((a, b) => a - b).map((id) => {
      const name = world.categories.get(id)?.category_name ?? '';
      const members = [...world.friends.values()].filter((f) => f.category_id === id).map((f) => friendToOneBot(world, f));
      return {
        category_id: id,
        category_name: name,
        friends: members.map(({ user_id, nickname, remark }) => ({ user_id, nickname, remark })),
        // The same list under the camelCase keys other implementations use.
        categoryId: id,
        categoryName: name,
        categoryMbCount: members.length,
        buddyList: members,
      };
    });
  },

  add_friend_category: ({ world }, p: { name: string }) => {
    if (world.categories.size >= MAX_CATEGORIES) throw new BridgeError('rejected', `at most ${MAX_CATEGORIES} friend categories`);
    // QQ numbers categories with small sequential ids.
    const id = Math.max(-1, ...world.categories.keys()) + 1;
    world.categories.set(id, { category_id: id, category_name: p.name });
    // The seed page (the user's spec) answers null; the new id shows in get_friends_with_category.
    return null;
  },

  delete_friend_category: ({ world }, p: { id: number }) => {
    categoryOf(world, p.id);
    if (p.id === 0) throw new BridgeError('rejected', 'the default friend category cannot be deleted');
    world.categories.delete(p.id);
    // Its friends fall back to the default category, as on QQ.
    for (const f of world.friends.values()) if (f.category_id === p.id) f.category_id = 0;
  },

  rename_friend_category: ({ world }, p: { id: number; name: string }) => {
    categoryOf(world, p.id).category_name = p.name;
  },

  set_friend_category: ({ world }, p: { user_id: number; category_id: number }) => {
    friendOf(world, p.user_id).category_id = p.category_id;
  },

  set_friend_remark: ({ world }, p: { user_id: number; remark: string }) => {
    friendOf(world, p.user_id).remark = p.remark;
  },

  set_friend_msg_mask: ({ world }, p: { user_id: number; enable: boolean }) => {
    friendOf(world, p.user_id);
    const masked = accountState(world).masked;
    if (p.enable) masked.add(p.user_id);
    else masked.delete(p.user_id);
  },

  get_friend_msg_mask: ({ world }, p: { user_id: number }) => {
    friendOf(world, p.user_id);
    return { user_id: p.user_id, enable: accountState(world).masked.has(p.user_id) };
  },

  delete_friend: ({ world }, p: { user_id: number; block: boolean }) => {
    friendOf(world, p.user_id);
    // QQ does not tell the one who deletes: no notice here.
    world.friends.delete(p.user_id);
    accountState(world).masked.delete(p.user_id);
    if (p.block) world.blocked.add(p.user_id);
  },

  get_unidirectional_friend_list: ({ world }) => world.unidirectional.map(({ user_id, nickname, source }) => ({ user_id, nickname, source })),

  set_friend_add_request: (ctx, p: { flag: string; approve: boolean; remark: string }) => {
    const req = ctx.world.requests.get(p.flag);
    if (!req || req.request_type !== 'friend') throw new BridgeError('bad_params', `no pending friend request with flag ${p.flag}`);
    ctx.world.requests.delete(p.flag);
    if (p.approve && !ctx.world.friends.has(req.user_id)) addFriend(ctx, req.user_id, p.remark);
  },

  get_doubt_friends_add_request: ({ world }, p: { count: number }) =>
    [...accountState(world).doubt.values()].reverse().slice(0, p.count).map(doubtToOneBot),

  /** Approving (the default) makes a friend, as an approved ordinary request does; refusing drops the request. */
  set_doubt_friends_add_request: (ctx, p: { flag: string; approve: boolean }) => {
    const doubt = accountState(ctx.world).doubt;
    const req = doubt.get(p.flag);
    if (!req) throw new BridgeError('bad_params', `no doubtful friend request with flag ${p.flag}`);
    doubt.delete(p.flag);
    if (p.approve && !ctx.world.friends.has(req.user_id)) addFriend(ctx, req.user_id);
  },
};
