/**
 * The OneBot v11 reverse WebSocket face (digest §2.1): the bridge dials each configured bot server,
 * one connection set per bot (X-Self-ID differs). A Universal connection carries API frames and
 * events, or, with `useUniversalClient: false`, an API and an Event connection do. API frames go to
 * the shared OneBot dispatch for the connection's bot, exactly as on the forward WS face. A closed or
 * failed connection is dialled again every `reconnectInterval` ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import type { ActionCore } from '../../src/core/action-core';
import type { OneBotEvent } from '../../src/core/types';
import type { BridgeConfig, OneBotReverseWsTarget } from '../../src/config';
import type { Logger } from '../../src/log';
import { projectRoot } from '../../src/project-root';
import { sharedDispatch } from '../onebot-common/dispatch';
import { apiFrameToEnvelope } from '../onebot-common/frames';
import { lifecycleEvent, oneBotEventToWire, shouldPush, startHeartbeat } from '../onebot-common/events';
import type { OutboundFace } from '../types';

export type ClientRole = 'Universal' | 'API' | 'Event';
export interface Endpoint {
  url: string;
  role: ClientRole;
}

export const RECONNECT_INTERVAL_MS = 3000;
/** Above this many unsent bytes a connection is a slow consumer: its events are dropped (API replies are not). */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 1000;
/** How often the set of bots is looked at again (an upstream learns its bot after connecting). */
const BOT_WATCH_MS = 5000;

const USER_AGENT = `mah-bridge/${(JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version} OneBot/11`;

