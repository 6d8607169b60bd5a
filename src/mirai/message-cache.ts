/**
 * The messageId cache: per bot, keyed by (context, messageId), FIFO-bounded at `capacity` entries
 * per bot, counting what it evicts. Shared by every session and face of a bot.
 * Keys stay numbers (nested maps): a `${context}:${id}` string key cost a fresh string and its hash
 * on every send and lookup.
 */
import { createBoundedMap, type BoundedMap } from '../bounded';
import type { CachedMessage, MessageCache } from './types';

interface BotCache {
  /** contextId → messageId → message. */
  contexts: Map<number, Map<number, CachedMessage>>;
  /** messageId → its messages in any context, newest last: lookups without a context. */
  byId: Map<number, CachedMessage[]>;
  /** Every message, oldest first, bounded at `capacity`: evicting one forgets it everywhere. */
  order: BoundedMap<CachedMessage, true>;
}

export function createMessageCache(opts: { capacity: number }): MessageCache {
  const capacity = Math.max(1, Math.floor(opts.capacity) || 1);
  const bots = new Map<number, BotCache>();

  const botCache = (botId: number): BotCache => {
    let c = bots.get(botId);
    if (!c) {
      const fresh: BotCache = { contexts: new Map(), byId: new Map(), order: createBoundedMap({ capacity, onEvict: (m) => remove(fresh, m) }) };
      bots.set(botId, (c = fresh));
    }
    return c;
  };

  const remove = (c: BotCache, m: CachedMessage) => {
    c.order.delete(m);
    const inContext = c.contexts.get(m.contextId);
    if (inContext?.get(m.messageId) === m) {
      inContext.delete(m.messageId);
      if (!inContext.size) c.contexts.delete(m.contextId);
    }
    const same = c.byId.get(m.messageId);
    if (!same) return;
    const i = same.indexOf(m);
    if (i >= 0) same.splice(i, 1);
    if (!same.length) c.byId.delete(m.messageId);
  };

  return {
    record(m) {
      const c = botCache(m.botId);
      // A message seen again (the echo of our own send, a sync) moves to the young end.
      let inContext = c.contexts.get(m.contextId);
      const previous = inContext?.get(m.messageId);
      if (previous) {
        remove(c, previous);
        inContext = c.contexts.get(m.contextId);
      }
      if (!inContext) c.contexts.set(m.contextId, (inContext = new Map()));
      inContext.set(m.messageId, m);
      const same = c.byId.get(m.messageId);
      if (same) same.push(m);
      else c.byId.set(m.messageId, [m]);
      c.order.set(m, true);
    },
    get(botId, messageId, contextId) {
      const c = bots.get(botId);
      if (!c) return undefined;
      if (contextId !== undefined) return c.contexts.get(contextId)?.get(messageId);
      // Newest first: ids are unique per context only, the latest one is the likeliest meant.
      const same = c.byId.get(messageId);
      return same?.[same.length - 1];
    },
    stats() {
      let size = 0;
      let evicted = 0;
      for (const c of bots.values()) {
        size += c.order.size;
        evicted += c.order.evicted;
      }
      return { size, capacity, evicted };
    },
    stop() {
      bots.clear();
    },
  };
}
