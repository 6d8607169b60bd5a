/**
 * One upstream account (one bot QQ): its transport, dialect, capability table, message-id map and
 * liveness. Events leave here standard; calls leave here in the upstream's dialect.
 */
import { createBoundedMap } from '../../bounded';
import { BridgeError } from '../../errors';
import type { Logger } from '../../log';
import type { ActionSpec, OneBotEvent, Params } from '../../core/types';
import { candidatesFor, detectDialect, DIALECTS, type Dialect, type VersionInfo } from './dialects';
import { createIdMap, type IdMap } from './id-map';
import { upstreamEventToStandard, toNumber } from './normalise-events';
import { paramsToUpstream, type ParamsContext } from './normalise-params';
import { resultToStandard, type ResultContext } from './normalise-results';
import type { Envelope, Transport, TransportStats } from './transport';

export interface AccountCapabilities {
  selfId: number | null;
  transport: Transport['kind'];
  where: string;
  connected: boolean;
  /** Handshake done: self id known, dialect detected. */
  ready: boolean;
  dialect: Dialect['name'];
  app: { name: string; version: string; full_name?: string } | null;
  /** From the upstream's own `get_supported_actions`, when it has one. */
  listed: boolean;
  /** Every action of our table: whether this upstream can run it, and under which name. */
  actions: Record<string, { supported: boolean; as?: string }>;
  /** Upstream names that answered "unknown action" (not tried again). */
  unknown: string[];
  ids: { size: number; evicted: number };
  stats: TransportStats & { duplicates: number; events: number };
}