/** What one configured entry dials: its Universal url, or its API and Event urls (each falling back to `url`). */
export function endpointsOf(t: OneBotReverseWsTarget, key: string): Endpoint[] {
  const check = (url: string, name: string) => {
    if (!/^wss?:\/\//i.test(url)) throw new Error(`${key}.${name} must be a ws:// or wss:// URL`);
    return url;
  };
  if (t.useUniversalClient ?? true) {
    if (!t.url) throw new Error(`${key}.url is required unless useUniversalClient is false`);
    return [{ url: check(t.url, 'url'), role: 'Universal' }];
  }
  const api = t.apiUrl ?? t.url;
  const event = t.eventUrl ?? t.url;
  if (!api && !event) throw new Error(`${key} needs apiUrl or eventUrl (or url)`);
  const out: Endpoint[] = [];
  if (api) out.push({ url: check(api, t.apiUrl ? 'apiUrl' : 'url'), role: 'API' });
  if (event) out.push({ url: check(event, t.eventUrl ? 'eventUrl' : 'url'), role: 'Event' });
  return out;
}

/** origin + path: what a log may show (a query may hold a token). */
const where = (url: string) => {
  const u = new URL(url);
  return u.origin + u.pathname;
};

interface Link {
  botId: number;
  endpoint: Endpoint;
  token: string;
  reconnectMs: number;
  ws?: WebSocket;
  open: boolean;
  alive: boolean;
  timer?: NodeJS.Timeout;
  /** Inside a run of failed dials / of dropped events: log the first only. */
  failing: boolean;
  dropping: boolean;
}

export interface OneBotReverseWsStats {
  connections: number;
  /** Links waiting for their next dial (0 once stopped). */
  redialsPending: number;
  droppedEvents: number;
}

export function createOneBotReverseWs(deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): OutboundFace & { stats(): OneBotReverseWsStats } {
  const { core, config } = deps;
  const log = deps.logger.child({ component: 'onebot-reverse-ws' });
  const dispatcher = sharedDispatch(deps);
  const entries = config.onebot.reverseWs.map((t, i) => ({
    endpoints: endpointsOf(t, `onebot.reverseWs[${i}]`),
    token: t.accessToken ?? config.onebot.accessToken,
    reconnectMs: Math.max(1, t.reconnectInterval ?? RECONNECT_INTERVAL_MS),
  }));
  const links: Link[] = [];
  const bots = new Set<number>();
  const timers: NodeJS.Timeout[] = [];
  let droppedEvents = 0;
  let running = false;

  const send = (l: Link, payload: string) => {
    if (l.ws?.readyState === WebSocket.OPEN) l.ws.send(payload);
  };

  /** An event payload; a connection whose buffer is over the bound loses it (counted). */
  const push = (l: Link, payload: string) => {
    if (!l.open || !l.ws) return;
    if (l.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      droppedEvents++;
      if (!l.dropping) log.warn('slow consumer: dropping events', { url: where(l.endpoint.url), buffered: l.ws.bufferedAmount });
      l.dropping = true;
      return;
    }
    l.dropping = false;
    send(l, payload);
  };

  const eventLinks = (botId: number) => links.filter((l) => l.botId === botId && l.endpoint.role !== 'API');

  function schedule(l: Link) {
    if (!running || l.timer) return;
    l.timer = setTimeout(() => {
      l.timer = undefined;
      dial(l);
    }, l.reconnectMs);
    l.timer.unref();
  }

  function dial(l: Link) {
    if (!running) return;
    const { url, role } = l.endpoint;
    const headers: Record<string, string> = { 'X-Self-ID': String(l.botId), 'X-Client-Role': role, 'User-Agent': USER_AGENT };
    if (l.token) headers.Authorization = `Bearer ${l.token}`;
    const ws = new WebSocket(url, { headers, maxPayload: config.limits.frameBytes, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, perMessageDeflate: false });
    l.ws = ws;
    ws.on('error', (e) => {
      if (!l.failing) log.warn('connection failed; retrying', { url: where(url), role, reason: e.message, inMs: l.reconnectMs });
      else log.debug('connection failed', { url: where(url), role, reason: e.message });
      l.failing = true;
    });
    ws.on('open', () => {
      l.open = true;
      l.alive = true;
      l.failing = false;
      log.info('connected', { url: where(url), role, botId: l.botId });
      if (role !== 'API') send(l, JSON.stringify(lifecycleEvent(l.botId, 'connect')));
    });
    ws.on('pong', () => (l.alive = true));
    ws.on('message', (data) => {
      l.alive = true;
      if (role === 'Event') return; // an Event connection carries no API calls
      const started = Date.now();
      apiFrameToEnvelope(dispatcher, data.toString(), l.botId)
        .then(({ action, envelope }) => {
          log.debug('frame', { role, action, retcode: envelope.retcode, ms: Date.now() - started });
          send(l, JSON.stringify(envelope));
        })
        .catch((e) => log.error('frame handling failed', { err: (e as Error).stack }));
    });
    ws.on('close', (code) => {
      if (l.ws !== ws) return;
      const wasOpen = l.open;
      l.open = false;
      l.ws = undefined;
      if (wasOpen && running) log.info('disconnected; reconnecting', { url: where(url), role, code, inMs: l.reconnectMs });
      schedule(l);
    });
  }

  /** Links for bots not seen before: each configured endpoint, dialled for that bot. */
  const watchBots = () => {
    if (!running) return;
    for (const botId of core.bots()) {
      if (!botId || bots.has(botId)) continue;
      bots.add(botId);
      for (const e of entries) {
        for (const endpoint of e.endpoints) {
          const l: Link = { botId, endpoint, token: e.token, reconnectMs: e.reconnectMs, open: false, alive: false, failing: false, dropping: false };
          links.push(l);
          dial(l);
        }
      }
    }
  };

  const onEvent = (ev: OneBotEvent) => {
    if (!bots.has(ev.self_id)) watchBots();
    if (!shouldPush(ev, config.onebot)) return;
    let payload: string | undefined;
    for (const l of eventLinks(ev.self_id)) {
      payload ??= JSON.stringify(oneBotEventToWire(ev, config.onebot)); // serialised once for every connection
      push(l, payload);
    }
  };

  const openEventLinks = (botId: number) => eventLinks(botId).filter((l) => l.open);
  const sendBeat = (ev: OneBotEvent, botId: number) => {
    const payload = JSON.stringify(ev);
    if (running) for (const l of openEventLinks(botId)) push(l, payload);
  };

  /** A connection that did not answer the previous ping is dead: cut it (it is dialled again). */
  const ping = () => {
    for (const l of links) {
      if (!l.open || !l.ws) continue;
      if (!l.alive) {
        l.ws.terminate();
        continue;
      }
      l.alive = false;
      l.ws.ping();
    }
  };

  const closeLink = (l: Link) =>
    new Promise<void>((resolve) => {
      clearTimeout(l.timer);
      l.timer = undefined;
      const ws = l.ws;
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      const kill = setTimeout(() => ws.terminate(), STOP_GRACE_MS);
      ws.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'bridge stopping');
      else ws.terminate();
    });

  return {
    async start() {
      if (running || !entries.length) return;
      running = true;
      core.events.on('event', onEvent);
      watchBots();
      if (!bots.size) log.info('no bot known yet: dialling once one is');
      timers.push(setInterval(watchBots, BOT_WATCH_MS), setInterval(ping, PING_INTERVAL_MS));
      for (const t of timers) t.unref();
      const beat = startHeartbeat(core, config.onebot.heartbeat, () => bots, sendBeat, (id) => openEventLinks(id).length > 0);
      if (beat) timers.push(beat);
    },
    async stop() {
      if (!running) return;
      running = false;
      core.events.off('event', onEvent);
      for (const t of timers) clearInterval(t);
      dispatcher.stop();
      await Promise.all(links.map(closeLink));
    },
    stats: () => ({ connections: links.filter((l) => l.open).length, redialsPending: links.filter((l) => l.timer).length, droppedEvents }),
  };
}
