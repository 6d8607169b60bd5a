/**
 * The `onebot` backend: the bridge runs on real OneBot v11 servers (NapCat, LLOneBot, Lagrange,
 * go-cqhttp, icqq-rust-onebot), one upstream account per bot QQ, reached by forward WS, HTTP API
 * (+ HTTP-POST events) or reverse WS. Everything dialect-specific stays below this seam.
 */
import { EventEmitter } from 'node:events';
import { BridgeError } from '../../errors';
import type { UpstreamAccount, UpstreamConfig } from '../../config';
import type { Logger } from '../../log';
import { ACTIONS } from '../../core/actions';
import type { ActionSpec, Backend, OneBotEvent } from '../../core/types';
import { createAccount, type Account, type AccountCapabilities } from './account';
import { createHttpTransport, type HttpTransport } from './http';
import { createListener, type Listener, type ListenerTarget } from './listener';
import { createReverseWsTransport, type ReverseWsTransport } from './reverse-ws';
import type { Transport } from './transport';
import { createWsTransport, redactUrl } from './ws';

export interface UpstreamBackend extends Backend {
  readonly kind: 'onebot';
  /** Per account: dialect, connection state and which of our actions it can run. */
  capabilities(): AccountCapabilities[];
  /** Port of the HTTP-POST / reverse-WS listener once started (undefined when no account needs it). */
  readonly listenPort: number | undefined;
  /** Resolves when the account (default: every account) has finished its handshake. */
  whenReady(selfId?: number): Promise<void>;
}

const DEFAULT_FRAME_BYTES = 16 * 1024 * 1024;

export function transportOf(a: UpstreamAccount): 'ws' | 'http' | 'reverse-ws' {
  if (a.transport) return a.transport;
  if (!a.url) return 'reverse-ws';
  return /^https?:/i.test(a.url) ? 'http' : 'ws';
}

/** `upstream.accounts[]`, or the single account described by `upstream.url`/`transport`. */
export function accountsOf(config: UpstreamConfig): UpstreamAccount[] {
  if (config.accounts?.length) return config.accounts.map((a) => ({ accessToken: config.accessToken, secret: config.secret, ...a }));
  if (config.url || config.transport) return [{ url: config.url, transport: config.transport, accessToken: config.accessToken, secret: config.secret }];
  throw new Error('backend onebot needs upstream.url (or upstream.accounts, or upstream.transport: reverse-ws)');
}

interface Entry {
  config: UpstreamAccount;
  kind: 'ws' | 'http' | 'reverse-ws';
  account: Account;
  transport: Transport;
}

export function createUpstream(deps: { config: UpstreamConfig; logger: Logger }): UpstreamBackend {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'upstream' });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const actionIndex = new Map<string, ActionSpec>(ACTIONS.map((a) => [a.name, a]));
  const maxFrameBytes = config.maxFrameBytes ?? DEFAULT_FRAME_BYTES;

  const entries: Entry[] = accountsOf(config).map((cfg, i) => {
    const kind = transportOf(cfg);
    if (kind !== 'reverse-ws' && !cfg.url) throw new Error(`upstream account ${i}: transport ${kind} needs a url`);
    const label = cfg.selfId ? `bot ${cfg.selfId}` : `account ${i}`;
    const log = logger.child({ account: label });
    const transport: Transport =
      kind === 'ws'
        ? createWsTransport({ url: cfg.url as string, accessToken: cfg.accessToken, reconnect: config.reconnect, connectTimeoutMs: config.timeoutMs, maxPayload: maxFrameBytes, logger: log })
        : kind === 'http'
          ? createHttpTransport({ url: cfg.url as string, accessToken: cfg.accessToken, reconnect: config.reconnect, probeTimeoutMs: config.timeoutMs, logger: log })
          : createReverseWsTransport({ where: `reverse WS ${label}`, logger: log });
    const account = createAccount({
      transport,
      selfId: cfg.selfId,
      timeoutMs: config.timeoutMs,
      fileTimeoutMs: config.fileTimeoutMs,
      idMapSize: config.idMapSize ?? 100_000,
      actions: actionIndex,
      logger: log,
      emit: (ev: OneBotEvent) => events.emit('event', ev),
    });
    return { config: cfg, kind, account, transport };
  });

  const selfIds = new Set<number>();
  for (const e of entries) {
    if (e.config.selfId === undefined) continue;
    if (selfIds.has(e.config.selfId)) throw new Error(`upstream: two accounts for bot ${e.config.selfId}`);
    selfIds.add(e.config.selfId);
  }

  /** Incoming HTTP-POST / reverse WS: the account with that self id, else the only (or first idle) one of its kind. */
  const route = (kind: 'http' | 'reverse-ws', selfId: number | undefined): ListenerTarget | undefined => {
    const ofKind = entries.filter((e) => e.kind === kind);
    const entry =
      (selfId !== undefined ? ofKind.find((e) => e.account.selfId() === selfId) : undefined) ??
      (ofKind.length === 1 && (selfId === undefined || ofKind[0].account.selfId() === undefined) ? ofKind[0] : undefined) ??
      ofKind.find((e) => e.account.selfId() === undefined && !e.transport.connected);
    if (!entry) return undefined;
    const t = entry.transport;
    return {
      accessToken: entry.config.accessToken,
      secret: entry.config.secret,
      deliver: kind === 'http' ? (ev) => (t as HttpTransport).deliver(ev) : undefined,
      attach: kind === 'reverse-ws' ? (ws, role, peer) => (t as ReverseWsTransport).attach(ws, role, peer) : undefined,
    };
  };

  const listener: Listener | undefined = entries.some((e) => e.kind !== 'ws')
    ? createListener({ ...config.listen, maxBodyBytes: maxFrameBytes, logger, route })
    : undefined;

  const accountFor = (selfId?: number): Account => {
    if (selfId === undefined) return (entries.find((e) => e.account.ready) ?? entries[0]).account;
    const e = entries.find((x) => (x.account.selfId() ?? x.config.selfId) === selfId);
    if (!e) throw new BridgeError('no_bot', `no upstream account for bot ${selfId}`);
    return e.account;
  };

  return {
    kind: 'onebot',
    events,
    get listenPort() {
      return listener?.port;
    },
    bots() {
      const out: number[] = [];
      for (const e of entries) {
        const id = e.account.selfId() ?? e.config.selfId;
        if (id !== undefined && !out.includes(id)) out.push(id);
      }
      return out;
    },
    supports: (action) => entries.some((e) => e.account.supports(action)),
    invoke: async (action, params, selfId) => accountFor(selfId).invoke(action, params),
    capabilities: () => entries.map((e) => e.account.capabilities()),
    async whenReady(selfId) {
      if (selfId !== undefined) return accountFor(selfId).whenReady();
      await Promise.all(entries.map((e) => e.account.whenReady()));
    },
    async start() {
      logger.info(`upstream accounts: ${entries.map((e) => `${e.kind}${e.config.url ? ` ${redactUrl(e.config.url)}` : ''}`).join(', ')}`);
      await listener?.start();
      await Promise.all(entries.map((e) => e.account.start()));
    },
    async stop() {
      await Promise.all(entries.map((e) => e.account.stop()));
      await listener?.stop();
    },
  };
}
