/** Sending, fetching and recalling messages: the bot's sends and what the other people write. */
import { BridgeError, badParams } from '../../../errors';
import { messageToSegments } from '../../../core/segments';
import type { Segment } from '../../../core/types';
import type { Handler, SandboxContext } from '../context';
import { now, storeMessage, type Group, type StoredMessage } from '../world';
import { notice } from './group-common';
import { botGroup, findMessage, outranks, requireCanSpeak, requireFriend, requirePrivatePeer, stateOf, storedToOneBot } from './message-model';
import { composeMessage } from './message-compose';
import { buildForward, forwardToOneBot, isNodeList, nodesToForwardMessage } from './message-forward';

/** Normalise a message for storage; a message of node segments becomes a forward. */
export async function finalise(ctx: SandboxContext, segs: Segment[], incoming = false): Promise<Segment[]> {
  // `return await`, and no forward lookup for a plain message: each saves microtask turns per send.
  if (!isNodeList(segs)) return await composeMessage(ctx, segs, incoming);
  return (await nodesToForwardMessage(ctx, segs)) ?? (await composeMessage(ctx, segs, incoming));
}

export function deliverGroup(ctx: SandboxContext, g: Group, userId: number, message: Segment[], self: boolean): StoredMessage {
  const m = storeMessage(ctx.world, { time: now(), message_type: 'group', sub_type: 'normal', user_id: userId, peer_id: g.group_id, group_id: g.group_id, message, self });
  const mem = g.members.get(userId);
  if (mem) mem.last_sent_time = m.time;
  return m;
}

/** A private message between the bot and `peer`; `viaGroup` makes it a temp-session message. */
export function deliverPrivate(ctx: SandboxContext, peer: number, message: Segment[], self: boolean, viaGroup?: number): StoredMessage {
  return storeMessage(ctx.world, {
    time: now(), message_type: 'private', sub_type: viaGroup === undefined ? 'friend' : 'group',
    user_id: self ? ctx.selfId : peer, peer_id: peer, ...(viaGroup === undefined ? {} : { group_id: viaGroup }), message, self,
  });
}

/** The bot's group send: the bot must be in the group and allowed to speak. */
export async function sendGroup(ctx: SandboxContext, groupId: number, segs: Segment[]): Promise<StoredMessage> {
  const { g, me } = botGroup(ctx, groupId);
  requireCanSpeak(g, me);
  return deliverGroup(ctx, g, ctx.selfId, await finalise(ctx, segs), true);
}

/** The bot's private send: to a friend, or (with `viaGroup`) a temp message to a member of that group. */
export async function sendPrivate(ctx: SandboxContext, userId: number, segs: Segment[], viaGroup?: number): Promise<StoredMessage> {
  const kind = requirePrivatePeer(ctx, userId, viaGroup);
  return deliverPrivate(ctx, userId, await finalise(ctx, segs), true, kind === 'group' ? viaGroup : undefined);
}

/** send_msg / send_forward_msg: which conversation the params name. */
export function routeOf(p: { message_type?: string; user_id?: number; group_id?: number }): 'group' | 'private' {
  const type = (p.message_type as 'group' | 'private' | undefined) ?? (p.group_id !== undefined ? 'group' : p.user_id !== undefined ? 'private' : undefined);
  if (type === 'group' && p.group_id === undefined) throw badParams('missing field: group_id');
  if (type === 'private' && p.user_id === undefined) throw badParams('missing field: user_id');
  if (!type) throw badParams('missing field: group_id or user_id');
  return type;
}

const sendTo = (ctx: SandboxContext, p: { message_type?: string; user_id?: number; group_id?: number }, segs: Segment[]) =>
  routeOf(p) === 'group' ? sendGroup(ctx, p.group_id!, segs) : sendPrivate(ctx, p.user_id!, segs, p.group_id);

