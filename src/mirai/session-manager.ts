/**
 * mirai sessions (digest §2): verifyKey, temporary and bound sessions, singleMode, reference counts
 * shared by every mirai face, and the HTTP unread queues. Sessions belong to a QQ number, not to a
 * connection, so they survive an upstream reconnect.
 */
import { randomInt } from 'node:crypto';
import type { MiraiConfig } from '../config';
import { BridgeError } from '../errors';
import type { Logger } from '../log';
import { createUnreadQueue } from './unread-queue';
import type { BoundSession, Session, SessionManager } from './types';

export const SINGLE_SESSION = 'SINGLE_SESSION';

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomKey = (n: number) => Array.from({ length: n }, () => KEY_CHARS[randomInt(KEY_CHARS.length)]).join('');

/** The BridgeErrors of the session rules, with MAH's own `msg` texts. */
const err = {
  authKey: () => new BridgeError('auth_key', 'Auth Key错误'),
  noBot: () => new BridgeError('no_bot', '指定Bot不存在'),
  badSession: () => new BridgeError('bad_session', 'Session失效或不存在'),
  unbound: () => new BridgeError('unbound_session', 'Session未认证'),
  notFound: () => new BridgeError('not_found', '指定对象不存在'),
  unsupported: () => new BridgeError('unsupported', '指定操作不支持'),
  badParams: () => new BridgeError('bad_params', '无效参数'),
};

interface Entry extends Session {
  /** Holds the reference taken by HTTP /bind (released by /release). */
  httpRef: boolean;
  /** Unbound sessions die at this time (ms); bound ones never expire. */
  expiresAt: number;
}

const DROP_LOG_EVERY_MS = 10_000;

