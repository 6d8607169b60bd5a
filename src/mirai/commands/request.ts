/**
 * Answers to request events. eventId → OneBot flag through the request registry.
 * OneBot has only approve/reject (+ reason): MAH's "blacklist" variants reject without blacklisting,
 * and "ignore" leaves the request unanswered on QQ (it simply expires there).
 */
import { BridgeError } from '../../errors';
import type { CommandContext, CommandSpec, PendingMiraiRequest } from '../types';
import { call } from './util';

interface RespParams { eventId: number; fromId: number; groupId: number; operate: number; message: string }

function pending(ctx: CommandContext, p: RespParams, kind: PendingMiraiRequest['kind']): PendingMiraiRequest {
  const r = ctx.mirai.requests.lookup(ctx.botId, p.eventId);
  if (!r || r.kind !== kind) throw new BridgeError('not_found', `no pending request ${p.eventId}`);
  return r;
}

type Decision = 'accept' | 'reject' | 'ignore';

/** Per route, what each `operate` value means (MAH's rules). */
const DECIDE: Record<PendingMiraiRequest['kind'], (op: number) => Decision> = {
  // 0 accept, 1 reject, 2 reject + blacklist, anything else reject.
  friend: (op) => (op === 0 ? 'accept' : 'reject'),
  // 0 accept, odd reject (3 = + blacklist), other even ignore (4 = + blacklist).
  join: (op) => (op === 0 ? 'accept' : op % 2 !== 0 ? 'reject' : 'ignore'),
  // 0 accept, anything else reject.
  invite: (op) => (op === 0 ? 'accept' : 'reject'),
};

const respond = (kind: PendingMiraiRequest['kind'], name: string): CommandSpec => ({
  name,
  http: { method: 'POST', path: `/${name.replace('_', '/')}` },
  webhook: true,
  reply: 'state',
  handler: async (ctx, p: RespParams) => {
    const r = pending(ctx, p, kind);
    const decision = DECIDE[kind](p.operate);
    if (decision === 'ignore') return;
    const approve = decision === 'accept';
    if (kind === 'friend') await call(ctx, 'set_friend_add_request', { flag: r.flag, approve });
    else await call(ctx, 'set_group_add_request', { flag: r.flag, sub_type: kind === 'join' ? 'add' : 'invite', approve, ...(approve ? {} : { reason: p.message }) });
    if (approve) ctx.directory.invalidate(ctx.botId, kind === 'friend' ? { userId: r.fromId } : { groupId: r.groupId });
  },
});

export const REQUEST_COMMANDS: CommandSpec[] = [
  respond('friend', 'resp_newFriendRequestEvent'),
  respond('join', 'resp_memberJoinRequestEvent'),
  respond('invite', 'resp_botInvitedJoinGroupRequestEvent'),
];
