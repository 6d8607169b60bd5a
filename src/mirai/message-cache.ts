/**
 * The messageId cache: per bot, keyed by (context, messageId), FIFO-bounded at `capacity` entries
 * per bot, counting what it evicts. Shared by every session and face of a bot.
 * Recording is on every send and every received message, so it is one Map lookup and a few pointer
 * moves: the age order is a linked list threaded through the entries (no second map to keep in step),
 * and the few messages sharing an id across contexts hang off one another, newest first.
 */
import type { CachedMessage, MessageCache } from './types';

interface Entry {
  m: CachedMessage;
  /** Age order: older and younger neighbours. */
  older?: Entry;
  younger?: Entry;
  /** The next older entry with the same messageId (another context). */
  sameId?: Entry;
}

interface BotCache {
  /** messageId → the newest entry with that id. */
  byId: Map<number, Entry>;
  oldest?: Entry;
  youngest?: Entry;
  size: number;
  evicted: number;
}

export function createMessageCache(opts: { capacity: number }): MessageCache {
  const capacity = Math.max(1, Math.floor(opts.capacity) || 1);
  const bots = new Map<number, BotCache>();

  const botCache = (botId: number): BotCache => {
    let c = bots.get(botId);
    if (!c) bots.set(botId, (c = { byId: new Map(), size: 0, evicted: 0 }));
    return c;
  };

  const find = (c: BotCache, messageId: number, contextId: number): Entry | undefined => {
    let e = c.byId.get(messageId);
    while (e && e.m.contextId !== contextId) e = e.sameId;
    return e;
  };

  const remove = (c: BotCache, e: Entry) => {
    if (e.older) e.older.younger = e.younger;
    else c.oldest = e.younger;
    if (e.younger) e.younger.older = e.older;
    else c.youngest = e.older;
    const id = e.m.messageId;
    const head = c.byId.get(id);
    if (head === e) {
      if (e.sameId) c.byId.set(id, e.sameId);
      else c.byId.delete(id);
    } else {
      let p = head;
      while (p && p.sameId !== e) p = p.sameId;
      if (p) p.sameId = e.sameId;
    }
    c.size--;
  };

  return {
    record(m) {
      const c = botCache(m.botId);
      // A message seen again (the echo of our own send, a sync) replaces its entry at the young end.
      const previous = find(c, m.messageId, m.contextId);
      if (previous) remove(c, previous);
      const e: Entry = { m, older: c.youngest, younger: undefined, sameId: c.byId.get(m.messageId) };
      if (c.youngest) c.youngest.younger = e;
      else c.oldest = e;
      c.youngest = e;
      c.byId.set(m.messageId, e);
      c.size++;
      while (c.size > capacity && c.oldest) {
        remove(c, c.oldest);
        c.evicted++;
      }
    },
    get(botId, messageId, contextId) {
      const c = bots.get(botId);
      if (!c) return undefined;
      // Without a context the newest: ids are unique per context only, the latest one is the likeliest meant.
      return (contextId === undefined ? c.byId.get(messageId) : find(c, messageId, contextId))?.m;
    },
    stats() {
      let size = 0;
      let evicted = 0;
      for (const c of bots.values()) {
        size += c.size;
        evicted += c.evicted;
      }
      return { size, capacity, evicted };
    },
    stop() {
      bots.clear();
    },
  };
}
