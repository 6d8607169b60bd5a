/**
 * mirai request `eventId` (Long) ↔ OneBot request `flag`, per bot. The same flag always gives the
 * same id; a numeric flag that is a safe integer is its own id (stable across restarts), otherwise
 * an id is allocated. Bounded: the oldest pending requests are forgotten first, and counted.
 */
import type { PendingMiraiRequest, RequestRegistry } from './types';

export interface RequestRegistryStats { size: number; capacity: number; evicted: number }

export function createRequestRegistry(opts: { capacity: number }): RequestRegistry & { stats(): RequestRegistryStats } {
  const capacity = Math.max(1, Math.floor(opts.capacity));
  const byFlag = new Map<string, number>(); // `${botId}:${flag}` → eventId
  const byId = new Map<string, PendingMiraiRequest>(); // `${botId}:${eventId}` → request
  let next = 1;
  let evicted = 0;

  const taken = (botId: number, id: number) => byId.has(`${botId}:${id}`);
  function allocate(botId: number, flag: string): number {
    const n = /^\d+$/.test(flag) ? Number(flag) : NaN;
    if (Number.isSafeInteger(n) && n > 0 && !taken(botId, n)) return n;
    while (taken(botId, next)) next++;
    return next++;
  }

  return {
    idFor(botId, req) {
      const fk = `${botId}:${req.flag}`;
      const known = byFlag.get(fk);
      if (known !== undefined) return known;
      const id = allocate(botId, req.flag);
      byFlag.set(fk, id);
      byId.set(`${botId}:${id}`, { ...req });
      while (byFlag.size > capacity) {
        const [oldFlag, oldId] = byFlag.entries().next().value as [string, number];
        byFlag.delete(oldFlag);
        byId.delete(`${oldFlag.slice(0, oldFlag.indexOf(':'))}:${oldId}`);
        evicted++;
      }
      return id;
    },
    lookup(botId, eventId) {
      return byId.get(`${botId}:${eventId}`);
    },
    stats: () => ({ size: byFlag.size, capacity, evicted }),
  };
}
