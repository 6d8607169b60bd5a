import { EventEmitter } from 'node:events';
import { BridgeError } from '../errors';
import type { Logger } from '../log';
import type { Schemas } from '../schemas';
import { ACTIONS } from './actions';
import type { ActionSpec, Backend, CallOptions, OneBotEvent, Params } from './types';

export interface ActionCore {
  /** Resolve a name or alias (after `_async`/`_rate_limited`/leading-dot stripping) to its spec. */
  resolve(name: string): ActionSpec | undefined;
  /** Validate and run an action; returns `data` or throws BridgeError. */
  call(action: string, params?: Params, opts?: CallOptions): Promise<unknown>;
  /** 'event' (OneBotEvent): one stream, fanned out by every face. */
  readonly events: EventEmitter;
  readonly backend: Backend;
  bots(): number[];
  /** Names of the actions that really run here (stubs and backend-unsupported ones excluded). */
  supportedActions(): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Params nested deeper than this are refused (bad_params) before anything walks them recursively. */
export const MAX_PARAM_DEPTH = 64;

/**
 * Drop `null` values from plain objects at any depth: an explicit null means "absent" on both faces.
 * A `__proto__` key is dropped too (assigning it would swap the copy's prototype, smuggling in
 * inherited params), and nesting past MAX_PARAM_DEPTH is bad_params rather than a stack overflow.
 * Copy on write: a value with nothing to drop is returned as is (most are: copying every request's
 * params twice was a measurable share of a send), anything else is copied down the changed paths.
 */
export function dropNulls<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_PARAM_DEPTH) throw new BridgeError('bad_params', `params nested deeper than ${MAX_PARAM_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = dropNulls(v, depth + 1);
      if (out) out.push(c);
      else if (c !== v) (out = value.slice(0, i)).push(c);
    }
    return (out ?? value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  let out: Record<string, unknown> | undefined = proto === Object.prototype || proto === null ? undefined : {};
  const src = value as Record<string, unknown>;
  // for…in with an own-key check: Object.entries would allocate a pair per key, on every request.
  for (const k in src) {
    const own = Object.hasOwn(src, k) && k !== '__proto__';
    const v = own ? src[k] : undefined;
    const c = own && v !== null ? dropNulls(v, depth + 1) : undefined;
    if (!out && (!own || v === null || c !== v)) out = copyKeysBefore(src, k);
    if (out && own && v !== null) out[k] = c;
  }
  return (out ?? value) as T;
}

/**
 * A request's params as the core and the mirai dispatch take them: a fresh top-level object, built key
 * by key, nulls dropped at any depth (nested values are shared with the caller unless a null is dropped
 * in them). Validation then fills top-level defaults into the copy, not into the caller's object. Key
 * by key, not a spread: adding a key to a spread copy takes V8's slow path (µs a call).
 */
export function paramsCopy(value: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const k in value) {
    if (!Object.hasOwn(value, k) || k === '__proto__') continue;
    const v = value[k];
    if (v !== null) out[k] = dropNulls(v, 1);
  }
  return out;
}

/** The own keys of `src` met before `stop` in for…in order (they needed no change). */
function copyKeysBefore(src: Record<string, unknown>, stop: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in src) {
    if (k === stop) break;
    if (Object.hasOwn(src, k) && k !== '__proto__') out[k] = src[k];
  }
  return out;
}

export function buildActionIndex(actions: ActionSpec[]): Map<string, ActionSpec> {
  const index = new Map<string, ActionSpec>();
  for (const spec of actions) {
    for (const n of [spec.name, ...(spec.aliases ?? [])]) {
      if (index.has(n)) throw new Error(`duplicate OneBot action name ${n}`);
      index.set(n, spec);
    }
  }
  return index;
}

export function createActionCore(deps: { backend: Backend; schemas: Schemas; logger: Logger }): ActionCore {
  const { backend, schemas } = deps;
  const log = deps.logger.child({ component: 'core' });
  const index = buildActionIndex(ACTIONS);
  for (const spec of ACTIONS) {
    const id = spec.schema ?? `onebot/${spec.name}`;
    if (!spec.stub && !schemas.has(id)) throw new Error(`action ${spec.name} has no schema ${id}`);
  }
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const forward = (ev: OneBotEvent) => events.emit('event', ev);

  const resolve = (name: string) => index.get(name) ?? index.get(name.replace(/^\./, ''));
  const supportedActions = () => ACTIONS.filter((a) => !a.stub && (a.name in LOCAL || backend.supports(a.name))).map((a) => a.name).sort();
  // Actions answered by the core itself, whatever the backend: they describe the bridge.
  const LOCAL: Record<string, () => unknown> = { get_supported_actions: supportedActions };

  return {
    resolve,
    events,
    backend,
    bots: () => backend.bots(),
    supportedActions,
    async call(action, params = {}, opts = {}) {
      const spec = resolve(action);
      if (!spec) throw new BridgeError('unknown_action', `unknown action ${action}`);
      if (spec.stub) throw new BridgeError('unsupported', spec.stub, { not_supported: true, message: spec.stub });
      if (spec.name in LOCAL) return LOCAL[spec.name]();
      if (!backend.supports(spec.name)) {
        const why = `${spec.name} is not supported by this backend`;
        throw new BridgeError('unsupported', why, { not_supported: true, message: why });
      }
      let p: Params = paramsCopy(params);
      if (spec.rename) for (const [from, to] of Object.entries(spec.rename)) if (from in p) { if (!(to in p)) p[to] = p[from]; delete p[from]; }
      p = schemas.validate(spec.schema ?? `onebot/${spec.name}`, p);
      log.debug('call', { action: spec.name });
      return await backend.invoke(spec.name, p, opts.selfId); // `return await`: fewer microtask turns than returning the promise
    },
    async start() {
      backend.events.on('event', forward);
      await backend.start();
    },
    async stop() {
      backend.events.off('event', forward);
      await backend.stop();
    },
  };
}
