/** Merged forwards ("合并转发"): nodes → a stored forward with an opaque id, and back to OneBot shapes. */
import { badParams, notFound } from '../../../errors';
import { messageToSegments } from '../../../core/segments';
import { segmentsToCq } from '../../../core/cq-code';
import type { Segment } from '../../../core/types';
import type { SandboxContext } from '../context';
import { now, type ForwardNode } from '../world';
import { personOf } from './group-common';
import { displayName } from './message-model';
import { composeMessage } from './message-compose';

/** QQ lets a forward hold forwards a few levels deep. */
const MAX_DEPTH = 3;
const MAX_NODES = 200;

export const isNodeList = (segs: Segment[]) => segs.length > 0 && segs.every((s) => s.type === 'node');

function intOrSelf(ctx: SandboxContext, v: unknown): number {
  if (v === undefined || v === null || v === '') return ctx.selfId;
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw badParams('node user_id must be a QQ number');
  return n;
}

async function nodeOf(ctx: SandboxContext, seg: Segment, depth: number): Promise<ForwardNode> {
  if (seg.type !== 'node') throw badParams(`a forward is made of node segments, not ${seg.type}`);
  const d = seg.data ?? {};
  const content = d.content ?? d.message;
  if (content === undefined && d.id !== undefined) {
    // A node by id quotes an existing message as it was sent.
    const m = /^\d+$/.test(String(d.id)) ? ctx.world.messages.get(Number(d.id)) : undefined;
    if (!m || m.recalled) throw badParams(`node: message ${String(d.id)} not found`);
    const g = m.message_type === 'group' ? ctx.world.groups.get(m.peer_id) : undefined;
    return { user_id: m.user_id, nickname: displayName(ctx, m.user_id, g), time: m.time, content: m.message.map((s) => ({ ...s })) };
  }
  if (content === undefined) throw badParams('node needs content (or the id of a message)');
  const user_id = intOrSelf(ctx, d.user_id ?? d.uin);
  const name = d.nickname ?? d.name;
  const nickname = typeof name === 'string' && name ? name : personOf(ctx, user_id).nickname;
  const t = Number(d.time);
  const segs = messageToSegments(content);
  const body = isNodeList(segs) ? [{ type: 'forward', data: { id: await buildForward(ctx, segs, depth + 1) } }] : await composeMessage(ctx, segs);
  return { user_id, nickname, time: Number.isSafeInteger(t) && t > 0 ? t : now(), content: body };
}

/** Store a forward built from node segments; returns its id (what `forward`/`get_forward_msg` use). */
export async function buildForward(ctx: SandboxContext, nodes: Segment[], depth = 0): Promise<string> {
  if (depth > MAX_DEPTH) throw badParams(`forwards nest at most ${MAX_DEPTH} levels deep`);
  if (!nodes.length) throw badParams('a forward needs at least one node');
  if (nodes.length > MAX_NODES) throw badParams(`a forward holds at most ${MAX_NODES} nodes`);
  const out: ForwardNode[] = [];
  for (const n of nodes) out.push(await nodeOf(ctx, n, depth));
  const id = `forward-${ctx.world.counters.forward++}`;
  ctx.world.forwards.set(id, out);
  return id;
}

/** Messages given as node segments are sent as a forward (QQ has no other way to send nodes). */
export async function nodesToForwardMessage(ctx: SandboxContext, segs: Segment[]): Promise<Segment[] | undefined> {
  return isNodeList(segs) ? [{ type: 'forward', data: { id: await buildForward(ctx, segs) } }] : undefined;
}

/**
 * get_forward_msg: `messages` in the message-object style most clients read, `message` as the standard's
 * node segments. A message id whose message holds a forward is accepted too.
 */
export function forwardToOneBot(ctx: SandboxContext, id: string) {
  let nodes = ctx.world.forwards.get(id);
  if (!nodes && /^\d+$/.test(id)) {
    const fwd = ctx.world.messages.get(Number(id))?.message.find((s) => s.type === 'forward');
    if (fwd) nodes = ctx.world.forwards.get(String(fwd.data.id));
  }
  if (!nodes) throw notFound(`forward ${id} not found`);
  return {
    messages: nodes.map((n) => ({
      time: n.time,
      user_id: n.user_id,
      nickname: n.nickname,
      sender: { user_id: n.user_id, nickname: n.nickname },
      content: n.content,
      message: n.content,
      raw_message: segmentsToCq(n.content),
    })),
    message: nodes.map((n) => ({ type: 'node', data: { user_id: n.user_id, nickname: n.nickname, content: n.content } })),
  };
}
