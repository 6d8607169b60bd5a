/** Placeholder — owned by the WS/session work. */
import type { EventEmitter } from 'node:events';
import type { ActionCore } from '../core/action-core';
import type { MiraiConfig } from '../config';
import type { Logger } from '../log';
import type { ContactDirectory, MessageCache, SessionManager } from './types';

export interface EventHub { start(): void; stop(): void }

/**
 * core 'event' → oneBotEventToMirai → cache.record (messages) → every bound session's queue,
 * and `events.emit('event', botId, miraiEvent)` for sockets and webhooks.
 */
export function createEventHub(_deps: {
  core: ActionCore; cache: MessageCache; sessions: SessionManager; directory: ContactDirectory;
  events: EventEmitter; config: MiraiConfig; logger: Logger;
}): EventHub {
  throw new Error('not implemented');
}
