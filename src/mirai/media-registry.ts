/** Placeholder — owned by the translation work. */
import type { MediaRegistry } from './types';

export function createMediaRegistry(_opts: { capacity: number }): MediaRegistry {
  throw new Error('not implemented');
}
