/** Placeholder — owned by the HTTP/command work. */
import type { MessageCache } from './types';

export function createMessageCache(_opts: { capacity: number }): MessageCache {
  throw new Error('not implemented');
}
