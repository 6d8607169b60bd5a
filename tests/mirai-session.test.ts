/** mirai sessions: the enableVerify × singleMode matrix, expiry, bounds, /release order, unread queues, ref counts. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, type MiraiConfig } from '../src/config';
import { BridgeError } from '../src/errors';
import { createLogger } from '../src/log';
import { createSessionManager, SINGLE_SESSION } from '../src/mirai/session-manager';
import { createUnreadQueue } from '../src/mirai/unread-queue';
import { startBridge, type Bridge } from '../src/app';
import { captureLogger, FrameClient, until } from './helpers';

const BOT = 10000;
const OTHER_BOT = 20000;
const silent = createLogger('error', true);

function manager(over: Partial<MiraiConfig> = {}, bots: number[] = [BOT, OTHER_BOT], logger = silent) {
  const config = { ...resolveConfig({ mirai: { verifyKey: 'secret-key' } }).mirai, ...over };
  const m = createSessionManager({ config, bots: () => bots, logger });
  m.start();
  return m;
}

const kindOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BridgeError, `expected a BridgeError, got ${String(e)}`);
    return e.kind;
  }
  return 'no error';
};

const ev = (n: number) => ({ type: 'FriendMessage', n });

describe('enableVerify × singleMode matrix', () => {
  test('verify on, single off: the right key gives an 8-char temporary key that must be bound', () => {
    const m = manager({ enableVerify: true, singleMode: false });
    assert.equal(kindOf(() => m.verify('wrong')), 'auth_key');
    assert.equal(kindOf(() => m.verify(undefined)), 'auth_key');
    const key = m.verify('secret-key');
    assert.match(key, /^[A-Za-z0-9]{8}$/);
    assert.notEqual(m.verify('secret-key'), key);
    assert.equal(kindOf(() => m.authed(key)), 'unbound_session');
    assert.equal(kindOf(() => m.authed('nope1234')), 'bad_session');
    assert.equal(kindOf(() => m.authed(undefined)), 'bad_session');
    assert.equal(kindOf(() => m.bind('nope1234', BOT)), 'bad_session');
    assert.equal(kindOf(() => m.bind(key, 55555)), 'no_bot');
    m.bind(key, BOT);
    assert.equal(m.authed(key).botId, BOT);
    // Already bound: success without checking qq, and the session stays with its bot.
    m.bind(key, OTHER_BOT);
    assert.equal(m.authed(key).botId, BOT);
    assert.ok(m.authed(key).queue, 'an HTTP-bound session has an unread queue');
    m.stop();
  });

  test('verify off, single off: any verifyKey is accepted but /bind is still needed', () => {
    const m = manager({ enableVerify: false, singleMode: false });
    const key = m.verify('whatever');
    assert.equal(kindOf(() => m.authed(key)), 'unbound_session');
    m.bind(key, OTHER_BOT);
    assert.equal(m.authed(key).botId, OTHER_BOT);
    // Sockets ignore the key too but still need qq or sessionKey.
    assert.equal(kindOf(() => m.connect({ verifyKey: 'x' })), 'bad_params');
    assert.equal(m.connect({ qq: String(BOT) }).botId, BOT);
    m.stop();
  });

  test('verify on, single on: every key is SINGLE_SESSION, unbound until verified; /bind is unsupported', () => {
    const m = manager({ enableVerify: true, singleMode: true });
    assert.equal(kindOf(() => m.authed('anything')), 'unbound_session');
    assert.equal(kindOf(() => m.verify('wrong')), 'auth_key');
    assert.equal(m.verify('secret-key'), SINGLE_SESSION);
    const s = m.authed('garbage');
    assert.equal(s.key, SINGLE_SESSION);
    assert.equal(s.botId, BOT, 'bound to the first bot');
    assert.equal(m.authed(undefined).key, SINGLE_SESSION);
    assert.equal(kindOf(() => m.bind(SINGLE_SESSION, BOT)), 'unsupported');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'wrong' })), 'auth_key');
    const ws = m.connect({ verifyKey: 'secret-key', qq: OTHER_BOT, sessionKey: 'ignored' });
    assert.equal(ws.key, SINGLE_SESSION);
    m.disconnect(ws);
    m.disconnect(ws);
    assert.equal(m.authed('x').key, SINGLE_SESSION, 'the single session is never destroyed');
    m.stop();
  });

  test('verify off, single on: fully open, every route works at once', () => {
    const m = manager({ enableVerify: false, singleMode: true });
    assert.equal(m.authed(undefined).botId, BOT);
    assert.equal(m.verify('any'), SINGLE_SESSION);
    assert.equal(m.connect({}).key, SINGLE_SESSION);
    assert.equal(m.sessionsOf(BOT).length, 1);
    m.stop();
  });

  test('single mode with no bot answers no_bot', () => {
    const m = manager({ enableVerify: false, singleMode: true }, []);
    assert.equal(kindOf(() => m.authed(undefined)), 'no_bot');
    m.stop();
  });
});

describe('lifetimes and bounds', () => {
  test('an unbound key expires after unboundTtlSeconds; a bound one never does', async () => {
    const m = manager({ unboundTtlSeconds: 0.05 });
    const unbound = m.verify('secret-key');
    const bound = m.verify('secret-key');
    m.bind(bound, BOT);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(kindOf(() => m.bind(unbound, BOT)), 'bad_session');
    assert.equal(m.get(unbound), undefined);
    assert.equal(m.authed(bound).botId, BOT);
    m.stop();
  });

  test('at maxSessions, verify evicts the oldest unbound session, and refuses when all are bound', () => {
    const m = manager({ maxSessions: 3 });
    const [a, b, c] = [m.verify('secret-key'), m.verify('secret-key'), m.verify('secret-key')];
    m.bind(b, BOT);
    const d = m.verify('secret-key');
    assert.equal(m.get(a), undefined, 'the oldest unbound one went');
    assert.ok(m.get(b) && m.get(c) && m.get(d));
    m.bind(c, BOT);
    m.bind(d, BOT);
    assert.equal(kindOf(() => m.verify('secret-key')), 'rejected');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'secret-key', qq: BOT })), 'rejected');
    assert.deepEqual(m.stats(), { sessions: 3, bound: 3, maxSessions: 3, dropped: 0 });
    m.stop();
  });

  test('/release checks: unknown 3, no bot 2, unbound 4, other bot 5, then the session is gone', () => {
    const m = manager();
    const key = m.verify('secret-key');
    assert.equal(kindOf(() => m.release('nope1234', BOT)), 'bad_session');
    assert.equal(kindOf(() => m.release(key, 55555)), 'no_bot');
    assert.equal(kindOf(() => m.release(key, BOT)), 'unbound_session');
    m.bind(key, BOT);
    assert.equal(kindOf(() => m.release(key, OTHER_BOT)), 'not_found');
    m.release(key, BOT);
    assert.equal(m.get(key), undefined);
    assert.equal(kindOf(() => m.authed(key)), 'bad_session');
    m.stop();
  });

  test('socket handshakes: sessionKey wins over qq, unknown/unbound keys and unknown bots are refused', () => {
    const m = manager();
    assert.equal(kindOf(() => m.connect({ verifyKey: 'bad', qq: BOT })), 'auth_key');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'secret-key' })), 'bad_params');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'secret-key', qq: 55555 })), 'no_bot');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'secret-key', sessionKey: 'nope1234', qq: BOT })), 'bad_session');
    const temp = m.verify('secret-key');
    assert.equal(kindOf(() => m.connect({ verifyKey: 'secret-key', sessionKey: temp })), 'unbound_session');
    m.bind(temp, OTHER_BOT);
    const attached = m.connect({ verifyKey: 'secret-key', sessionKey: temp, qq: BOT });
    assert.equal(attached.key, temp);
    assert.equal(attached.botId, OTHER_BOT);
    assert.equal(attached.refs, 2);
    m.disconnect(attached);
    assert.equal(m.get(temp)?.refs, 1, 'the HTTP-bound session survives its socket');
    const own = m.connect({ verifyKey: 'secret-key', qq: String(BOT) });
    assert.equal(own.queue, null, 'a socket-created session has no unread queue');
    m.disconnect(own);
    assert.equal(m.get(own.key), undefined, 'a socket-created session dies with its last socket');
    m.stop();
  });

  test('sessionsOf lists the bound sessions of one bot only', () => {
    const m = manager();
    const a = m.connect({ verifyKey: 'secret-key', qq: BOT });
    const b = m.connect({ verifyKey: 'secret-key', qq: OTHER_BOT });
    m.verify('secret-key');
    assert.deepEqual(m.sessionsOf(BOT).map((s) => s.key), [a.key]);
    assert.deepEqual(m.sessionsOf(OTHER_BOT).map((s) => s.key), [b.key]);
    m.stop();
  });
});

describe('verifyKey secrecy', () => {
  test('a generated verifyKey is logged once at start, and never when configured', () => {
    const gen = captureLogger();
    const config = { ...resolveConfig({}).mirai };
    const m = createSessionManager({ config, bots: () => [BOT], logger: gen.logger });
    assert.match(m.verifyKey, /^[A-Za-z0-9]{16}$/);
    m.start();
    m.start();
    m.verify(m.verifyKey);
    assert.equal(gen.lines.filter((l) => l.includes(m.verifyKey)).length, 1);
    assert.ok(gen.lines.some((l) => l.startsWith('info')));
    m.stop();

    const conf = captureLogger();
    const m2 = manager({}, [BOT], conf.logger);
    m2.verify('secret-key');
    assert.equal(conf.lines.filter((l) => l.includes('secret-key')).length, 0);
    m2.stop();
  });
});

describe('unread queue', () => {
  test('fetch takes the oldest in order, fetchLatest the newest newest-first; peek does not consume', () => {
    const q = createUnreadQueue(10);
    for (let i = 1; i <= 6; i++) q.push(ev(i));
    assert.equal(q.count(), 6);
    assert.deepEqual(q.peek(2).map((e) => e.n), [1, 2]);
    assert.deepEqual(q.peekLatest(2).map((e) => e.n), [6, 5]);
    assert.equal(q.count(), 6);
    assert.deepEqual(q.fetch(2).map((e) => e.n), [1, 2]);
    assert.deepEqual(q.fetchLatest(2).map((e) => e.n), [6, 5]);
    assert.deepEqual(q.fetch(10).map((e) => e.n), [3, 4]);
    assert.equal(q.count(), 0);
    assert.deepEqual(q.fetch(5), []);
    assert.deepEqual(q.fetch(0), []);
  });

  test('when full, new events are dropped and counted; old ones are kept', () => {
    let notified = 0;
    const q = createUnreadQueue(3, () => notified++);
    for (let i = 1; i <= 5; i++) q.push(ev(i));
    assert.equal(q.count(), 3);
    assert.equal(q.dropped, 2);
    assert.equal(notified, 2);
    assert.deepEqual(q.peek(10).map((e) => e.n), [1, 2, 3]);
    // Wrap-around after consuming keeps the order.
    q.fetch(2);
    q.push(ev(6));
    q.push(ev(7));
    assert.deepEqual(q.fetch(10).map((e) => e.n), [3, 6, 7]);
  });

  test('capacity 0 queues nothing', () => {
    const q = createUnreadQueue(0);
    q.push(ev(1));
    assert.equal(q.count(), 0);
    assert.equal(q.dropped, 1);
  });

  test("a session's queue drops are counted in the manager's stats", () => {
    const config = resolveConfig({ mirai: { verifyKey: 'k', adapterSettings: { http: { unreadQueueMaxSize: 2 } } } }).mirai;
    const m = createSessionManager({ config, bots: () => [BOT], logger: silent });
    const key = m.verify('k');
    m.bind(key, BOT);
    for (let i = 0; i < 5; i++) m.authed(key).queue!.push(ev(i));
    assert.equal(m.stats().dropped, 3);
    assert.equal(m.authed(key).queue!.dropped, 3);
    m.stop();
  });
});

describe('reference counting over real sockets', () => {
  let bridge: Bridge;
  let base: string;
  before(async () => {
    bridge = await startBridge({ onebot: { port: 0 }, mirai: { verifyKey: 'ref-key', adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
    base = `ws://127.0.0.1:${bridge.ports.mirai}`;
  });
  after(() => bridge.stop());

  test('a session made by a qq handshake lives until its last socket closes', async () => {
    const sessions = bridge.mirai!.sessions;
    const a = await FrameClient.open(`${base}/all?verifyKey=ref-key&qq=${BOT}`);
    const key = (await a.handshake()).data!.session as string;
    const b = await FrameClient.open(`${base}/event?verifyKey=ref-key&sessionKey=${key}`);
    assert.equal((await b.handshake()).data!.session, key);
    assert.equal(sessions.get(key)?.refs, 2);
    await a.close();
    await until(() => sessions.get(key)?.refs === 1, 'one reference left');
    await b.close();
    await until(() => sessions.get(key) === undefined, 'the session to go');
  });

  test('an HTTP-bound session survives its sockets closing', async () => {
    const sessions = bridge.mirai!.sessions;
    const key = sessions.verify('ref-key');
    sessions.bind(key, BOT);
    const a = await FrameClient.open(`${base}/all?verifyKey=ref-key&sessionKey=${key}`);
    assert.equal((await a.handshake()).data!.session, key);
    assert.equal(sessions.get(key)?.refs, 2);
    await a.close();
    await until(() => sessions.get(key)?.refs === 1, 'the socket reference released');
    assert.equal(sessions.authed(key).botId, BOT);
    sessions.release(key, BOT);
    assert.equal(sessions.get(key), undefined);
  });
});