export interface Account {
  readonly transport: Transport;
  selfId(): number | undefined;
  readonly ready: boolean;
  invoke(action: string, params: Params): Promise<unknown>;
  supports(action: string): boolean;
  capabilities(): AccountCapabilities;
  /** Resolves when the handshake is done (at once when it already is). */
  whenReady(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface AccountOptions {
  transport: Transport;
  /** Configured bot QQ (learned from the upstream when absent). */
  selfId?: number;
  timeoutMs: number;
  fileTimeoutMs: number;
  idMapSize: number;
  /** Our action table (for timeouts and the capability table). */
  actions: Map<string, ActionSpec>;
  logger: Logger;
  emit(ev: OneBotEvent): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DEDUPE_WINDOW = 2048;

const envelopeOk = (e: Envelope) => e.status === 'ok' || e.status === 'async' || (e.status === undefined && (e.retcode === 0 || e.retcode === 1));
const envelopeMessage = (e: Envelope) => String(e.message || e.wording || e.msg || `retcode ${String(e.retcode)}`);

/** "No such action" in any dialect: 404/1404 plus not_supported or wording about the action itself. */
function isUnknownAction(e: Envelope): boolean {
  const code = Number(e.retcode);
  if (code !== 404 && code !== 1404) return false;
  if (isObject(e.data) && e.data.not_supported) return true;
  const msg = String(e.message || e.wording || e.msg || '');
  return !msg || /unknown|action|api|not.?support|不支持|未知|不存在的/i.test(msg);
}

function envelopeToError(e: Envelope, action: string): BridgeError {
  const code = Number(e.retcode);
  const msg = `${action}: ${envelopeMessage(e)}`;
  if (isObject(e.data) && e.data.not_supported) return new BridgeError('unsupported', msg, { not_supported: true, message: msg });
  if (code === 1400 || code === 400) return new BridgeError('bad_params', msg);
  if (code === 1401 || code === 1403 || code === 401 || code === 403) return new BridgeError('upstream', `${msg} (upstream refused our access token)`);
  if (code === 1404 || code === 404) return new BridgeError('not_found', msg);
  return new BridgeError('rejected', msg);
}

export function createAccount(opts: AccountOptions): Account {
  const { transport } = opts;
  const log = opts.logger;
  const ids: IdMap = createIdMap(opts.idMapSize);
  const folders = createBoundedMap<string, string>({ capacity: 10_000 }); // file id → its folder
  const unknown = new Set<string>();
  const seen = createBoundedMap<string, true>({ capacity: DEDUPE_WINDOW });
  let selfId = opts.selfId;
  let dialect: Dialect = { ...DIALECTS.generic };
  let listed: Set<string> | undefined;
  let app: AccountCapabilities['app'] = null;
  let ready = false;
  let everReady = false;
  let stopped = true;
  let watchdogMs = 0;
  let watchdog: NodeJS.Timeout | undefined;
  let duplicates = 0;
  let eventCount = 0;
  let waiters: (() => void)[] = [];
  /** Called when a handshake ends, either way. */
  let settled: (() => void)[] = [];
  const settle = () => {
    for (const f of settled) f();
    settled = [];
  };
  let handshakes = 0;

  const sawStringId = () => {
    if (!dialect.stringIds) {
      dialect.stringIds = true;
      log.info('upstream uses non-numeric message ids: mapping them to int32 ids');
    }
  };
  const resultCtx: ResultContext = {
    get selfId() {
      return selfId ?? 0;
    },
    ids,
    sawStringId,
    rememberFile(fileId, folderId) {
      folders.set(fileId, folderId);
    },
  };
  const paramsCtx: ParamsContext = {
    get dialect() {
      return dialect;
    },
    ids,
    fileFolder: (id) => folders.get(id),
    lookup: async (action, params) => {
      const env = await transport.call(action, params, opts.timeoutMs);
      if (!envelopeOk(env)) throw envelopeToError(env, action);
      return env.data;
    },
  };

  const emit = (ev: Record<string, unknown>) => opts.emit({ time: Math.floor(Date.now() / 1000), self_id: selfId ?? 0, ...ev } as OneBotEvent);

  const armWatchdog = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = undefined;
    if (!watchdogMs || stopped || !transport.connected) return;
    watchdog = setTimeout(() => {
      watchdog = undefined;
      transport.drop(`no heartbeat from the upstream for ${watchdogMs} ms`);
    }, watchdogMs);
    watchdog.unref?.();
  };

  /** Message events seen again (a replay after reconnect, or two event sockets) are dropped. */
  const isDuplicate = (raw: Record<string, unknown>) => {
    if ((raw.post_type !== 'message' && raw.post_type !== 'message_sent') || raw.message_id === undefined) return false;
    const key = `${String(raw.post_type)}:${JSON.stringify(raw.message_id)}`;
    if (seen.has(key)) return true;
    seen.set(key, true);
    return false;
  };

  const onEvent = (raw: Record<string, unknown>) => {
    armWatchdog();
    if (raw.post_type === 'meta_event') {
      if (raw.meta_event_type === 'heartbeat') {
        const interval = Number(raw.interval);
        // Three missed heartbeats and the link is dead.
        if (Number.isFinite(interval) && interval > 0 && interval * 3 !== watchdogMs) {
          watchdogMs = interval * 3;
          armWatchdog();
        }
      } else if (raw.meta_event_type === 'lifecycle' && selfId === undefined) {
        const id = toNumber(raw.self_id);
        if (typeof id === 'number') selfId = id;
      }
      return;
    }
    if (isDuplicate(raw)) {
      duplicates++;
      return;
    }
    try {
      const ev = upstreamEventToStandard(raw, resultCtx);
      if (!ev) return;
      if (selfId !== undefined && ev.self_id !== selfId) ev.self_id = selfId;
      eventCount++;
      opts.emit(ev);
    } catch (e) {
      log.warn('dropped an upstream event that could not be read', { err: (e as Error).message, post_type: raw.post_type });
    }
  };

  const tryCall = async (action: string, params: Params, timeoutMs: number) => {
    const env = await transport.call(action, params, timeoutMs);
    return envelopeOk(env) ? { ok: true as const, data: env.data } : { ok: false as const, env };
  };

  /** Learn who the upstream is: self id, implementation, what it can do. */
  const handshake = async () => {
    const round = ++handshakes;
    try {
      const login = await tryCall('get_login_info', {}, opts.timeoutMs);
      if (!login.ok) throw envelopeToError(login.env, 'get_login_info');
      const id = isObject(login.data) ? toNumber(login.data.user_id) : undefined;
      if (typeof id === 'number') {
        if (opts.selfId !== undefined && id !== opts.selfId) log.warn(`upstream ${transport.where} is logged in as ${id}, not the configured ${opts.selfId}`);
        selfId = id;
      }
      const version = await tryCall('get_version_info', {}, opts.timeoutMs).catch(() => undefined);
      const v = version?.ok && isObject(version.data) ? (version.data as VersionInfo) : undefined;
      const list = await tryCall('get_supported_actions', {}, opts.timeoutMs).catch(() => undefined);
      const names = list?.ok && Array.isArray(list.data) ? list.data.filter((x): x is string => typeof x === 'string') : undefined;
      if (round !== handshakes || stopped || !transport.connected) return settle();
      const stringIds = dialect.stringIds;
      dialect = detectDialect(v, names);
      dialect.stringIds ||= stringIds;
      listed = names?.length ? new Set(names) : undefined;
      app = v ? { name: String(v.app_name ?? ''), version: String(v.app_version ?? ''), ...(v.app_full_name ? { full_name: String(v.app_full_name) } : {}) } : null;
      ready = true;
      const caps = capabilities();
      const missing = Object.entries(caps.actions).filter(([, c]) => !c.supported).map(([n]) => n);
      log.info(
        `upstream ${transport.where}: bot ${selfId ?? '?'} on ${app ? `${app.name} ${app.version}` : 'an unnamed OneBot server'} (dialect ${dialect.name}); ` +
          `${Object.keys(caps.actions).length - missing.length} actions supported${missing.length ? `, not supported: ${missing.join(', ')}` : ''}`,
      );
      emit({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' });
      if (everReady) emit({ post_type: 'notice', notice_type: 'bot_online', user_id: selfId ?? 0, reason: 'upstream reconnected' });
      everReady = true;
      armWatchdog();
      for (const w of waiters) w();
      waiters = [];
      settle();
    } catch (e) {
      if (round !== handshakes || stopped) return settle();
      log.warn(`upstream ${transport.where}: handshake failed (${(e as Error).message})`);
      settle();
      transport.drop('handshake failed');
    }
  };

  const onUp = () => void handshake();
  const onDown = (reason: string) => {
    handshakes++;
    settle();
    if (watchdog) clearTimeout(watchdog);
    watchdog = undefined;
    if (!ready) return;
    ready = false;
    emit({ post_type: 'notice', notice_type: 'bot_offline', user_id: selfId ?? 0, tag: 'network', message: `upstream link lost: ${reason}` });
  };

  const isSupportedName = (name: string) => !unknown.has(name) && (listed ? listed.has(name) : true);

  function supports(action: string): boolean {
    if (!ready) return true; // not known yet: let the call find out
    if (!listed && dialect.missing.includes(action)) return false;
    return candidatesFor(action, dialect).some(isSupportedName);
  }

  function capabilities(): AccountCapabilities {
    const actions: AccountCapabilities['actions'] = {};
    for (const spec of new Set(opts.actions.values())) {
      if (spec.stub) continue;
      const as = supports(spec.name) ? candidatesFor(spec.name, dialect).find(isSupportedName) : undefined;
      actions[spec.name] = as ? { supported: true, ...(as !== spec.name ? { as } : {}) } : { supported: false };
    }
    return {
      selfId: selfId ?? null,
      transport: transport.kind,
      where: transport.where,
      connected: transport.connected,
      ready,
      dialect: dialect.name,
      app,
      listed: listed !== undefined,
      actions,
      unknown: [...unknown],
      ids: { size: ids.size, evicted: ids.evicted },
      stats: { ...transport.stats(), duplicates, events: eventCount },
    };
  }

  // Per action, computed once: every send asks again.
  const timeouts = new Map<string, number>();
  const timeoutFor = (action: string) => {
    let ms = timeouts.get(action);
    if (ms === undefined) {
      const spec = opts.actions.get(action);
      ms = spec?.slow || /file|upload|download/.test(action) ? opts.fileTimeoutMs : opts.timeoutMs;
      if (timeouts.size < 1024) timeouts.set(action, ms);
    }
    return ms;
  };

  return {
    transport,
    selfId: () => selfId,
    get ready() {
      return ready;
    },
    supports,
    capabilities,
    async invoke(action, params) {
      const timeoutMs = timeoutFor(action);
      const names = candidatesFor(action, dialect).filter(isSupportedName);
      if (ready && !listed && dialect.missing.includes(action)) names.length = 0;
      let last: Envelope | undefined;
      for (const name of names) {
        // Most rules are synchronous: awaiting only a promise spares a tick on every send.
        const mapped = paramsToUpstream(action, name, params, paramsCtx);
        const up = mapped instanceof Promise ? await mapped : mapped;
        const res = await tryCall(name, up, timeoutMs);
        if (res.ok) return resultToStandard(action, res.data === undefined ? null : res.data, params, resultCtx);
        if (!isUnknownAction(res.env)) throw envelopeToError(res.env, action);
        // Remember it: the next call goes straight to the name that works.
        unknown.add(name);
        last = res.env;
      }
      const why = `${action} is not supported by the upstream${app ? ` (${app.name})` : ''}${last ? `: ${envelopeMessage(last)}` : ''}`;
      throw new BridgeError('unsupported', why, { not_supported: true, message: why });
    },
    whenReady: () => (ready ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async start() {
      stopped = false;
      transport.on('event', onEvent);
      transport.on('up', onUp);
      transport.on('down', onDown);
      await transport.start();
      // A link that came up during start: wait for its handshake (bounded by the call timeouts).
      if (transport.connected && !ready) await new Promise<void>((r) => settled.push(r));
    },
    async stop() {
      stopped = true;
      if (watchdog) clearTimeout(watchdog);
      watchdog = undefined;
      transport.off('event', onEvent);
      transport.off('up', onUp);
      transport.off('down', onDown);
      await transport.stop();
      settle();
    },
  };

}
