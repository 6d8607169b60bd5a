/**
 * mirai request `eventId` (Long) ↔ OneBot request `flag`, per bot. The same flag always gives the
 * same id; a numeric flag that is a safe integer is its own id (stable across restarts), otherwise
 * an id is allocated. Bounded: the oldest pending requests are forgotten first, and counted.
 */
import { createBoundedMap } from '../bounded';
import type { PendingMiraiRequest, RequestRegistry } from './types';

export interface RequestRegistryStats { size: number; capacity: number; evicted: number }

export function createRequestRegistry(opts: { capacity: number }): RequestRegistry & { stats(): RequestRegistryStats } {
  const byId = new Map<string, PendingMiraiRequest>(); // `${botId}:${eventId}` → request
  // `${botId}:${flag}` → eventId; forgetting a flag forgets its request.
  const byFlag = createBoundedMap<string, number>({
    capacity: opts.capacity,
    onEvict: (fk, id) => byId.delete(`${fk.slice(0, fk.indexOf(':'))}:${id}`),
  });
  let next = 1;

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
      byId.set(`${botId}:${id}`, { ...req });
      byFlag.set(fk, id);
      return id;
    },
    lookup(botId, eventId) {
      return byId.get(`${botId}:${eventId}`);
    },
    stats: () => ({ size: byFlag.size, capacity: byFlag.capacity, evicted: byFlag.evicted }),
  };
}
