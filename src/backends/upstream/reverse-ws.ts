/**
 * Reverse WebSocket: the upstream dials our listener (listener.ts) and the socket is attached here.
 * A `Universal` socket carries calls and events; `API` and `Event` sockets one each. The newest
 * API-capable socket serves calls; the link is up while one is open.
 */
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { BridgeError } from '../../errors';
import type { Logger } from '../../log';
import type { Params } from '../../core/types';
import { createRpc } from './rpc';
import { emptyStats, type Transport } from './transport';

export type ClientRole = 'universal' | 'api' | 'event';

export interface ReverseWsTransport extends Transport {
  attach(ws: WebSocket, role: ClientRole, peer: string): void;
}

/** `X-Client-Role` as sent by any implementation (case and spelling vary); unknown means universal. */
export function parseRole(header: string | string[] | undefined): ClientRole {
  const v = String(Array.isArray(header) ? header[0] : header ?? '').toLowerCase();
  return v === 'api' ? 'api' : v === 'event' ? 'event' : 'universal';
}

export function createReverseWsTransport(opts: { where: string; logger: Logger }): ReverseWsTransport {
  const { where } = opts;
  const log = opts.logger;
  const stats = emptyStats();
  const rpc = createRpc(stats);
  const emitter = new EventEmitter();
  const sockets = new Set<WebSocket>();
  let api: WebSocket | undefined;
  let stopped = true;

  const closeAll = () => {
    for (const s of sockets) s.terminate();
  };

  const transport = Object.assign(emitter, {
    kind: 'reverse-ws' as const,
    where,
    attach(ws: WebSocket, role: ClientRole, peer: string) {
      if (stopped) {
        ws.close(1001, 'stopping');
        return;
      }
      sockets.add(ws);
      ws.on('message', (raw, isBinary) => {
        const frame = rpc.receive(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
        if (frame.kind === 'event') emitter.emit('event', frame.event);
        else if (frame.kind === 'garbage') log.warn('upstream sent a frame that is not a JSON object', { where, garbage: stats.garbage });
      });
      ws.on('error', (e) => log.warn(`reverse WS from ${peer}: ${e.message}`));
      ws.on('close', () => {
        sockets.delete(ws);
        if (api !== ws) return;
        api = undefined;
        rpc.failAll(`upstream ${where} connection lost`);
        if (!stopped) {
          log.warn(`upstream ${where} (reverse WS from ${peer}) disconnected`);
          emitter.emit('down', 'connection lost');
        }
      });
      log.info(`upstream ${where} connected by reverse WS from ${peer} (role ${role})`);
      if (role === 'event') return;
      const previous = api;
      api = ws;
      if (previous) {
        // The newest connection wins; closing the old one must not take the link down.
        stats.reconnects++;
        previous.close(1000, 'replaced by a newer connection');
        return;
      }
      emitter.emit('up');
    },
    call(action: string, params: Params, timeoutMs: number) {
      const ws = api;
      if (!ws) return Promise.reject(new BridgeError('upstream', `upstream ${where} is not connected (waiting for it to dial our reverse WS)`));
      return rpc.call((text) => ws.send(text), action, params, timeoutMs, where);
    },
    async start() {
      stopped = false;
    },
    async stop() {
      stopped = true;
      api = undefined;
      rpc.failAll(`upstream ${where}: bridge stopping`);
      closeAll();
    },
    drop(reason: string) {
      log.warn(`upstream ${where}: ${reason}; closing its connections`);
      closeAll();
    },
    stats: () => ({ ...stats }),
  }) as ReverseWsTransport;
  // A getter: Object.assign would copy its value once.
  Object.defineProperty(transport, 'connected', { get: () => api !== undefined });
  return transport;
}
