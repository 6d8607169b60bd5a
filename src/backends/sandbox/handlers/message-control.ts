/** The message side of the control surface: the other people write, recall, poke and react. */
import { badParams } from '../../../errors';
import { messageToSegments } from '../../../core/segments';
import type { ControlOp, SandboxContext } from '../context';
import type { Group, StoredMessage } from '../world';
import { boolParam, intParam, strParam } from './group-common';
import { botGroup, conversation, findMessage, requireCanSpeak, requirePrivatePeer, storedToOneBot } from './message-model';
import { deliverGroup, deliverPrivate, finalise, recall, requireMayRecall } from './message-send';
import { friendPoke, groupPoke, react } from './message-extra';
import { unreadCount } from './message-history';

type P = Record<string, unknown>;
const optInt = (p: P, key: string) => (p[key] === undefined || p[key] === null || p[key] === '' ? undefined : intParam(p, key));

/** A group the bot is in, where `userId` is a member (bad_params otherwise: the caller named the wrong people). */
function sharedGroup(ctx: SandboxContext, groupId: number, userId: number): Group {
  const g = ctx.world.groups.get(groupId);
  if (!g || !g.members.has(ctx.selfId)) throw badParams(`the bot is not in group ${groupId}`);
  if (!g.members.has(userId)) throw badParams(`user ${userId} is not a member of group ${groupId}`);
  return g;
}

/** `?group_id=` or `?user_id=`: which conversation a GET names. */
function conversationOf(p: P): ['group' | 'private', number] {
  const g = optInt(p, 'group_id');
  if (g !== undefined) return ['group', g];
  return ['private', intParam(p, 'user_id')];
}

async function someoneWrites(ctx: SandboxContext, p: P): Promise<StoredMessage> {
  const userId = intParam(p, 'user_id');
  const groupId = optInt(p, 'group_id');
  const temp = boolParam(p, 'temp', false);
  const segs = messageToSegments(p.message);
  if ((temp || groupId === undefined) && ctx.world.blocked.has(userId)) throw badParams(`user ${userId} is blocked by the bot`);
  if (groupId !== undefined && !temp) {
    const g = sharedGroup(ctx, groupId, userId);
    requireCanSpeak(g, g.members.get(userId)!, `user ${userId}`);
    return deliverGroup(ctx, g, userId, await finalise(ctx, segs, true), false);
  }
  if (temp) {
    if (groupId === undefined) throw badParams('a temp message needs group_id');
    sharedGroup(ctx, groupId, userId);
    return deliverPrivate(ctx, userId, await finalise(ctx, segs, true), false, groupId);
  }
  if (!ctx.world.friends.has(userId)) throw badParams(`user ${userId} is not a friend (send with group_id, or temp:true)`);
  return deliverPrivate(ctx, userId, await finalise(ctx, segs, true), false);
}

/** The bot account writes from another device: stored like a send, reported as message_sent. */
async function selfWrites(ctx: SandboxContext, p: P): Promise<StoredMessage> {
  const groupId = optInt(p, 'group_id');
  const userId = optInt(p, 'user_id');
  const segs = messageToSegments(p.message);
  if (userId === undefined) {
    if (groupId === undefined) throw badParams('missing field: user_id or group_id');
    const { g, me } = botGroup(ctx, groupId);
    requireCanSpeak(g, me);
    return deliverGroup(ctx, g, ctx.selfId, await finalise(ctx, segs), true);
  }
  const kind = requirePrivatePeer(ctx, userId, groupId);
  return deliverPrivate(ctx, userId, await finalise(ctx, segs), true, kind === 'group' ? groupId : undefined);
}

export const MESSAGE_CONTROL_OPS: Record<string, ControlOp> = {
  message: {
    method: 'POST',
    async run(ctx, p: P) {
      const m = await someoneWrites(ctx, p);
      ctx.emit(storedToOneBot(ctx, m));
      return { message_id: m.message_id };
    },
  },
  self_message: {
    method: 'POST',
    async run(ctx, p: P) {
      const m = await selfWrites(ctx, p);
      ctx.emit(storedToOneBot(ctx, m, 'message_sent'));
      return { message_id: m.message_id };
    },
  },
  messages: {
    method: 'GET',
    run: (ctx, p: P) => {
      const [type, peer] = conversationOf(p);
      return conversation(ctx, type, peer).map((m) => storedToOneBot(ctx, m));
    },
  },
  unread: {
    method: 'GET',
    run: (ctx, p: P) => {
      const [type, peer] = conversationOf(p);
      return { unread: unreadCount(ctx, type, peer) };
    },
  },
  recall: {
    method: 'POST',
    run(ctx, p: P) {
      const m = findMessage(ctx, intParam(p, 'message_id'));
      const operator = optInt(p, 'operator_id') ?? m.user_id;
      requireMayRecall(ctx, m, operator);
      recall(ctx, m, operator);
      return { message_id: m.message_id };
    },
  },
  poke: {
    method: 'POST',
    run(ctx, p: P) {
      const userId = intParam(p, 'user_id');
      const target = optInt(p, 'target_id') ?? ctx.selfId;
      const groupId = optInt(p, 'group_id');
      return groupId !== undefined ? groupPoke(ctx, groupId, userId, target) : friendPoke(ctx, userId, userId, target);
    },
  },
  reaction: {
    method: 'POST',
    run(ctx, p: P) {
      const groupId = intParam(p, 'group_id');
      const m = findMessage(ctx, intParam(p, 'message_id'));
      if (m.message_type !== 'group' || m.peer_id !== groupId) throw badParams(`message ${m.message_id} is not in group ${groupId}`);
      const userId = intParam(p, 'user_id');
      sharedGroup(ctx, groupId, userId);
      react(ctx, m, userId, strParam(p, 'emoji_id'), boolParam(p, 'is_add', true));
      return null;
    },
  },
};
