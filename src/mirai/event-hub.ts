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
import type { SendsInFlight } from './sends-in-flight';
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

/**
 * Notices that change what the contact directory holds (`notice_type` or `notice_type.sub_type`), and
 * how: a member changed (refetched at once, so a later leave event still knows them), a member left
 * (dropped), the group object changed, a friend came (the list is reloaded before translating) or went.
 */
const CHANGES_CONTACTS: Record<string, 'member' | 'left' | 'group' | 'friend' | 'unfriend'> = {
  group_increase: 'member', group_admin: 'member', group_card: 'member', group_ban: 'member', 'notify.title': 'member',
  group_decrease: 'left', 'notify.group_name': 'group', group_name_change: 'group', friend_add: 'friend', friend_decrease: 'unfriend',
};
const changeOf = (ev: OneBotEvent) => {
  if (ev.post_type !== 'notice') return undefined;
  // Own keys only: the types come from the wire (`constructor` is not an entry).
  const key = [`${String(ev.notice_type)}.${String(ev.sub_type)}`, String(ev.notice_type)].find((k) => Object.hasOwn(CHANGES_CONTACTS, k));
  return key === undefined ? undefined : CHANGES_CONTACTS[key];
};

/** Events a bot may have waiting before new ones are dropped (a stuck directory must not grow memory). */
const MAX_PENDING_PER_BOT = 10_000;
const LOG_EVERY_MS = 10_000;

const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);

export function createEventHub(deps: {
  core: ActionCore; cache: MessageCache; sessions: SessionManager; directory: ContactDirectory;
  media: MediaRegistry; requests: RequestRegistry; sends: SendsInFlight;
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

  /** An unreachable backend must not stall this bot's event chain: the next read refetches. */
  const ensureQuietly = (botId: number, q: { groupId?: number; userId?: number }) => directory.ensure(botId, q).catch(() => undefined);

  /** Fetch the group/members/friend the translation will read, so it can run synchronously. */
  async function ensureFor(botId: number, ev: OneBotEvent) {
    if (ev.post_type === 'meta_event') return;
    // A new friend is not in the friend list loaded before: reload it.
    if (changeOf(ev) === 'friend' && num(ev.user_id)) directory.invalidate(botId, { userId: num(ev.user_id) });
    const groupId = num(ev.group_id);
    const users = new Set([num(ev.user_id), num(ev.operator_id), num(ev.target_id), num(ev.sender_id)].filter((u) => u !== undefined));
    const asks = users.size ? [...users].map((userId) => ({ groupId, userId })) : [{ groupId }];
    await Promise.all(asks.map((q) => ensureQuietly(botId, q)));
  }

  /**
   * After translating a change, forget what it touched; what still exists is refetched at once (in
   * this bot's event order), so the directory stays complete for the events that follow.
   */
  async function refreshAfter(botId: number, ev: OneBotEvent) {
    const change = changeOf(ev);
    if (!change || change === 'friend') return;
    const userId = num(ev.user_id);
    const groupId = num(ev.group_id);
    if (ev.notice_type === 'group_ban' && groupId && (ev.user_id === 0 || ev.user_id === '0')) return directory.noteWholeBan(botId, groupId, ev.sub_type === 'ban');
    if (change === 'unfriend') return userId && directory.invalidate(botId, { userId });
    if (!groupId) return;
    if (userId === botId) {
      // The bot itself joining, leaving or changing role changes the whole group.
      directory.invalidate(botId, { groupId });
      if (change !== 'left') await ensureQuietly(botId, { groupId, userId: botId });
    } else if (change === 'group') {
      // The group object only (dropped with the bot's own entry); member lists stay.
      directory.invalidate(botId, { groupId, userId: botId });
      await ensureQuietly(botId, { groupId, userId: botId });
    } else if (userId && change === 'left') {
      directory.invalidate(botId, { groupId, userId });
    } else if (userId && ev.notice_type !== 'group_increase') {
      // A joining member was fetched fresh for the translation; others are refetched as changed.
      directory.invalidate(botId, { groupId, userId });
      await ensureQuietly(botId, { groupId, userId });
    }
  }

  /**
   * An upstream that reports the account's own messages also reports the ones our clients just sent
   * through the bridge: MAH never echoes those as *SyncMessage, so skip what the cache says we sent.
   */
  function sentThroughUs(botId: number, ev: OneBotEvent): boolean {
    const id = num(ev.message_id);
    if (id === undefined) return false;
    const contextId = ev.message_type === 'group' ? num(ev.group_id) : num(ev.target_id);
    const m = cache.get(botId, id, contextId);
    return !!m && m.self && !m.packet;
  }

  async function handle(botId: number, ev: OneBotEvent) {
    if (ev.post_type === 'message_sent') {
      // An echo may beat its send's reply: wait for the sends under way, then ask the cache.
      const sending = deps.sends.settled(botId);
      if (sending) await sending;
      if (sentThroughUs(botId, ev)) return;
    }
    await ensureFor(botId, ev);
    if (!running) return;
    let out: MiraiEvent[];
    try {
      out = oneBotEventToMirai(ev, contextOf(botId), { extraEvents: config.extraEvents });
    } catch (e) {
      await refreshAfter(botId, ev);
      throw e;
    }
    for (const mev of out) {
      if (isMessagePacket(mev)) {
        const cached = oneBotMessageToCached(ev, mev, botId);
        if (cached) cache.record(cached);
      }
      for (const s of sessions.sessionsOf(botId)) s.queue?.push(mev);
      events.emit('event', botId, mev);
    }
    if (ev.post_type === 'notice') await refreshAfter(botId, ev);
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
