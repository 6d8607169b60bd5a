/**
 * The messageId cache: per bot, keyed by (context, messageId), FIFO-bounded at `capacity` entries
 * per bot, counting what it evicts. Shared by every session and face of a bot.
 */
import type { CachedMessage, MessageCache } from './types';

interface BotCache {
  /** `${contextId}:${messageId}` → message, in insertion order (oldest first). */
  entries: Map<string, CachedMessage>;
  /** messageId → keys, for lookups without a context. */
  byId: Map<number, Set<string>>;
}

const keyOf = (contextId: number, messageId: number) => `${contextId}:${messageId}`;

export function createMessageCache(opts: { capacity: number }): MessageCache {
  const capacity = Math.max(1, Math.floor(opts.capacity) || 1);
  const bots = new Map<number, BotCache>();
  let evicted = 0;

  const botCache = (botId: number): BotCache => {
    let c = bots.get(botId);
    if (!c) bots.set(botId, (c = { entries: new Map(), byId: new Map() }));
    return c;
  };

  const remove = (c: BotCache, key: string) => {
    const m = c.entries.get(key);
    if (!m) return;
    c.entries.delete(key);
    const ids = c.byId.get(m.messageId);
    ids?.delete(key);
    if (ids && !ids.size) c.byId.delete(m.messageId);
  };

  return {
    record(m) {
      const c = botCache(m.botId);
      const key = keyOf(m.contextId, m.messageId);
      // A message seen again (the echo of our own send, a sync) moves to the young end.
      remove(c, key);
      c.entries.set(key, m);
      let ids = c.byId.get(m.messageId);
      if (!ids) c.byId.set(m.messageId, (ids = new Set()));
      ids.add(key);
      while (c.entries.size > capacity) {
        remove(c, c.entries.keys().next().value as string);
        evicted++;
      }
    },
    get(botId, messageId, contextId) {
      const c = bots.get(botId);
      if (!c) return undefined;
      if (contextId !== undefined) return c.entries.get(keyOf(contextId, messageId));
      const keys = c.byId.get(messageId);
      if (!keys) return undefined;
      // Newest first: ids are unique per context only, the latest one is the likeliest meant.
      const all = [...keys];
      return c.entries.get(all[all.length - 1]);
    },
    stats() {
      let size = 0;
      for (const c of bots.values()) size += c.entries.size;
      return { size, capacity, evicted };
    },
    stop() {
      bots.clear();
    },
  };
}
