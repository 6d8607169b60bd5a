/**
 * The mirai WebSocket face (digest §4): `/message`, `/event`, `/all` on the mirai HTTP port.
 * Handshake parameters come from the headers first, then the query; commands go through the
 * one mirai dispatch; pushes carry `reservedSyncId`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { BridgeConfig } from '../../src/config';
import { mask, type Logger } from '../../src/log';
import { toStateCode } from '../../src/mirai/state-code';
import type { BoundSession, HandshakeParams, MiraiModel } from '../../src/mirai/types';
import { handshakeFrame } from '../mirai-ws-common/frames';
import { closeReason, closeSocket, createMiraiSockets, type PushFilter } from '../mirai-ws-common/sockets';
import type { UpgradeHandler } from '../types';

const PATHS: Record<string, PushFilter> = { '/message': 'message', '/event': 'event', '/all': 'all' };
const PARAMS = ['verifyKey', 'qq', 'sessionKey'] as const;

/** `verifyKey`, `qq`, `sessionKey`: each from a header (any case) first, then from the query. */
export function handshakeParams(req: IncomingMessage, url: URL): HandshakeParams {
  const out: Record<string, unknown> = {};
  for (const name of PARAMS) {
    const h = req.headers[name.toLowerCase()];
    const fromHeader = Array.isArray(h) ? h[0] : h;
    out[name] = fromHeader !== undefined && fromHeader !== '' ? fromHeader : (url.searchParams.get(name) ?? undefined);
  }
  return out;
}

export interface MiraiWsFace extends UpgradeHandler {
  stats(): { sockets: number; dropped: number };
}

export function createMiraiWs(deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): MiraiWsFace {
  const { mirai, config } = deps;
  const settings = config.mirai.adapterSettings.ws;
  const log = deps.logger.child({ component: 'mirai-ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.frameBytes, clientTracking: false });
  const sockets = createMiraiSockets({
    mirai,
    transport: 'ws',
    reservedSyncId: settings.reservedSyncId,
    maxBufferedBytes: settings.maxBufferedBytes,
    pingIntervalMs: settings.pingIntervalMs,
    logger: log,
  });
  /** One socket per (path, session): a newer one replaces the older. */
  const channels = new Map<string, WebSocket>();
  /** Sockets whose handshake was refused, until their close completes. */
  const refused = new Set<WebSocket>();
  let stopped = false;
  sockets.start();

  function onConnection(ws: WebSocket, req: IncomingMessage, url: URL, raw: Duplex) {
    const filter = PATHS[url.pathname];
    ws.on('error', (e) => log.debug('mirai socket error', { err: e.message }));
    let session: BoundSession;
    try {
      session = mirai.sessions.connect(handshakeParams(req, url));
    } catch (e) {
      const state = toStateCode(e);
      log.debug('mirai ws handshake refused', { path: url.pathname, code: state.code });
      refused.add(ws);
      ws.once('close', () => refused.delete(ws));
      ws.send(handshakeFrame(state));
      ws.close(1000, closeReason(state.msg));
      return;
    }
    ws.send(handshakeFrame({ code: 0, session: session.key }));
    const channel = `${url.pathname}\n${session.key}`;
    const previous = channels.get(channel);
    channels.set(channel, ws);
    if (previous) void closeSocket(previous, 1000, 'replaced by a new connection');
    log.debug('mirai ws connected', { path: url.pathname, botId: session.botId, key: mask(session.key) });
    sockets.attach(ws, session, filter, () => {
      if (channels.get(channel) === ws) channels.delete(channel);
      log.debug('mirai ws closed', { path: url.pathname, botId: session.botId });
    }, raw);
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!Object.hasOwn(PATHS, url.pathname)) return false;
      if (stopped) {
        socket.destroy();
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (stopped) return ws.terminate();
        onConnection(ws, req, url, socket);
      });
      return true;
    },
    async stop() {
      stopped = true;
      await sockets.stop();
      await Promise.all([...refused].map((ws) => closeSocket(ws, 1001, 'server stopping')));
      wss.close();
    },
    stats: () => sockets.stats(),
  };
}
