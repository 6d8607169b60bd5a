/** The OneBot reverse WS face: the bridge dials a WebSocket server of the test (standing in for NoneBot2 and the like). */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startBridge, type Bridge } from '../src/app';
import type { BridgeConfig, DeepPartial, OneBotReverseWsTarget } from '../src/config';
import { createOneBotReverseWs, endpointsOf } from '../adapters/onebot-reverse-ws';
import { ALICE, FrameClient, play, SELF, until, within, type AnyFrame } from './helpers';

type Frame = AnyFrame;
type Client = FrameClient<Frame>;
interface Conn { client: Client; req: IncomingMessage; path: string }

/** A WebSocket server standing in for the bot: hands out each connection the bridge makes, by path. */
class BotServer {
  readonly wss: WebSocketServer;
  readonly conns: Conn[] = [];
  /** Handshakes still to refuse with 401 (a bot whose token check fails, for a while). */
  refuse = 0;
  refused = 0;
  private waiters: { pred: (c: Conn) => boolean; resolve: (c: Conn) => void }[] = [];
  private readonly up: Promise<number>;
  constructor() {
    this.wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      verifyClient: (_info, cb) => {
        if (this.refuse > 0) {
          this.refuse--;
          this.refused++;
          return cb(false, 401, 'Unauthorized');
        }
        cb(true);
      },
    });
    this.wss.on('connection', (ws, req) => {
      const c: Conn = { client: new FrameClient<Frame>(ws), req, path: new URL(req.url ?? '/', 'http://x').pathname };
      this.conns.push(c);
      this.waiters = this.waiters.filter((w) => !(w.pred(c) && (w.resolve(c), true)));
    });
    this.up = new Promise((resolve) => this.wss.once('listening', () => resolve((this.wss.address() as AddressInfo).port)));
  }
  async url(path: string): Promise<string> {
    return `ws://127.0.0.1:${await within(this.up, 'the bot server to listen')}${path}`;
  }
  /** The `n`-th connection (1-based) made to `path`, already made or to come. */
  connection(path: string, n = 1): Promise<Conn> {
    const pred = (c: Conn) => c.path === path && this.conns.filter((x) => x.path === path).indexOf(c) === n - 1;
    const seen = this.conns.find(pred);
    if (seen) return Promise.resolve(seen);
    return within(new Promise<Conn>((resolve) => this.waiters.push({ pred, resolve })), `connection ${n} to ${path}`);
  }
  async close() {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

const isLifecycle = (f: Frame) => f.post_type === 'meta_event' && f.meta_event_type === 'lifecycle';
const isMessage = (text: string) => (f: Frame) => f.post_type === 'message' && JSON.stringify(f.message).includes(text);

function bridgeWith(reverseWs: OneBotReverseWsTarget[], onebot: DeepPartial<BridgeConfig['onebot']> = {}, limits?: BridgeConfig['limits']): Promise<Bridge> {
  return startBridge({
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 }, ...onebot, reverseWs },
    mirai: { adapters: [] },
    ...(limits ? { limits } : {}),
    logLevel: 'silent',
  });
}

