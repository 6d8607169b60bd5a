/** Placeholder — owned by the WS/session work. */
import type { MiraiConfig } from '../config';
import type { Logger } from '../log';
import type { SessionManager } from './types';

export function createSessionManager(_deps: { config: MiraiConfig; bots: () => number[]; logger: Logger }): SessionManager {
  throw new Error('not implemented');
}
