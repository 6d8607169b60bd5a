/**
 * Media ids seen in received messages or uploads (imageId/voiceId/videoId) → the OneBot `file`
 * that sends them again. Bounded LRU: the least recently used id is evicted and counted.
 */
import { createBoundedMap } from '../bounded';
import type { MediaRegistry } from './types';

export function createMediaRegistry(opts: { capacity: number }): MediaRegistry {
  const map = createBoundedMap<string, string>({ capacity: opts.capacity, lru: true });
  const key = (kind: string, id: string) => `${kind}:${id}`;
  return {
    remember(kind, id, source) {
      if (!id || !source) return;
      map.set(key(kind, id), source);
    },
    resolve: (kind, id) => map.get(key(kind, id)),
    stats: () => ({ size: map.size, capacity: map.capacity, evicted: map.evicted }),
  };
}
