/**
 * Media ids seen in received messages or uploads (imageId/voiceId/videoId) → the OneBot `file`
 * that sends them again. Bounded LRU: the least recently used id is evicted and counted.
 */
import type { MediaRegistry } from './types';

export function createMediaRegistry(opts: { capacity: number }): MediaRegistry {
  const capacity = Math.max(1, Math.floor(opts.capacity));
  const map = new Map<string, string>();
  let evicted = 0;
  const key = (kind: string, id: string) => `${kind}:${id}`;
  return {
    remember(kind, id, source) {
      if (!id || !source) return;
      const k = key(kind, id);
      map.delete(k);
      map.set(k, source);
      while (map.size > capacity) {
        map.delete(map.keys().next().value as string);
        evicted++;
      }
    },
    resolve(kind, id) {
      const k = key(kind, id);
      const v = map.get(k);
      if (v !== undefined) {
        map.delete(k);
        map.set(k, v);
      }
      return v;
    },
    stats: () => ({ size: map.size, capacity, evicted }),
  };
}
