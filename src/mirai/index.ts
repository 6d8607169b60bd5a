import { EventEmitter } from 'node:events';
import type { ActionCore } from '../core/action-core';
import type { MiraiConfig } from '../config';
import type { Logger } from '../log';
import { COMMANDS, indexCommands } from './commands';
import { createExecutor } from './dispatch';
import { createContactDirectory } from './directory';
import { createEventHub } from './event-hub';
import { createMessageCache } from './message-cache';
import { createSendsInFlight } from './sends-in-flight';
import { createMediaRegistry } from './media-registry';
import { createRequestRegistry } from './request-registry';
import { createSessionManager } from './session-manager';
import type { MiraiModel } from './types';

/** The mirai model shared by every mirai face: sessions, cache, contacts, events, command table. */
export function createMirai(deps: { core: ActionCore; config: MiraiConfig; logger: Logger }): MiraiModel {
  const { core, config } = deps;
  const logger = deps.logger.child({ component: 'mirai' });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sessions = createSessionManager({ config, bots: () => core.bots(), logger });
  const cache = createMessageCache({ capacity: config.cacheSize });
  const directory = createContactDirectory({ core, logger });
  const media = createMediaRegistry({ capacity: Math.max(1024, config.cacheSize) });
  const requests = createRequestRegistry({ capacity: 4096 });
  const sends = createSendsInFlight();
  const { byName, byRoute } = indexCommands(COMMANDS);
  const model: MiraiModel = {
    config,
    core,
    sessions,
    cache,
    directory,
    media,
    requests,
    sends,
    commands: COMMANDS,
    findCommand: (name, sub) => byName.get(sub ? `${name}:${sub}` : name) ?? byName.get(name),
    findRoute: (method, path) => byRoute.get(`${method.toUpperCase()} ${path}`),
    execute: async () => ({ code: 500, msg: 'not ready' }),
    events,
    logger,
    async start() {
      sessions.start();
      await directory.start();
      hub.start();
    },
    async stop() {
      hub.stop();
      directory.stop();
      sessions.stop();
      cache.stop();
    },
  };
  const hub = createEventHub({ core, cache, sessions, directory, media, requests, sends, events, config, logger });
  model.execute = createExecutor(model);
  return model;
}
