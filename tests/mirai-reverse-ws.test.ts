/** The mirai reverse-WS face against a WebSocket server of the test: verify first, then WS behaviour, reconnects. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startBridge, type Bridge } from '../src/app';
import { backoffDelay, destinationUrl } from '../adapters/mirai-reverse-ws';
import { FrameClient, httpSession, play, until, within } from './helpers';

const BOT = 10000;
const KEY = 'reverse-key';

/** A WebSocket server standing in for the bot; hands out each connection MAH makes to it. */
class Remote {
  readonly wss: WebSocketServer;
  private waiting: ((c: { client: FrameClient; req: IncomingMessage }) => void)[] = [];
  private arrived: { client: FrameClient; req: IncomingMessage }[] = [];
  private readonly up: Promise<number>;
  constructor(port = 0) {
    this.wss = new WebSocketServer({ port, host: '127.0.0.1' });
    this.wss.on('connection', (ws, req) => {
      const c = { client: new FrameClient(ws), req };
      const w = this.waiting.shift();
      if (w) w(c);
      else this.arrived.push(c);
    });
    // Listening fails (the port taken meanwhile) as an error of the test, not an uncaught one.
    this.up = new Promise((resolve, reject) => {
      this.wss.once('listening', () => resolve((this.wss.address() as AddressInfo).port));
      this.wss.once('error', reject);
    });
  }
  listening(): Promise<number> {
    return within(this.up, 'the remote to listen');
  }
  connection(): Promise<{ client: FrameClient; req: IncomingMessage }> {
    const c = this.arrived.shift();
    return c ? Promise.resolve(c) : within(new Promise((r) => this.waiting.push(r)), 'the bridge to dial the remote');
  }
  async close() {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

let remote: Remote;
let port: number;
let bridge: Bridge;

before(async () => {
  remote = new Remote();
  port = await remote.listening();
  bridge = await startBridge({
    onebot: { port: 0 },
    logLevel: 'silent',
    mirai: {
      adapters: ['http', 'ws', 'reverse-ws'],
      verifyKey: KEY,
      adapterSettings: {
        http: { port: 0 },
        'reverse-ws': {
          destinations: [{ protocol: 'ws', host: '127.0.0.1', port, path: '/mah', extraParameters: { own: '1', shared: 'dest' }, extraHeaders: { 'X-Dest': 'd' }, reconnectInterval: 20 }],
          extraParameters: { global: '2', shared: 'global' },
          extraHeaders: { 'X-Global': 'g' },
          reservedSyncId: '-1',
        },
      },
    },
  });
});
after(async () => {
  await bridge?.stop();
  await remote?.close();
});

test('the bridge dials with the configured path, query and headers, then waits for verify', async () => {
  const { client, req } = await remote.connection();
  const url = new URL(req.url!, 'http://x');
  assert.equal(url.pathname, '/mah');
  assert.deepEqual(Object.fromEntries(url.searchParams), { global: '2', own: '1', shared: 'dest' });
  assert.equal(req.headers['x-dest'], 'd');
  assert.equal(req.headers['x-global'], 'g');

  // The first frame we get is the answer to our first command: the bridge said nothing on its own.
  const about = await client.command('a1', 'about');
  assert.deepEqual(client.frames[0], about);
  assert.deepEqual(about, { syncId: 'a1', data: { code: 0, msg: '', data: { version: '2.10.0' } } });
  assert.deepEqual((await client.command(7, 'botList')).data, { code: 0, msg: '', data: [BOT] });

  // Before verify, anything needing a session is refused with a raw frame; junk is ignored.
  client.ws.send('not json');
  let from = client.raw.length;
  client.ws.send(JSON.stringify({ syncId: 'f', command: 'friendList', content: {} }));
  await client.next((f) => f.code === 1, from);
  assert.equal(client.raw[from], '{"code":1,"msg":"Auth Key错误"}');

  // Failed verifies answer raw StateCodes and leave the socket open.
  for (const [content, expected] of [
    [{ verifyKey: 'wrong', sessionKey: null, qq: BOT }, { code: 1, msg: 'Auth Key错误' }],
    [{ verifyKey: KEY, sessionKey: null, qq: 4242 }, { code: 2, msg: '指定Bot不存在' }],
    [{ verifyKey: KEY, sessionKey: 'zzzzzzzz', qq: null }, { code: 3, msg: 'Session失效或不存在' }],
  ] as const) {
    from = client.frames.length;
    client.ws.send(JSON.stringify({ syncId: '#', command: 'verify', content }));
    assert.deepEqual(await client.next(() => true, from), expected);
  }

  // Ariadne's verify frame.
  const ok = await client.command('#', 'verify', { verifyKey: KEY, sessionKey: null, qq: BOT });
  assert.equal(ok.data!.code, 0);
  const key = ok.data!.session as string;
  assert.match(key, /^[A-Za-z0-9]{8}$/);
  assert.equal(bridge.mirai!.sessions.get(key)?.botId, BOT);

  // Then it is a WS /all socket: commands and pushes.
  const friends = await client.command('f2', 'friendList', {});
  assert.equal(friends.data!.code, 0);
  await play(bridge, 'message', { user_id: 10001, message: 'over reverse ws' });
  const push = await client.next((f) => f.syncId === '-1');
  assert.equal(push.data!.type, 'FriendMessage');
  assert.ok(JSON.stringify(push.data).includes('over reverse ws'));
});

test('when the remote restarts, the session is released and the bridge dials again', async () => {
  const count = bridge.mirai!.sessions.stats().sessions;
  await remote.close();
  await until(() => bridge.mirai!.sessions.stats().sessions === count - 1, 'the reverse-ws session released');

  remote = new Remote(port);
  await remote.listening();
  const { client } = await remote.connection();
  const ok = await client.command('again', 'verify', { verifyKey: KEY, sessionKey: null, qq: BOT });
  assert.equal(ok.data!.code, 0);
  assert.equal((await client.command('p', 'about')).data!.code, 0);
});

test('an HTTP-bound session can be attached through verify with its sessionKey', async () => {
  const key = await httpSession(`http://127.0.0.1:${bridge.ports.mirai}`, KEY, BOT);
  // A second destination is not configured: restart the remote to get a fresh connection.
  await remote.close();
  remote = new Remote(port);
  await remote.listening();
  const { client } = await remote.connection();
  const ok = await client.command('s', 'verify', { verifyKey: KEY, sessionKey: key, qq: null });
  assert.deepEqual(ok, { syncId: 's', data: { code: 0, session: key } });
  assert.equal(bridge.mirai!.sessions.get(key)?.refs, 2);
});

test('destination URLs and backoff', () => {
  assert.equal(
    destinationUrl({ protocol: 'wss', host: 'example.org', port: 443, path: 'x', extraParameters: { b: '2' } }, { a: '1', b: '0' }),
    'wss://example.org/x?a=1&b=2',
  );
  assert.equal(destinationUrl({ protocol: 'ws' }, {}), 'ws://localhost:8080/');
  for (let attempt = 0; attempt < 30; attempt++) {
    const d = backoffDelay(5000, attempt);
    assert.ok(d >= 0.8 * 5000 && d <= 1.2 * 60_000, `attempt ${attempt}: ${d}`);
  }
  assert.ok(backoffDelay(100, 3) >= 0.8 * 800 && backoffDelay(100, 3) <= 1.2 * 800);
});
