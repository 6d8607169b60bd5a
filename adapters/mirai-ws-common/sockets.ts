/**
 * The authenticated mirai sockets of one face (WS server or reverse-WS client): command frames in,
 * replies and pushed events out, liveness pings, and bounded output for slow readers.
 */
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { Logger } from '../../src/log';
import { isMessagePacket } from '../../src/mirai/event-hub';
import type { BoundSession, MiraiEvent, MiraiModel } from '../../src/mirai/types';
import { frameText, parseFrame, RAW_BAD_FRAME, replyFrame, runFrame, type CommandFrame } from './frames';

/** Which pushes a socket takes: WS paths `/message`, `/event`, `/all`. */
export type PushFilter = 'message' | 'event' | 'all';

/** Commands of one socket running at once before we stop reading its frames (TCP backpressure). */
const MAX_IN_FLIGHT = 64;
const LOG_EVERY_MS = 10_000;

export interface MiraiSocket {
  readonly ws: WebSocket;
  /** Call before each send: the first send of a tick holds the socket's output until the tick ends. */
  readonly batch: () => void;
  readonly session: BoundSession;
  readonly filter: PushFilter;
  /** Pushes dropped because this socket's reader was too slow. */
  dropped: number;
}

export interface MiraiSockets {
  /**
   * Serve an authenticated socket; `onClose` runs once after its session reference is released.
   * `raw`, the socket under `ws` (a server has it from the upgrade), lets a tick's frames share a write.
   */
  attach(ws: WebSocket, session: BoundSession, filter: PushFilter, onClose?: () => void, raw?: Duplex): MiraiSocket;
  start(): void;
  /** Close every socket (1001) and wait for them to go. */
  stop(): Promise<void>;
  stats(): { sockets: number; dropped: number };
}

export function createMiraiSockets(deps: {
  mirai: MiraiModel;
  transport: 'ws' | 'reverse-ws';
  reservedSyncId: string;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  logger: Logger;
}): MiraiSockets {
  const { mirai, transport, maxBufferedBytes } = deps;
  const log = deps.logger;
  const byBot = new Map<number, Set<MiraiSocket>>();
  const all = new Set<MiraiSocket>();
  const alive = new WeakMap<WebSocket, boolean>();
  let dropped = 0;
  let lastDropLog = 0;
  let pinger: NodeJS.Timeout | undefined;

  const countDrop = (s: MiraiSocket) => {
    s.dropped++;
    dropped++;
    const t = Date.now();
    if (t - lastDropLog >= LOG_EVERY_MS) {
      lastDropLog = t;
      log.warn('slow mirai socket: dropping pushed events', { transport, botId: s.session.botId, bufferedAmount: s.ws.bufferedAmount, dropped: s.dropped });
    }
  };

  const onEvent = (botId: number, ev: MiraiEvent) => {
    const targets = byBot.get(botId);
    if (!targets?.size) return;
    const kind: PushFilter = isMessagePacket(ev) ? 'message' : 'event';
    let frame: string | undefined; // serialised once, for every socket that takes it
    for (const s of targets) {
      if (s.filter !== 'all' && s.filter !== kind) continue;
      if (s.ws.readyState !== WebSocket.OPEN) continue;
      if (s.ws.bufferedAmount > maxBufferedBytes) {
        countDrop(s);
        continue;
      }
      s.batch();
      s.ws.send((frame ??= replyFrame(deps.reservedSyncId, ev)));
    }
  };

  /** A reply goes out unless the reader is far behind; then the socket is closed rather than buffered. */
  const reply = (s: MiraiSocket, text: string) => {
    if (s.ws.readyState !== WebSocket.OPEN) return;
    if (s.ws.bufferedAmount > 2 * maxBufferedBytes) {
      log.warn('mirai socket does not read its replies: closing it', { transport, botId: s.session.botId });
      s.ws.close(1008, 'client too slow');
      return;
    }
    s.batch();
    s.ws.send(text);
  };

  function attach(ws: WebSocket, session: BoundSession, filter: PushFilter, onClose?: () => void, raw?: Duplex): MiraiSocket {
    const s: MiraiSocket = { ws, batch: raw ? tickBatcher(raw) : () => {}, session, filter, dropped: 0 };
    let inFlight = 0;
    all.add(s);
    let set = byBot.get(session.botId);
    if (!set) byBot.set(session.botId, (set = new Set()));
    set.add(s);
    alive.set(ws, true);

    // One async function per frame rather than a then/catch/finally chain: one promise, not four.
    const run = async (frame: CommandFrame) => {
      try {
        reply(s, await runFrame(mirai, frame, session, transport));
      } catch (e) {
        log.error('mirai socket command failed', { command: frame.command, err: (e as Error)?.stack ?? String(e) });
      } finally {
        if (inFlight-- === MAX_IN_FLIGHT && ws.readyState === WebSocket.OPEN) ws.resume();
      }
    };
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data) => {
      alive.set(ws, true);
      const frame = parseFrame(frameText(data));
      if (!frame) {
        reply(s, RAW_BAD_FRAME);
        return;
      }
      if (++inFlight >= MAX_IN_FLIGHT) ws.pause();
      void run(frame);
    });
    ws.once('close', () => {
      all.delete(s);
      byBot.get(session.botId)?.delete(s);
      mirai.sessions.disconnect(session);
      onClose?.();
    });
    return s;
  }

  return {
    attach,
    start() {
      mirai.events.on('event', onEvent);
      if (deps.pingIntervalMs > 0 && !pinger) {
        // A socket that answered nothing (no pong, no frame) since the last ping is dead.
        pinger = setInterval(() => {
          for (const s of all) {
            if (!alive.get(s.ws)) {
              log.debug('mirai socket missed a pong: terminating', { transport, botId: s.session.botId });
              s.ws.terminate();
              continue;
            }
            alive.set(s.ws, false);
            if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
          }
        }, deps.pingIntervalMs);
        pinger.unref();
      }
    },
    async stop() {
      mirai.events.off('event', onEvent);
      if (pinger) clearInterval(pinger);
      pinger = undefined;
      await Promise.all([...all].map((s) => closeSocket(s.ws, 1001, 'server stopping')));
    },
    stats: () => ({ sockets: all.size, dropped }),
  };
}

/**
 * Frames sent in one tick leave in one write: a pipelining client's replies (they finish together,
 * in the same microtask run) would otherwise cost a syscall each. The first send corks the socket;
 * it is uncorked once the tick's microtasks are done, so nothing waits for a later event.
 */
function tickBatcher(raw: Duplex): () => void {
  let corked = false;
  const flush = () => {
    corked = false;
    raw.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    raw.cork();
    process.nextTick(flush);
  };
}

/** Close politely, then cut the socket if the peer does not answer the close frame soon. */
export function closeSocket(ws: WebSocket, code: number, reason: string, graceMs = 500): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), graceMs);
    timer.unref();
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(code, closeReason(reason));
  });
}

/** A close reason must fit in 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
