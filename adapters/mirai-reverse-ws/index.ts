/**
 * The mirai reverse-WebSocket face (digest §5.1): we dial each destination and say nothing until
 * the remote sends `verify`; before that only the commands that need no session (about, botList)
 * are served. After verify the socket behaves exactly as a WS `/all` socket. Reconnects with
 * backoff when the remote goes away.
 */
import WebSocket from 'ws';
import type { BridgeConfig, MiraiConfig } from '../../src/config';
import { mask, type Logger } from '../../src/log';
import { toStateCode } from '../../src/mirai/state-code';
import type { BoundSession, MiraiModel } from '../../src/mirai/types';
import { frameText, parseFrame, replyFrame, runFrame } from '../mirai-ws-common/frames';
import { closeSocket, createMiraiSockets } from '../mirai-ws-common/sockets';
import type { OutboundFace } from '../types';

type Destination = MiraiConfig['adapterSettings']['reverse-ws']['destinations'][number];

const RAW_AUTH_FAILED = JSON.stringify({ code: 1, msg: 'Auth Key错误' });
const MAX_BACKOFF_MS = 60_000;

/** `protocol://host:port/path?params`: the global extra parameters first, a destination's own override them. */
export function destinationUrl(d: Destination, globalParams: Record<string, string>): string {
  const path = d.path ? (d.path.startsWith('/') ? d.path : `/${d.path}`) : '/';
  const url = new URL(`${d.protocol}://${d.host ?? 'localhost'}:${d.port ?? 8080}${path}`);
  for (const [k, v] of Object.entries({ ...globalParams, ...(d.extraParameters ?? {}) })) url.searchParams.set(k, String(v));
  return url.toString();
}

/** Next reconnect delay: doubles from `base` up to a cap, with ±20% jitter so many bridges do not dial in step. */
export function backoffDelay(base: number, attempt: number): number {
  const b = Math.max(1, base);
  const raw = Math.min(Math.max(b, MAX_BACKOFF_MS), b * 2 ** Math.min(attempt, 16));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

export function createMiraiReverseWs(deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): OutboundFace {
  const { mirai, config } = deps;
  const settings = config.mirai.adapterSettings['reverse-ws'];
  const log = deps.logger.child({ component: 'mirai-reverse-ws' });
  const sockets = createMiraiSockets({
    mirai,
    transport: 'reverse-ws',
    reservedSyncId: settings.reservedSyncId,
    maxBufferedBytes: config.mirai.adapterSettings.ws.maxBufferedBytes,
    pingIntervalMs: config.mirai.adapterSettings.ws.pingIntervalMs,
    logger: log,
  });
  const live = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  function dial(d: Destination, attempt: number) {
    if (stopped) return;
    const url = destinationUrl(d, settings.extraParameters);
    const where = `${d.protocol}://${d.host ?? 'localhost'}:${d.port ?? 8080}${d.path ?? '/'}`;
    const ws = new WebSocket(url, {
      headers: { ...settings.extraHeaders, ...(d.extraHeaders ?? {}) },
      maxPayload: config.limits.frameBytes,
      handshakeTimeout: 10_000,
    });
    live.add(ws);
    let opened = false;

    ws.on('error', (e) => log.debug('reverse-ws connection error', { destination: where, err: e.message }));
    ws.on('open', () => {
      opened = true;
      log.info('reverse-ws connected; waiting for verify', { destination: where });
      ws.on('message', onPreAuth);
    });
    ws.once('close', () => {
      live.delete(ws);
      if (stopped) return;
      const next = opened ? 0 : attempt + 1;
      const delay = backoffDelay(d.reconnectInterval ?? 5000, next);
      log.debug('reverse-ws disconnected; reconnecting', { destination: where, inMs: delay });
      const t = setTimeout(() => {
        timers.delete(t);
        dial(d, next);
      }, delay);
      timers.add(t);
    });

    /** Before verify: verify itself, and the commands that need no session. */
    function onPreAuth(data: WebSocket.RawData) {
      const f = parseFrame(frameText(data));
      if (!f) return; // MAH ignores unparseable frames before authentication
      if (f.command === 'verify') return void verify(f.syncId, f.content);
      if (mirai.findCommand(f.command, f.subCommand)?.auth === 'none') {
        void runFrame(mirai, f, null, 'reverse-ws').then((text) => ws.readyState === WebSocket.OPEN && ws.send(text));
        return;
      }
      ws.send(RAW_AUTH_FAILED);
    }

    function verify(syncId: unknown, content: unknown) {
      const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
      let session: BoundSession;
      try {
        session = mirai.sessions.connect({ verifyKey: c.verifyKey, qq: c.qq, sessionKey: c.sessionKey });
      } catch (e) {
        ws.send(JSON.stringify(toStateCode(e))); // raw StateCode; the socket stays open for another try
        return;
      }
      ws.off('message', onPreAuth);
      ws.send(replyFrame(syncId, { code: 0, session: session.key }));
      log.debug('reverse-ws verified', { destination: where, botId: session.botId, key: mask(session.key) });
      sockets.attach(ws, session, 'all');
    }
  }

  return {
    async start() {
      sockets.start();
      for (const d of settings.destinations) {
        if (d.method && d.method.toUpperCase() !== 'GET') log.warn('reverse-ws: only GET upgrades exist; ignoring method', { method: d.method });
        dial(d, 0);
      }
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await sockets.stop();
      await Promise.all([...live].map((ws) => closeSocket(ws, 1001, 'bridge stopping')));
    },
  };
}
