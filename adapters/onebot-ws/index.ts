/**
 * OneBot v11 forward WebSocket face on the OneBot port: `/` (API + events), `/api` (API only),
 * `/event` (events only). Frames `{action, params, echo}` go to the shared OneBot dispatch.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { ActionCore } from '../../src/core/action-core';
import type { OneBotEvent } from '../../src/core/types';
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { UpgradeHandler } from '../types';
import { AUTH_HTTP_STATUS, AUTH_RETCODE, checkToken, offeredToken } from '../onebot-common/auth';
import { sharedDispatch } from '../onebot-common/dispatch';
import { failedEnvelope, type Envelope } from '../onebot-common/envelope';
import { apiFrameToEnvelope } from '../onebot-common/frames';
import { lifecycleEvent, oneBotEventToWire, shouldPush, startHeartbeat } from '../onebot-common/events';

type Role = 'universal' | 'api' | 'event';
const ROLES: Record<string, Role> = { '/': 'universal', '/api': 'api', '/event': 'event' };

/** Above this many unsent bytes a socket is a slow consumer: its events are dropped (API replies are not). */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
export const PING_INTERVAL_MS = 30_000;
const STOP_GRACE_MS = 1000;

interface Client {
  ws: WebSocket;
  role: Role;
  alive: boolean;
  /** Inside a burst of drops: warn once per burst. */
  dropping: boolean;
  drops: number;
}

export interface OneBotWsFace extends UpgradeHandler {
  stats(): { clients: number; droppedEvents: number; rateLimitedDrops: number };
}

function reject(socket: Duplex, status: 401 | 403, env: Envelope): void {
  const body = JSON.stringify(env);
  const reason = status === 401 ? 'Unauthorized' : 'Forbidden';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createOneBotWs(deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): OneBotWsFace {
  const { core, config } = deps;
  const log = deps.logger.child({ component: 'onebot-ws' });
  const dispatcher = sharedDispatch(deps);
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.frameBytes, perMessageDeflate: false });
  const clients = new Set<Client>();
  const timers: NodeJS.Timeout[] = [];
  let droppedEvents = 0;
  let stopped = false;

  const botIds = () => (core.bots().length ? core.bots() : [0]);

  /** Push an event payload; a socket whose buffer is over the bound loses it (counted). */
  const push = (c: Client, payload: string) => {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      c.drops++;
      droppedEvents++;
      if (!c.dropping) log.warn('slow consumer: dropping events', { role: c.role, buffered: c.ws.bufferedAmount, dropped: c.drops });
      c.dropping = true;
      return;
    }
    c.dropping = false;
    c.ws.send(payload);
  };
  const pushToEventClients = (ev: OneBotEvent) => {
    let payload: string | undefined;
    for (const c of clients) {
      if (c.role === 'api') continue;
      payload ??= JSON.stringify(ev); // serialised once for every socket
      push(c, payload);
    }
  };

  const onEvent = (ev: OneBotEvent) => {
    if (shouldPush(ev, config.onebot)) pushToEventClients(oneBotEventToWire(ev, config.onebot));
  };
  core.events.on('event', onEvent);

  const reply = (c: Client, env: Envelope) => {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify(env));
  };

  const onFrame = async (c: Client, data: RawData) => {
    const started = Date.now();
    const { action, envelope } = await apiFrameToEnvelope(dispatcher, data.toString());
    if (action) log.debug('frame', { role: c.role, action, retcode: envelope.retcode, ms: Date.now() - started });
    reply(c, envelope);
  };

  const onConnection = (ws: WebSocket, role: Role, peer: string) => {
    const c: Client = { ws, role, alive: true, dropping: false, drops: 0 };
    clients.add(c);
    log.info('client connected', { role, peer });
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data) => {
      c.alive = true;
      onFrame(c, data).catch((e) => log.error('frame handling failed', { err: (e as Error).stack }));
    });
    ws.on('error', (e) => log.warn('client socket error', { role, peer, reason: e.message }));
    ws.on('close', () => {
      clients.delete(c);
      log.info('client disconnected', { role, peer, droppedEvents: c.drops });
    });
    if (role !== 'api') for (const id of botIds()) push(c, JSON.stringify(lifecycleEvent(id, 'connect')));
  };

  // Heartbeat: one timer for every socket; `status` is get_status's data when the action runs here.
  const hasEventClients = () => [...clients].some((c) => c.role !== 'api');
  const beat = startHeartbeat(core, config.onebot.heartbeat, botIds, (ev) => !stopped && pushToEventClients(ev), hasEventClients);
  if (beat) timers.push(beat);

  // Ping idle sockets; one that did not answer the previous ping is dead.
  timers.push(
    setInterval(() => {
      for (const c of clients) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }, PING_INTERVAL_MS),
  );
  for (const t of timers) t.unref();

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const role = ROLES[url.pathname.replace(/\/+$/, '') || '/'];
      if (!role) return false;
      if (stopped) {
        socket.destroy();
        return true;
      }
      const auth = checkToken(config.onebot.accessToken, offeredToken(req.headers.authorization, url.searchParams.get('access_token') ?? undefined));
      if (auth !== 'ok') {
        log.warn('handshake refused', { role, reason: `access token ${auth}`, peer: req.socket.remoteAddress });
        reject(socket, AUTH_HTTP_STATUS[auth], failedEnvelope(AUTH_RETCODE[auth], `access token ${auth}`));
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, role, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
      return true;
    },
    stats: () => ({ clients: clients.size, droppedEvents, rateLimitedDrops: dispatcher.rateLimitedDrops }),
    async stop() {
      if (stopped) return;
      stopped = true;
      core.events.off('event', onEvent);
      for (const t of timers) clearInterval(t);
      dispatcher.stop();
      await Promise.all(
        [...clients].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.ws.readyState === WebSocket.CLOSED) return resolve();
              const kill = setTimeout(() => c.ws.terminate(), STOP_GRACE_MS);
              c.ws.once('close', () => {
                clearTimeout(kill);
                resolve();
              });
              c.ws.close(1001, 'bridge stopping');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