/** Recall: mark it gone, drop its essence entry and reactions, and tell the bot what QQ would show. */
export function recall(ctx: SandboxContext, m: StoredMessage, operatorId: number): void {
  m.recalled = true;
  stateOf(ctx.world).likes.delete(m.message_id);
  if (m.message_type === 'group') {
    const g = ctx.world.groups.get(m.peer_id);
    if (g) g.essence = g.essence.filter((e) => e.message_id !== m.message_id);
    notice(ctx, 'group_recall', { group_id: m.peer_id, user_id: m.user_id, operator_id: operatorId, message_id: m.message_id });
  } else {
    notice(ctx, 'friend_recall', { user_id: m.peer_id, operator_id: operatorId, message_id: m.message_id });
  }
}

/** Whether `operatorId` may recall `m`: one's own message, or a group message of someone they outrank. */
export function requireMayRecall(ctx: SandboxContext, m: StoredMessage, operatorId: number): void {
  if (m.user_id === operatorId) return;
  if (m.message_type === 'private') throw new BridgeError('permission', 'only the sender can recall a private message');
  const g = ctx.world.groups.get(m.peer_id);
  const op = g?.members.get(operatorId);
  if (!g || !op) throw new BridgeError('permission', `user ${operatorId} is not in group ${m.peer_id}`);
  const sender = g.members.get(m.user_id);
  if (sender ? !outranks(op, sender) : op.role === 'member') {
    throw new BridgeError('permission', `user ${operatorId} cannot recall a message of user ${m.user_id} in group ${g.group_id}`);
  }
}

const sent = (m: StoredMessage) => ({ message_id: m.message_id });
const forwardSent = (m: StoredMessage) => {
  const id = String(m.message[0].data.id);
  return { message_id: m.message_id, forward_id: id, res_id: id };
};

async function sendForward(ctx: SandboxContext, p: { message_type?: string; user_id?: number; group_id?: number; messages: Segment[] }) {
  const route = routeOf(p);
  // Check the conversation before storing the forward, so a refused send leaves nothing behind.
  if (route === 'group') {
    const { g, me } = botGroup(ctx, p.group_id!);
    requireCanSpeak(g, me);
  } else requirePrivatePeer(ctx, p.user_id!, p.group_id);
  const segs = [{ type: 'forward', data: { id: await buildForward(ctx, p.messages) } }];
  return forwardSent(await sendTo(ctx, p, segs));
}

export const SEND_HANDLERS: Record<string, Handler> = {
  send_private_msg: async (ctx, p) => sent(await sendPrivate(ctx, p.user_id, messageToSegments(p.message, p.auto_escape), p.group_id)),
  send_group_msg: async (ctx, p) => sent(await sendGroup(ctx, p.group_id, messageToSegments(p.message, p.auto_escape))),
  send_msg: async (ctx, p) => sent(await sendTo(ctx, p, messageToSegments(p.message, p.auto_escape))),
  send_group_forward_msg: (ctx, p) => sendForward(ctx, { ...p, message_type: 'group' }),
  send_private_forward_msg: (ctx, p) => sendForward(ctx, { ...p, message_type: 'private' }),
  send_forward_msg: (ctx, p) => sendForward(ctx, p),
  get_forward_msg: (ctx, p) => forwardToOneBot(ctx, p.id),
  get_msg: (ctx, p) => storedToOneBot(ctx, findMessage(ctx, p.message_id)),
  delete_msg: (ctx, p) => {
    const m = findMessage(ctx, p.message_id);
    if (m.message_type === 'group') botGroup(ctx, m.peer_id);
    requireMayRecall(ctx, m, ctx.selfId);
    recall(ctx, m, ctx.selfId);
    return null;
  },
  forward_friend_single_msg: async (ctx, p) => {
    const m = findMessage(ctx, p.message_id);
    requireFriend(ctx, p.user_id);
    return sent(deliverPrivate(ctx, p.user_id, m.message.map((s) => ({ ...s })), true));
  },
  forward_group_single_msg: async (ctx, p) => {
    const m = findMessage(ctx, p.message_id);
    const { g, me } = botGroup(ctx, p.group_id);
    requireCanSpeak(g, me);
    return sent(deliverGroup(ctx, g, ctx.selfId, m.message.map((s) => ({ ...s })), true));
  },
};
