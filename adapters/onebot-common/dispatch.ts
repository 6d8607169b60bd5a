import type { ActionCore } from '../../src/core/action-core';
import type { CallOptions, Params } from '../../src/core/types';
import { BridgeError, toBridgeError, type ErrorKind } from '../../src/errors';
import type { Logger } from '../../src/log';
import { createBooleanCoercer } from './coerce';
import { asyncEnvelope, errorEnvelope, okEnvelope, type EchoSource, type Envelope } from './envelope';

/** One OneBot API request, whatever transport carried it. */
export interface OneBotRequest extends EchoSource {
  action: string;
  params: Params;
  /** The bot the call is for (a reverse-WS connection belongs to one bot); absent: the backend's default. */
  selfId?: number;
}

export interface DispatchResult {
  envelope: Envelope;
  /** Set on failure: lets a transport pick its status (HTTP 404 for an unknown action). */
  kind?: ErrorKind;
}

export interface OneBotDispatch {
  dispatch(req: OneBotRequest): Promise<DispatchResult>;
  /** `_rate_limited` calls refused because the queue was full. */
  readonly rateLimitedDrops: number;
  /** Drop the queued calls and stop the queue timer; later `_rate_limited` calls are refused. */
  stop(): void;
}

/** OneBot's `api.rate_limit_interval` default. */
export const RATE_LIMIT_INTERVAL_MS = 500;
export const RATE_LIMIT_QUEUE_MAX = 1000;

type Mode = 'sync' | 'async' | 'rate_limited';
const NO_OPTS: CallOptions = Object.freeze({});

/** Strip one `_async` or `_rate_limited` suffix, unless the full name is itself an action. */
export function parseActionName(core: ActionCore, raw: string): { name: string; mode: Mode } {
  if (core.resolve(raw)) return { name: raw, mode: 'sync' };
  if (raw.endsWith('_async')) return { name: raw.slice(0, -'_async'.length), mode: 'async' };
  if (raw.endsWith('_rate_limited')) return { name: raw.slice(0, -'_rate_limited'.length), mode: 'rate_limited' };
  return { name: raw, mode: 'sync' };
}

function createDispatch(deps: { core: ActionCore; logger: Logger }): OneBotDispatch {
  const { core } = deps;
  const log = deps.logger.child({ component: 'onebot' });
  const coerceBooleans = createBooleanCoercer();
  const queue: { name: string; params: Params; selfId?: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let drops = 0;
  let full = false; // inside a burst of refusals: warn once per burst
  let stopped = false;

  const logFailure = (action: string, e: unknown, background: boolean) => {
    const err = toBridgeError(e);
    if (err.kind === 'internal') log.error('action failed', { action, err: err.stack });
    else if (background) log.warn('background action failed', { action, kind: err.kind, reason: err.message });
    return err;
  };
  const callOpts = (selfId?: number): CallOptions => (selfId === undefined ? NO_OPTS : { selfId });
  const runInBackground = (name: string, params: Params, selfId?: number) =>
    void core.call(name, params, callOpts(selfId)).catch((e) => logFailure(name, e, true));

  // One call per tick; the timer stops on the first empty tick, so a call arriving right after a
  // run still waits its turn.
  const drainOne = () => {
    const next = queue.shift();
    if (next) return runInBackground(next.name, next.params, next.selfId);
    clearInterval(timer);
    timer = undefined;
  };
  const enqueue = (name: string, params: Params, selfId?: number) => {
    if (stopped) throw new BridgeError('rejected', 'shutting down');
    if (queue.length >= RATE_LIMIT_QUEUE_MAX) {
      drops++;
      if (!full) log.warn('rate-limited queue full: refusing calls', { action: name, drops });
      full = true;
      throw new BridgeError('rejected', 'rate-limited queue is full');
    }
    full = false;
    queue.push({ name, params, selfId });
    if (!timer) {
      timer = setInterval(drainOne, RATE_LIMIT_INTERVAL_MS);
      timer.unref();
      drainOne();
    }
  };

  return {
    get rateLimitedDrops() {
      return drops;
    },
    async dispatch(req) {
      const { name, mode } = parseActionName(core, req.action);
      try {
        const spec = core.resolve(name);
        if (!spec) throw new BridgeError('unknown_action', `unknown action ${req.action}`);
        const params = coerceBooleans(spec, req.params);
        // Stubs and unsupported actions fail at once even when asked to run in the background.
        const runsNow = mode === 'sync' || !!spec.stub || !core.supportedActions().includes(spec.name);
        if (runsNow) return { envelope: okEnvelope(await core.call(name, params, callOpts(req.selfId)), req) };
        if (mode === 'async') runInBackground(name, params, req.selfId);
        else enqueue(name, params, req.selfId);
        return { envelope: asyncEnvelope(req) };
      } catch (e) {
        const err = logFailure(req.action, e, false);
        return { envelope: errorEnvelope(err, req), kind: err.kind };
      }
    },
    stop() {
      stopped = true;
      queue.length = 0;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

const shared = new WeakMap<ActionCore, OneBotDispatch>();

/**
 * Both OneBot transports share one dispatch (and so one `_rate_limited` queue) per core. The HTTP
 * router has no lifecycle of its own, so the first `stop()` (the WS face's, when the bridge stops)
 * ends the queue for both.
 */
export function sharedDispatch(deps: { core: ActionCore; logger: Logger }): OneBotDispatch {
  let d = shared.get(deps.core);
  if (!d) shared.set(deps.core, (d = createDispatch(deps)));
  return d;
}
