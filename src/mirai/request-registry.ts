/** Placeholder — owned by the translation work. */
import type { RequestRegistry } from './types';

export function createRequestRegistry(_opts: { capacity: number }): RequestRegistry {
  throw new Error('not implemented');
}