describe('OneBot reverse WS: Universal', () => {
  const server = new BotServer();
  let bridge: Bridge;
  let conn: Conn;
  after(async () => {
    await bridge?.stop();
    await server.close();
  });

  test('dials with Bearer token, X-Self-ID, X-Client-Role Universal and a User-Agent; the first frame is lifecycle connect', async () => {
    bridge = await bridgeWith([{ url: await server.url('/onebot/v11/ws'), reconnectInterval: 20 }], { accessToken: 'tok-123' });
    conn = await server.connection('/onebot/v11/ws');
    assert.equal(conn.req.headers.authorization, 'Bearer tok-123');
    assert.equal(conn.req.headers['x-self-id'], String(SELF));
    assert.equal(conn.req.headers['x-client-role'], 'Universal');
    assert.match(String(conn.req.headers['user-agent']), /mah-bridge/);
    const first = await conn.client.next();
    assert.ok(isLifecycle(first), JSON.stringify(first));
    assert.equal(first.sub_type, 'connect');
    assert.equal(first.self_id, SELF);
    assert.equal(first.echo, undefined);
  });

  test('an API frame is answered with the envelope and the echo as given', async () => {
    const r = await conn.client.call('get_login_info');
    assert.equal(r.status, 'ok');
    assert.equal(r.retcode, 0);
    assert.equal(r.data.user_id, SELF);
    const echo = { id: 7, tags: ['a', null] };
    conn.client.ws.send(JSON.stringify({ action: 'get_stranger_info', params: { user_id: String(ALICE) }, echo }));
    const r2 = await conn.client.next((f) => JSON.stringify(f.echo) === JSON.stringify(echo));
    assert.equal(r2.data.user_id, ALICE);
  });

  test('bad params answer 1400, an unknown action 1404, a malformed frame 1400 without echo', async () => {
    const bad = await conn.client.call('get_stranger_info', { user_id: 'not a number' });
    assert.equal(bad.status, 'failed');
    assert.equal(bad.retcode, 1400);
    const unknown = await conn.client.call('no_such_action', {});
    assert.equal(unknown.retcode, 1404);
    const from = conn.client.frames.length;
    conn.client.ws.send('{not json');
    const malformed = await conn.client.next((f) => f.retcode === 1400 && !('echo' in f), from);
    assert.equal(malformed.status, 'failed');
  });

  test('events are pushed as frames without echo', async () => {
    await play(bridge, 'message', { user_id: ALICE, message: 'over reverse ws' });
    const ev = await conn.client.next(isMessage('over reverse ws'));
    assert.equal(ev.self_id, SELF);
    assert.equal(ev.message_type, 'private');
    assert.equal(ev.echo, undefined);
  });

  test('when the server drops the socket the bridge dials again and says lifecycle connect again', async () => {
    conn.client.terminate();
    const again = await server.connection('/onebot/v11/ws', 2);
    const first = await again.client.next();
    assert.ok(isLifecycle(first));
    assert.equal(first.sub_type, 'connect');
    const r = await again.client.call('get_login_info');
    assert.equal(r.data.user_id, SELF);
    conn = again;
  });

  test('a frame above limits.frameBytes closes the connection (1009), which is then dialled again', async () => {
    const b = await bridgeWith([{ url: await server.url('/small'), reconnectInterval: 20 }], {}, { bodyBytes: 4096, frameBytes: 4096 });
    try {
      const c = await server.connection('/small');
      c.client.ws.send(JSON.stringify({ action: 'get_login_info', params: { pad: 'x'.repeat(8192) } }));
      assert.equal((await c.client.waitClosed()).code, 1009);
      await server.connection('/small', 2);
    } finally {
      await b.stop();
    }
  });
});

