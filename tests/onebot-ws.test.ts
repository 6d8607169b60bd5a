/** The OneBot v11 forward WebSocket face on a real port, against the sandbox account. */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import { RATE_LIMIT_QUEUE_MAX } from '../adapters/onebot-common/dispatch';
import { captureLogger, FrameClient, play, within, type AnyFrame } from './helpers';

type Frame = AnyFrame;
type Client = FrameClient<Frame>;
const openClient = (url: string, headers?: Record<string, string>) => FrameClient.open<Frame>(url, headers);

/** The HTTP status a refused handshake answers with. */
function handshakeStatus(url: string, headers?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

const isLifecycle = (f: Frame) => f.post_type === 'meta_event' && f.meta_event_type === 'lifecycle';
const isHeartbeat = (f: Frame) => f.post_type === 'meta_event' && f.meta_event_type === 'heartbeat';
const isMessageText = (text: string) => (f: Frame) =>
  f.post_type === 'message' && Array.isArray(f.message) && f.message.some((s: Frame) => s.type === 'text' && s.data.text === text);

describe('OneBot forward WS face', () => {
  let bridge: Bridge;
  let url: string;
  const clients: Client[] = [];
  const open = async (path: string, headers?: Record<string, string>) => {
    const c = await openClient(url + path, headers);
    clients.push(c);
    return c;
  };

  before(async () => {
    bridge = await startBridge({
      onebot: { port: 0, heartbeat: { enable: true, interval: 40 } },
      mirai: { adapters: [] },
      limits: { frameBytes: 4096 },
      logLevel: 'silent',
    });
    url = `ws://127.0.0.1:${bridge.ports.onebot}`;
  });
  after(async () => {
    for (const c of clients) c.terminate();
    await bridge.stop();
  });

  test('/ and /event receive lifecycle connect as their first frame', async () => {
    for (const path of ['/', '/event', '/event/']) {
      const c = await open(path);
      const first = await c.next();
      assert.ok(isLifecycle(first), path);
      assert.equal(first.sub_type, 'connect');
      assert.equal(first.self_id, 10000);
      assert.equal(typeof first.time, 'number');
    }
  });

  test('an API frame over / and over /api answers the envelope with the echo', async () => {
    for (const path of ['/', '/api', '/api/']) {
      const c = await open(path);
      const r = await c.call('get_stranger_info', { user_id: '10001' });
      assert.equal(r.status, 'ok', path);
      assert.equal(r.retcode, 0);
      assert.equal(r.data.user_id, 10001);
      assert.match(r.echo, /^e\d+$/);
    }
  });

  test('the echo is copied verbatim, and absent when the frame had none', async () => {
    const c = await open('/api');
    const echo = { n: 1, list: ['a', null] };
    c.ws.send(JSON.stringify({ action: 'get_login_info', echo }));
    const withEcho = await c.next((f) => typeof f.echo === 'object');
    assert.deepEqual(withEcho.echo, echo);
    c.ws.send(JSON.stringify({ action: 'get_login_info' }));
    const bare = await c.next((f) => !('echo' in f));
    assert.deepEqual(Object.keys(bare).sort(), ['data', 'retcode', 'status']);
  });

  test('unknown actions and stubs answer 1404 over WS', async () => {
    const c = await open('/api');
    const unknown = await c.call('no_such_action');
    assert.equal(unknown.retcode, 1404);
    assert.equal(unknown.data, null);
    const stub = await c.call('qidian_get_account_info');
    assert.equal(stub.retcode, 1404);
    assert.equal(stub.data.not_supported, true);
  });

  test('a bad frame answers 1400 and the socket stays open', async () => {
    const c = await open('/api');
    c.ws.send('{not json');
    const bad = await c.next();
    assert.deepEqual({ status: bad.status, retcode: bad.retcode, data: bad.data }, { status: 'failed', retcode: 1400, data: null });
    assert.equal(typeof bad.message, 'string');
    c.ws.send('[1,2,3]');
    c.ws.send(JSON.stringify({ params: {}, echo: 'no-action' }));
    const noAction = await c.next((f) => f.echo === 'no-action');
    assert.equal(noAction.retcode, 1400);
    assert.equal(c.frames.filter((f) => f.retcode === 1400).length, 3);
    const bagParams = await c.call('get_login_info', 'not an object');
    assert.equal(bagParams.retcode, 1400);
    const ok = await c.call('get_login_info');
    assert.equal(ok.retcode, 0);
    assert.equal(c.closed, undefined);
  });

  test('a message played in through the sandbox reaches / and /event, but not /api', async () => {
    const universal = await open('/');
    const events = await open('/event');
    const api = await open('/api');
    await play(bridge, 'message', { user_id: 10001, message: 'hi over ws' });
    for (const c of [universal, events]) {
      const ev = await c.next(isMessageText('hi over ws'));
      assert.equal(ev.message_type, 'private');
      assert.equal(ev.user_id, 10001);
      assert.equal(ev.self_id, 10000);
      assert.equal(typeof ev.message_id, 'number');
    }
    // Events are pushed to every socket before anything later: a reply now proves none went to /api.
    const r = await api.call('get_login_info');
    assert.equal(r.retcode, 0);
    assert.deepEqual(api.frames.filter((f) => 'post_type' in f), []);
  });

  test("the bot's own messages are not pushed unless reportSelfMessage is on", async () => {
    const c = await open('/event');
    await play(bridge, 'self_message', { user_id: 10001, message: 'from my phone' });
    await play(bridge, 'message', { user_id: 10001, message: 'after self' });
    await c.next(isMessageText('after self'));
    assert.deepEqual(c.frames.filter((f) => f.post_type === 'message_sent'), []);
  });

  test('heartbeats arrive on event sockets with the get_status data and the interval', async () => {
    const c = await open('/');
    const hb = await c.next(isHeartbeat);
    assert.equal(hb.interval, 40);
    assert.equal(hb.self_id, 10000);
    assert.equal(hb.status.online, true);
    assert.equal(typeof hb.status.good, 'boolean');
  });

  test('/api gets no heartbeat and no lifecycle', async () => {
    const api = await open('/api');
    const ev = await open('/event');
    await ev.next(() => ev.frames.filter(isHeartbeat).length >= 2); // a second beat: /api was open for one
    await api.call('get_login_info');
    assert.deepEqual(api.frames.filter((f) => 'post_type' in f), []);
  });

  test('a frame over the size limit closes that socket with 1009, and others keep working', async () => {
    const big = await open('/api');
    const other = await open('/api');
    big.ws.send(JSON.stringify({ action: 'get_login_info', params: { pad: 'x'.repeat(8000) } }));
    assert.equal((await big.waitClosed()).code, 1009);
    assert.equal((await other.call('get_login_info')).retcode, 0);
  });

  test('a path that is not a OneBot socket is refused', async () => {
    assert.equal(await handshakeStatus(`${url}/nope`), 404);
  });
});

describe('OneBot forward WS face options', () => {
  /** What a test opened: closed after it (sockets first, then bridges), even when it fails midway. */
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  const start = async (onebot: Record<string, unknown>) => {
    const b = await startBridge({ onebot: { port: 0, heartbeat: { enable: false, interval: 15000 }, ...onebot }, mirai: { adapters: [] }, logLevel: 'silent' });
    cleanups.push(() => b.stop());
    return { b, url: `ws://127.0.0.1:${b.ports.onebot}` };
  };
  const connect = async (url: string) => {
    const c = await openClient(url);
    cleanups.push(() => c.terminate());
    return c;
  };

  test('the access token is checked at the handshake: 401 missing, 403 wrong, open when right', async () => {
    const { url } = await start({ accessToken: 'tok' });
    assert.equal(await handshakeStatus(`${url}/`), 401);
    assert.equal(await handshakeStatus(`${url}/api`, { authorization: 'Bearer bad' }), 403);
    assert.equal(await handshakeStatus(`${url}/event?access_token=bad`), 403);
    assert.equal(await handshakeStatus(`${url}/api`, { authorization: 'Bearer tok' }), 101);
    assert.equal(await handshakeStatus(`${url}/api`, { authorization: 'Token tok' }), 101);
    const c = await connect(`${url}/?access_token=tok`);
    assert.equal((await c.call('get_login_info')).retcode, 0);
    c.terminate();
  });

  test('reportSelfMessage pushes message_sent events', async () => {
    const { b, url } = await start({ reportSelfMessage: true });
    const c = await connect(`${url}/event`);
    await play(b, 'self_message', { user_id: 10001, message: 'mine' });
    const ev = await c.next((f) => f.post_type === 'message_sent');
    assert.equal(ev.user_id, 10000);
    c.terminate();
  });

  test('messageFormat string turns message events into CQ strings', async () => {
    const { b, url } = await start({ messageFormat: 'string' });
    const c = await connect(`${url}/event`);
    await play(b, 'message', { user_id: 10001, message: [{ type: 'text', data: { text: 'a&b ' } }, { type: 'face', data: { id: '14' } }] });
    const ev = await c.next((f) => f.post_type === 'message');
    assert.equal(typeof ev.message, 'string');
    assert.match(ev.message, /^a&amp;b \[CQ:face,id=14\]$/);
    assert.equal(ev.message_format, 'string');
    c.terminate();
  });

  test('a consumer that stops reading loses events (logged once per burst) while the others get them all', async () => {
    const { logger, lines } = captureLogger('warn');
    const b = await startBridge({ onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } }, mirai: { adapters: [] } }, { logger });
    cleanups.push(() => b.stop());
    // A raw socket that completes the handshake, reads the first bytes, then never reads again.
    const slow = net.connect(b.ports.onebot!, '127.0.0.1');
    cleanups.push(() => void slow.destroy());
    slow.write('GET /event HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await within(new Promise((resolve) => slow.once('data', resolve)), 'the handshake answer');
    slow.pause();
    const fast = await connect(`ws://127.0.0.1:${b.ports.onebot}/event`);
    const text = 'x'.repeat(2 * 1024 * 1024);
    const total = 64; // 128 MB: far more than the bound plus what loopback socket buffers can hold
    for (let i = 0; i < total; i++) {
      b.sandbox!.ctx.emit({ post_type: 'notice', notice_type: 'test_flood', seq: i, text });
      await fast.next((f) => f.seq === i); // the reading client keeps up, so it never crosses the bound
    }
    assert.equal(fast.frames.filter((f) => f.notice_type === 'test_flood').length, total);
    assert.equal(lines.filter((l) => l.includes('slow consumer')).length, 1);
    slow.destroy();
    fast.terminate();
  });

  test('the _rate_limited queue is bounded: once full, calls are refused with 1500', async () => {
    const { url } = await start({});
    const c = await connect(`${url}/api`);
    const total = RATE_LIMIT_QUEUE_MAX + 50;
    for (let i = 0; i < total; i++) c.ws.send(JSON.stringify({ action: 'get_login_info_rate_limited', echo: i }));
    await c.next(() => c.frames.length === total);
    const accepted = c.frames.filter((f) => f.status === 'async');
    const refused = c.frames.filter((f) => f.status === 'failed');
    assert.ok(accepted.length >= RATE_LIMIT_QUEUE_MAX, `accepted ${accepted.length}`);
    assert.ok(refused.length > 0);
    assert.equal(accepted.length + refused.length, total);
    assert.equal(refused[0].retcode, 1500);
    assert.match(refused[0].message, /queue/);
    c.terminate();
  });

  test('stopping the bridge closes every socket', async () => {
    const { b, url } = await start({});
    const a = await connect(`${url}/`);
    const e = await connect(`${url}/api`);
    await b.stop();
    assert.equal((await a.waitClosed()).code, 1001);
    assert.equal((await e.waitClosed()).code, 1001);
  });
});
