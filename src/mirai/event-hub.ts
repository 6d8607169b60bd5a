/**
 * The mirai event hub: every OneBot event of the core becomes mirai events, in order per bot.
 * core 'event' → directory.ensure → oneBotEventToMirai → cache.record (messages, before anyone sees
 * them, so a quick quote/recall resolves) → every bound session's unread queue → `events.emit('event',
 * botId, miraiEvent)` for sockets and webhooks.
 */
import type { EventEmitter } from 'node:events';
import type { ActionCore } from '../core/action-core';
import type { OneBotEvent } from '../core/types';
import type { MiraiConfig } from '../config';
import type { Logger } from '../log';
import { oneBotEventToMirai, oneBotMessageToCached, type EventContext } from './translate/events';
import type { ContactDirectory, MediaRegistry, MessageCache, MiraiEvent, RequestRegistry, SessionManager } from './types';

export interface EventHub {
  start(): void;
  stop(): void;
  stats(): { pending: number; dropped: number; failed: number };
}

/** The nine message packet types (digest §7.1): what WS `/message` carries; everything else is `/event`. */
export const MESSAGE_PACKET_TYPES: ReadonlySet<string> = new Set([
  'FriendMessage', 'GroupMessage', 'TempMessage', 'StrangerMessage', 'OtherClientMessage',
  'FriendSyncMessage', 'GroupSyncMessage', 'TempSyncMessage', 'StrangerSyncMessage',
]);
export const isMessagePacket = (ev: MiraiEvent) => MESSAGE_PACKET_TYPES.has(ev.type);

/** Notices that change what the contact directory holds (`notice_type` or `notice_type.sub_type`). */
const CHANGES_CONTACTS = new Set([
  'group_increase', 'group_decrease', 'group_admin', 'group_card', 'group_ban', 'friend_add', 'notify.title', 'notify.group_name',
]);

/** Events a bot may have waiting before new ones are dropped (a stuck directory must not grow memory). */
const MAX_PENDING_PER_BOT = 10_000;
const LOG_EVERY_MS = 10_000;

const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);

export function createEventHub(deps: {
  core: ActionCore; cache: MessageCache; sessions: SessionManager; directory: ContactDirectory;
  media: MediaRegistry; requests: RequestRegistry;
  events: EventEmitter; config: MiraiConfig; logger: Logger;
}): EventHub {
  const { core, cache, sessions, directory, events, config } = deps;
  const log = deps.logger.child({ component: 'mirai-events' });
  const chains = new Map<number, { tail: Promise<void>; pending: number }>();
  const contexts = new Map<number, EventContext>();
  let running = false;
  let dropped = 0;
  let failed = 0;
  let lastDropLog = 0;

  const contextOf = (botId: number): EventContext => {
    let ctx = contexts.get(botId);
    if (!ctx) {
      ctx = {
        botId,
        directory,
        media: deps.media,
        requests: deps.requests,
        resolveMessage: (messageId, contextId) => cache.get(botId, messageId, contextId),
      };
      contexts.set(botId, ctx);
    }
    return ctx;
  };

  /** Fetch the group/members/friend the translation will read, so it can run synchronously. */
  async function ensureFor(botId: number, ev: OneBotEvent) {
    if (ev.post_type === 'meta_event') return;
    const groupId = num(ev.group_id);
    const users = new Set([num(ev.user_id), num(ev.operator_id), num(ev.target_id), num(ev.sender_id)].filter((u) => u !== undefined));
    const asks = users.size ? [...users].map((userId) => ({ groupId, userId })) : [{ groupId }];
    await Promise.all(asks.map((q) => directory.ensure(botId, q).catch(() => undefined)));
  }

  /** After translating a change, forget what it touched so the next read is fresh. */
  function invalidateFor(botId: number, ev: OneBotEvent) {
    if (ev.post_type !== 'notice') return;
    const type = String(ev.notice_type);
    if (!CHANGES_CONTACTS.has(type) && !CHANGES_CONTACTS.has(`${type}.${String(ev.sub_type)}`)) return;
    const userId = num(ev.user_id);
    const groupId = num(ev.group_id);
    // The bot itself joining or leaving a group changes the whole group, not one member.
    directory.invalidate(botId, userId === botId ? { groupId } : { groupId, userId });
  }

  async function handle(botId: number, ev: OneBotEvent) {
    await ensureFor(botId, ev);
    if (!running) return;
    let out: MiraiEvent[];
    try {
      out = oneBotEventToMirai(ev, contextOf(botId), { extraEvents: config.extraEvents });
    } finally {
      invalidateFor(botId, ev);
    }
    for (const mev of out) {
      if (isMessagePacket(mev)) {
        const cached = oneBotMessageToCached(ev, mev, botId);
        if (cached) cache.record(cached);
      }
      for (const s of sessions.sessionsOf(botId)) s.queue?.push(mev);
      events.emit('event', botId, mev);
    }
  }

  function onEvent(ev: OneBotEvent) {
    const botId = num(ev?.self_id);
    if (!running || botId === undefined) return;
    let chain = chains.get(botId);
    if (!chain) chains.set(botId, (chain = { tail: Promise.resolve(), pending: 0 }));
    if (chain.pending >= MAX_PENDING_PER_BOT) {
      dropped++;
      const t = Date.now();
      if (t - lastDropLog >= LOG_EVERY_MS) {
        lastDropLog = t;
        log.warn('event backlog full: dropping events', { botId, pending: chain.pending, dropped });
      }
      return;
    }
    const c = chain;
    c.pending++;
    // One promise chain per bot keeps events in arrival order although ensure() is async.
    c.tail = c.tail
      .then(() => handle(botId, ev))
      .catch((e) => {
        failed++;
        log.error('event translation failed', { post_type: ev.post_type, err: (e as Error)?.stack ?? String(e) });
      })
      .finally(() => {
        c.pending--;
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      core.events.on('event', onEvent);
    },
    stop() {
      running = false;
      core.events.off('event', onEvent);
      chains.clear();
      contexts.clear();
    },
    stats() {
      let pending = 0;
      for (const c of chains.values()) pending += c.pending;
      return { pending, dropped, failed };
    },
  };
}
