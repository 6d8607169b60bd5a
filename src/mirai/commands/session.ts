/** about, botList, sessions (verify/bind/release/sessionInfo) and the HTTP unread-queue routes. */
import { BridgeError } from '../../errors';
import type { CommandContext, CommandSpec, MiraiEvent, UnreadQueue } from '../types';

/** MAH's version: dotted integers only (clients parse each part as an int and gate on ≥ 2.6). */
export const MAH_VERSION = '2.10.0';

function queueOf(ctx: CommandContext): UnreadQueue {
  const q = ctx.session?.queue;
  if (!q) throw new BridgeError('rejected', 'Not a http session');
  return q;
}

const queueRoute = (name: string, take: (q: UnreadQueue, n: number) => MiraiEvent[]): CommandSpec => ({
  name,
  http: { method: 'GET', path: `/${name}` },
  ws: false,
  reply: 'restful',
  handler: (ctx, p: { count: number }) => take(queueOf(ctx), p.count),
});

export const SESSION_COMMANDS: CommandSpec[] = [
  { name: 'about', http: { method: 'GET', path: '/about' }, auth: 'none', webhook: true, reply: 'restful', handler: () => ({ version: MAH_VERSION }) },
  { name: 'botList', http: { method: 'GET', path: '/botList' }, auth: 'none', reply: 'restful', handler: (ctx) => ctx.core.bots() },
  {
    name: 'sessionInfo',
    http: { method: 'GET', path: '/sessionInfo' },
    reply: 'restful',
    handler: async (ctx) => {
      const s = ctx.session!;
      await ctx.directory.ensure(ctx.botId, {});
      const q = s.queue;
      return {
        sessionKey: s.key,
        qq: { id: ctx.botId, nickname: ctx.directory.botNickname(ctx.botId), remark: '' },
        // Not in MAH: the unread queue's bound and what it dropped (null for socket-only sessions).
        unreadQueue: q ? { size: q.count(), capacity: q.capacity, dropped: q.dropped } : null,
      };
    },
  },
  {
    name: 'verify',
    http: { method: 'POST', path: '/verify' },
    ws: false,
    auth: 'self',
    reply: 'raw',
    handler: (ctx, p: { verifyKey: string }) => ({ code: 0, session: ctx.mirai.sessions.verify(p.verifyKey) }),
  },
  {
    name: 'bind',
    http: { method: 'POST', path: '/bind' },
    ws: false,
    auth: 'self',
    reply: 'state',
    handler: (ctx, p: { sessionKey: string; qq: number }) => ctx.mirai.sessions.bind(p.sessionKey, p.qq),
  },
  {
    name: 'release',
    http: { method: 'POST', path: '/release' },
    ws: false,
    auth: 'self',
    reply: 'state',
    handler: (ctx, p: { sessionKey: string; qq: number }) => ctx.mirai.sessions.release(p.sessionKey, p.qq),
  },
  { name: 'countMessage', http: { method: 'GET', path: '/countMessage' }, ws: false, reply: 'restful', handler: (ctx) => queueOf(ctx).count() },
  queueRoute('fetchMessage', (q, n) => q.fetch(n)),
  queueRoute('fetchLatestMessage', (q, n) => q.fetchLatest(n)),
  queueRoute('peekMessage', (q, n) => q.peek(n)),
  // The 1.x misspelling, still served by MAH.
  queueRoute('peakMessage', (q, n) => q.peek(n)),
  queueRoute('peekLatestMessage', (q, n) => q.peekLatest(n)),
];