/** A bot id given as a number or a numeric string; anything else is not an id. */
function toQQ(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

export function createSessionManager(deps: { config: MiraiConfig; bots: () => number[]; logger: Logger }): SessionManager {
  const { config, bots } = deps;
  const log = deps.logger.child({ component: 'mirai-sessions' });
  const generated = !present(config.verifyKey);
  const verifyKey = generated ? randomKey(16) : String(config.verifyKey);
  const ttlMs = Math.max(0, config.unboundTtlSeconds * 1000);
  const queueSize = config.adapterSettings.http.unreadQueueMaxSize;
  const withQueue = config.adapters.includes('http');
  const sessions = new Map<string, Entry>();
  const byBot = new Map<number, Set<Entry>>();
  let droppedTotal = 0;
  let droppedSinceLog = 0;
  let lastDropLog = 0;
  let sweeper: NodeJS.Timeout | undefined;
  let announced = false;

  const onDrop = () => {
    droppedTotal++;
    droppedSinceLog++;
    const t = Date.now();
    if (t - lastDropLog >= DROP_LOG_EVERY_MS) {
      log.warn('unread queue full: dropping new events', { dropped: droppedSinceLog, droppedTotal, capacity: queueSize });
      lastDropLog = t;
      droppedSinceLog = 0;
    }
  };
  const newQueue = () => createUnreadQueue(queueSize, onDrop);
  const isBot = (qq: number) => bots().includes(qq);
  const expired = (s: Entry) => s.botId === null && s.key !== SINGLE_SESSION && Date.now() >= s.expiresAt;

  function destroy(s: Entry) {
    sessions.delete(s.key);
    if (s.botId !== null) byBot.get(s.botId)?.delete(s);
    s.refs = 0;
    s.queue = null;
  }

  function bindTo(s: Entry, qq: number) {
    s.botId = qq;
    let set = byBot.get(qq);
    if (!set) byBot.set(qq, (set = new Set()));
    set.add(s);
  }

  /** Make room for one more session: evict the oldest unbound one, or refuse. */
  function reserve() {
    if (sessions.size < config.maxSessions) return;
    for (const s of sessions.values()) {
      // Map iteration order is insertion order: the first unbound entry is the oldest.
      if (s.botId === null && s.key !== SINGLE_SESSION) {
        log.warn('session limit reached: evicting the oldest unbound session', { maxSessions: config.maxSessions });
        destroy(s);
        return;
      }
    }
    throw new BridgeError('rejected', `too many mirai sessions (maxSessions: ${config.maxSessions}); release some first`);
  }

  function create(key = randomKey(8)): Entry {
    while (sessions.has(key)) key = randomKey(8);
    reserve();
    const s: Entry = { key, botId: null, refs: 0, queue: null, createdAt: Date.now(), httpRef: false, expiresAt: Date.now() + ttlMs };
    sessions.set(key, s);
    return s;
  }

  const lookup = (key: string): Entry | undefined => {
    const s = sessions.get(key);
    if (s && expired(s)) {
      destroy(s);
      return undefined;
    }
    return s;
  };

  /** The single session, created on first use; bound to the first bot when `bind` is asked for. */
  function single(bind: boolean): Entry {
    const s = sessions.get(SINGLE_SESSION) ?? create(SINGLE_SESSION);
    if (s.botId === null && bind) {
      const first = bots()[0];
      if (first === undefined) throw err.noBot();
      bindTo(s, first);
    }
    if (withQueue && !s.queue) s.queue = newQueue();
    return s;
  }

  const checkKey = (given: unknown) => {
    if (config.enableVerify && (!present(given) || String(given) !== verifyKey)) throw err.authKey();
  };

  const asBound = (s: Entry): BoundSession => {
    if (s.botId === null) throw err.unbound();
    return s as BoundSession;
  };

  return {
    verifyKey,

    verify(given) {
      checkKey(given);
      if (config.singleMode) return single(true).key;
      return create().key;
    },

    bind(key, qq) {
      if (config.singleMode) throw err.unsupported();
      const s = lookup(key);
      if (!s) throw err.badSession();
      if (s.botId !== null && s.botId !== qq) return; // already bound elsewhere: success without a change, as MAH
      if (s.httpRef) return;
      if (s.botId === null) {
        if (!isBot(qq)) throw err.noBot();
        bindTo(s, qq);
      }
      // A socket-issued session bound over HTTP too gets a queue and outlives its socket until /release.
      s.httpRef = true;
      s.refs++;
      s.queue = newQueue();
    },

    release(key, qq) {
      const s = config.singleMode ? sessions.get(SINGLE_SESSION) : lookup(key);
      if (!s) throw err.badSession();
      if (!isBot(qq)) throw err.noBot();
      if (s.botId === null) throw err.unbound();
      if (s.botId !== qq) throw err.notFound();
      if (s.key === SINGLE_SESSION) return; // the single session is never destroyed
      if (s.httpRef) {
        s.httpRef = false;
        s.queue = null;
        s.refs--;
      }
      if (s.refs <= 0) destroy(s);
    },

    authed(key) {
      if (config.singleMode) return asBound(single(!config.enableVerify));
      const s = key === undefined ? undefined : lookup(key);
      if (!s) throw err.badSession();
      return asBound(s);
    },

    get(key) {
      if (config.singleMode) return sessions.get(SINGLE_SESSION);
      return lookup(key);
    },

    connect(p) {
      checkKey(p.verifyKey);
      if (config.singleMode) {
        const s = single(true);
        s.refs++;
        return s as BoundSession;
      }
      if (present(p.sessionKey)) {
        const s = lookup(String(p.sessionKey));
        if (!s) throw err.badSession();
        asBound(s);
        s.refs++;
        return s as BoundSession;
      }
      if (!present(p.qq)) throw err.badParams();
      const qq = toQQ(p.qq);
      if (qq === undefined || !isBot(qq)) throw err.noBot();
      const s = create();
      bindTo(s, qq);
      s.refs = 1;
      return s as BoundSession;
    },

    disconnect(session) {
      const s = sessions.get(session.key);
      if (!s || s !== session) return;
      s.refs = Math.max(0, s.refs - 1);
      if (s.refs === 0 && s.key !== SINGLE_SESSION) destroy(s);
    },

    sessionsOf(botId) {
      // Fully open single mode serves the first bot from the start: its queue must not miss events.
      if (config.singleMode && !config.enableVerify && !sessions.get(SINGLE_SESSION)?.botId && bots()[0] === botId) single(true);
      return [...(byBot.get(botId) ?? [])] as BoundSession[];
    },

    stats() {
      let bound = 0;
      for (const s of sessions.values()) if (s.botId !== null) bound++;
      return { sessions: sessions.size, bound, maxSessions: config.maxSessions, dropped: droppedTotal };
    },

    start() {
      if (generated && config.enableVerify && !announced) {
        announced = true;
        // The one place the key may appear: the operator needs it to configure clients.
        log.info(`no verifyKey configured; generated one for this run: ${verifyKey}`);
      }
      if (!sweeper && ttlMs > 0) {
        sweeper = setInterval(() => {
          for (const s of sessions.values()) if (expired(s)) destroy(s);
        }, Math.min(Math.max(ttlMs, 1000), 30_000));
        sweeper.unref();
      }
    },

    stop() {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      for (const s of [...sessions.values()]) destroy(s);
    },
  };
}