describe('OneBot reverse WS: API and Event connections', () => {
  const server = new BotServer();
  let bridge: Bridge;
  after(async () => {
    await bridge?.stop();
    await server.close();
  });

  test('useUniversalClient false dials apiUrl as API and eventUrl as Event; events only on Event, calls on API', async () => {
    bridge = await bridgeWith([{ useUniversalClient: false, apiUrl: await server.url('/api'), eventUrl: await server.url('/event'), accessToken: '' }], {
      accessToken: 'global-token',
    });
    const api = await server.connection('/api');
    const event = await server.connection('/event');
    assert.equal(api.req.headers['x-client-role'], 'API');
    assert.equal(event.req.headers['x-client-role'], 'Event');
    assert.equal(api.req.headers.authorization, undefined, 'an empty per-target token overrides the global one');
    assert.equal(api.req.headers['x-self-id'], String(SELF));

    assert.ok(isLifecycle(await event.client.next()));
    await play(bridge, 'message', { user_id: ALICE, message: 'to the event socket' });
    await event.client.next(isMessage('to the event socket'));
    const r = await api.client.call('get_login_info');
    assert.equal(r.data.user_id, SELF);
    // Events go out before the reply on the same socket, so none came to the API socket.
    assert.ok(!api.client.frames.some((f) => 'post_type' in f), JSON.stringify(api.client.frames));

    // The Event connection carries no API calls.
    const from = event.client.frames.length;
    event.client.ws.send(JSON.stringify({ action: 'get_login_info', echo: 'ignored' }));
    await play(bridge, 'message', { user_id: ALICE, message: 'after the ignored call' });
    await event.client.next(isMessage('after the ignored call'), from);
    assert.ok(!event.client.frames.slice(from).some((f) => f.echo === 'ignored'));
  });

  test('the access token defaults to onebot.accessToken', async () => {
    const b = await bridgeWith([{ url: await server.url('/tokened') }], { accessToken: 'global-token' });
    try {
      const c = await server.connection('/tokened');
      assert.equal(c.req.headers.authorization, 'Bearer global-token');
    } finally {
      await b.stop();
    }
  });
});

describe('OneBot reverse WS: failures, heartbeat and stop', () => {
  const server = new BotServer();
  const bridges: Bridge[] = [];
  after(async () => {
    for (const b of bridges) await b.stop();
    await server.close();
  });

  test('a refused handshake is retried every reconnectInterval until the server accepts', async () => {
    server.refuse = 2;
    const b = await bridgeWith([{ url: await server.url('/picky'), reconnectInterval: 20 }]);
    bridges.push(b);
    const c = await server.connection('/picky');
    assert.equal(server.refused, 2);
    assert.ok(isLifecycle(await c.client.next()));
  });

  test('heartbeat meta events are pushed on the connection when enabled', async () => {
    const b = await bridgeWith([{ url: await server.url('/beat') }], { heartbeat: { enable: true, interval: 30 } });
    bridges.push(b);
    const c = await server.connection('/beat');
    const beat = await c.client.next((f) => f.post_type === 'meta_event' && f.meta_event_type === 'heartbeat');
    assert.equal(beat.interval, 30);
    assert.equal(beat.self_id, SELF);
    assert.equal(beat.status.online, true);
  });

  test('stop() closes every connection (1001) and cancels the dials it was waiting to make', async () => {
    const b = await bridgeWith([{ url: await server.url('/unused') }]);
    bridges.push(b);
    const grumpy = new BotServer();
    grumpy.refuse = Infinity;
    try {
      const reverseWs = [{ url: await server.url('/stop') }, { url: await grumpy.url('/refuses'), reconnectInterval: 600_000 }];
      const face = createOneBotReverseWs({ core: b.core, config: { ...b.config, onebot: { ...b.config.onebot, reverseWs } }, logger: b.logger });
      await face.start();
      const c = await server.connection('/stop');
      await until(() => face.stats().connections === 1 && face.stats().redialsPending === 1, 'one connection open, one dial pending');
      await face.stop();
      assert.equal((await c.client.waitClosed()).code, 1001);
      assert.deepEqual(face.stats(), { connections: 0, redialsPending: 0, droppedEvents: 0 });
    } finally {
      await grumpy.close();
    }
  });

  test('config: Universal needs url; split mode falls back to url for each role', () => {
    assert.throws(() => endpointsOf({ apiUrl: 'ws://a' }, 'onebot.reverseWs[0]'), /onebot\.reverseWs\[0\]\.url/);
    assert.deepEqual(endpointsOf({ url: 'ws://u', useUniversalClient: false, eventUrl: 'ws://e' }, 'k'), [
      { url: 'ws://u', role: 'API' },
      { url: 'ws://e', role: 'Event' },
    ]);
    assert.throws(() => endpointsOf({ url: 'http://x' }, 'k'), /ws:\/\//);
  });
});
