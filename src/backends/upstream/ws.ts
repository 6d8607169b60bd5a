/** Forward WebSocket: we dial the upstream's universal WS endpoint; API calls and events share one socket. */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { BridgeError } from '../../errors';
import type { Logger } from '../../log';
import { createBackoff } from './backoff';
import { createRpc } from './rpc';
import { emptyStats, type Transport } from './transport';

export interface WsTransportOptions {
  url: string;
  accessToken?: string;
  reconnect: { minMs: number; maxMs: number };
  /** Handshake timeout. */
  connectTimeoutMs: number;
  maxPayload: number;
  logger: Logger;
}

/** The url without credentials (user info and an `access_token` query are cut). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    if (u.searchParams.has('access_token')) u.searchParams.set('access_token', '***');
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

export function createWsTransport(opts: WsTransportOptions): Transport {
  const where = redactUrl(opts.url);
  const log = opts.logger;
  const stats = emptyStats();
  const rpc = createRpc(stats);
  const backoff = createBackoff(opts.reconnect);
  const emitter = new EventEmitter();
  let socket: WebSocket | undefined;
  let open = false;
  let stopped = true;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let firstSettled: (() => void) | undefined;

  const connect = () => {
    retry = undefined;
    if (stopped) return;
    const headers: Record<string, string> = {};
    if (opts.accessToken) headers.Authorization = `Bearer ${opts.accessToken}`;
    // No compression: frames are small, and deflate costs more than it saves on a local link.
    const ws = new WebSocket(opts.url, {
      headers,
      handshakeTimeout: opts.connectTimeoutMs,
      maxPayload: opts.maxPayload,
      perMessageDeflate: false,
    });
    socket = ws;
    ws.on('open', () => {
      if (socket !== ws) return;
      open = true;
      failures = 0;
      backoff.reset();
      log.info(`connected to upstream ${where}`);
      firstSettled?.();
      emitter.emit('up');
    });
    ws.on('message', (raw, isBinary) => {
      if (socket !== ws) return;
      const frame = rpc.receive(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
      if (frame.kind === 'event') emitter.emit('event', frame.event);
      else if (frame.kind === 'garbage') log.warn('upstream sent a frame that is not a JSON object', { where, garbage: stats.garbage });
    });
    ws.on('unexpected-response', (_req, res) => {
      log.warn(`upstream ${where} refused the WebSocket handshake: HTTP ${res.statusCode}${res.statusCode === 401 || res.statusCode === 403 ? ' (check accessToken)' : ''}`);
      ws.terminate();
    });
    ws.on('error', (e) => {
      if (failures++ === 0) log.warn(`upstream ${where}: ${e.message}`);
    });
    ws.on('close', () => {
      if (socket !== ws) return;
      socket = undefined;
      const wasOpen = open;
      open = false;
      rpc.failAll(`upstream ${where} connection lost`);
      if (wasOpen) {
        log.warn(`upstream ${where} connection lost`);
        emitter.emit('down', 'connection lost');
      }
      firstSettled?.();
      if (!stopped) {
        stats.reconnects++;
        retry = setTimeout(connect, backoff.next());
      }
    });
  };

  const transport = Object.assign(emitter, {
    kind: 'ws' as const,
    where,
    call(action: string, params: Record<string, unknown>, timeoutMs: number) {
      const ws = socket;
      if (!open || !ws) return Promise.reject(new BridgeError('upstream', `upstream ${where} is not connected`));
      return rpc.call((text) => ws.send(text), action, params, timeoutMs, where);
    },
    start() {
      stopped = false;
      return new Promise<void>((resolve) => {
        firstSettled = () => {
          firstSettled = undefined;
          resolve();
        };
        connect();
      });
    },
    async stop() {
      stopped = true;
      firstSettled?.();
      if (retry) clearTimeout(retry);
      retry = undefined;
      const ws = socket;
      socket = undefined;
      open = false;
      rpc.failAll(`upstream ${where}: bridge stopping`);
      if (ws) {
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.terminate();
        });
      }
    },
    drop(reason: string) {
      log.warn(`upstream ${where}: ${reason}; reconnecting`);
      socket?.terminate();
    },
    stats: () => ({ ...stats }),
  }) as Transport;
  // A getter: Object.assign would copy its value once.
  Object.defineProperty(transport, 'connected', { get: () => open });
  return transport;
}
