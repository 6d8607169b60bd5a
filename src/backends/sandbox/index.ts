import { EventEmitter } from 'node:events';
import { BridgeError } from '../../errors';
import type { Logger } from '../../log';
import { createTempFiles, type TempFilesOptions } from '../../temp-files';
import type { Backend, OneBotEvent, Params } from '../../core/types';
import type { SandboxContext } from './context';
import { OFFLINE_MESSAGE, SANDBOX_CONTROL, SANDBOX_HANDLERS, WORKS_OFFLINE } from './handlers';
import { accountState } from './handlers/account-state';
import { createWorld, now, type World, type WorldData } from './world';

export interface SandboxBackend extends Backend {
  readonly kind: 'sandbox';
  readonly world: World;
  readonly ctx: SandboxContext;
  /** Run a control-surface operation (the composition root exposes these under /sandbox/). */
  control(op: string, method: 'GET' | 'POST', params: Params): Promise<unknown>;
  controlOps(): string[];
}

export { loadWorldFile, validateWorld, WorldFileError } from './world-file';

export function createSandbox(deps: { logger: Logger; world?: WorldData; downloads?: Omit<TempFilesOptions, 'prefix' | 'logger'> }): SandboxBackend {
  const logger = deps.logger.child({ component: 'sandbox' });
  const world = createWorld(deps.world);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const selfId = world.self.user_id;
  let running = false;
  const ctx: SandboxContext = {
    world,
    selfId,
    logger,
    downloads: createTempFiles({ prefix: 'mah-bridge-downloads-', logger, ...deps.downloads }),
    emit(ev) {
      if (!running) return;
      // An offline bot hears nothing: what happens meanwhile lands in the world (history, pending
      // requests, member lists) but its live events are gone, as on a QQ client that logs back in.
      const state = accountState(world);
      if (!state.online) {
        state.missedEvents++;
        return;
      }
      events.emit('event', { time: now(), self_id: selfId, ...ev } as OneBotEvent);
    },
  };
  return {
    kind: 'sandbox',
    world,
    ctx,
    events,
    bots: () => [selfId],
    supports: (action) => SANDBOX_HANDLERS.has(action),
    async invoke(action, params, botId) {
      if (botId !== undefined && botId !== selfId) throw new BridgeError('no_bot', `no bot ${botId}`);
      const handler = SANDBOX_HANDLERS.get(action);
      if (!handler) throw new BridgeError('unsupported', `${action} is not supported by the sandbox`, { not_supported: true });
      if (!accountState(world).online && !WORKS_OFFLINE.has(action)) throw new BridgeError('rejected', OFFLINE_MESSAGE);
      const data = await handler(ctx, params);
      return data === undefined ? null : data;
    },
    async control(op, method, params) {
      const c = SANDBOX_CONTROL.get(op);
      if (!c || c.method !== method) throw new BridgeError('unknown_action', `no sandbox control ${method} ${op}`);
      const data = await c.run(ctx, params);
      return data === undefined ? null : data;
    },
    controlOps: () => [...SANDBOX_CONTROL.keys()],
    async start() {
      running = true;
      ctx.emit({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'enable' });
    },
    async stop() {
      running = false;
      await ctx.downloads.stop();
    },
  };
}
