/** `.handle_quick_operation`: what a webhook reply asks for, done on the event's conversation. */
import { BridgeError, badParams } from '../../../errors';
import { messageToSegments } from '../../../core/segments';
import type { Params } from '../../../core/types';
import type { Handler, SandboxContext } from '../context';
import { boolParam, intParam } from './group-common';
import { findMessage } from './message-model';
import { recall, requireMayRecall, sendGroup, sendPrivate } from './message-send';

/** Kick, ban and request handling belong to the group and account handlers: run theirs. */
async function run(ctx: SandboxContext, action: string, params: Params): Promise<unknown> {
  // Required lazily: the handler registry imports this file.
  const { SANDBOX_HANDLERS } = require('./index') as typeof import('./index');
  const h = SANDBOX_HANDLERS.get(action);
  if (!h) throw new BridgeError('unsupported', `${action} is not supported by the sandbox`);
  return h(ctx, params);
}

const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

async function onMessage(ctx: SandboxContext, c: Params, op: Params): Promise<unknown> {
  const group = c.message_type === 'group';
  if (!group && c.message_type !== 'private') throw badParams(`unknown message_type ${String(c.message_type)}`);
  const sender = isObject(c.sender) ? c.sender : {};
  const userId = intParam({ user_id: c.user_id ?? sender.user_id }, 'user_id');
  const groupId = group ? intParam(c, 'group_id') : undefined;
  let result: unknown = null;
  if (op.reply !== undefined && op.reply !== '') {
    let segs = messageToSegments(op.reply, boolParam(op, 'auto_escape', false));
    if (group) {
      if (boolParam(op, 'at_sender', true)) {
        const [first, ...rest] = segs;
        const spaced = first.type === 'text' ? [{ type: 'text', data: { ...first.data, text: ` ${String(first.data.text ?? '')}` } }, ...rest] : [{ type: 'text', data: { text: ' ' } }, ...segs];
        segs = [{ type: 'at', data: { qq: String(userId) } }, ...spaced];
      }
      result = { message_id: (await sendGroup(ctx, groupId!, segs)).message_id };
    } else {
      // The bot's own message (message_sent) continues the chat with whom it wrote to.
      const peer = c.post_type === 'message_sent' ? intParam(c, 'target_id') : userId;
      const via = c.sub_type === 'group' ? intParam({ g: sender.group_id ?? c.group_id }, 'g') : undefined;
      result = { message_id: (await sendPrivate(ctx, peer, segs, via)).message_id };
    }
  }
  if (!group) return result;
  if (boolParam(op, 'delete', false)) {
    const m = findMessage(ctx, intParam(c, 'message_id'));
    requireMayRecall(ctx, m, ctx.selfId);
    recall(ctx, m, ctx.selfId);
  }
  if (boolParam(op, 'kick', false)) await run(ctx, 'set_group_kick', { group_id: groupId, user_id: userId, reject_add_request: false });
  if (boolParam(op, 'ban', false)) await run(ctx, 'set_group_ban', { group_id: groupId, user_id: userId, duration: intParam(op, 'ban_duration', 1800) });
  return result;
}

async function onRequest(ctx: SandboxContext, c: Params, op: Params): Promise<unknown> {
  if (op.approve === undefined || op.approve === null) return null;
  const approve = boolParam(op, 'approve', true);
  const flag = String(c.flag ?? '');
  if (!flag) throw badParams('context has no flag');
  if (c.request_type === 'friend') return run(ctx, 'set_friend_add_request', { flag, approve, remark: String(op.remark ?? '') });
  if (c.request_type === 'group') return run(ctx, 'set_group_add_request', { flag, sub_type: c.sub_type, approve, reason: String(op.reason ?? '') });
  throw badParams(`unknown request_type ${String(c.request_type)}`);
}

export const QUICK_HANDLERS: Record<string, Handler> = {
  handle_quick_operation: async (ctx, p: { context: Params; operation?: Params }) => {
    const c = p.context;
    const op = isObject(p.operation) ? p.operation : {};
    switch (c.post_type) {
      case 'message':
      case 'message_sent':
        return onMessage(ctx, c, op);
      case 'request':
        return onRequest(ctx, c, op);
      case 'notice':
      case 'meta_event':
        return null;
      default:
        throw badParams(`unknown post_type ${String(c.post_type)}`);
    }
  },
};
