/** The mirai WebSocket face: handshakes as real clients do them, commands, pushes, channels, limits. */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import { createLogger } from '../src/log';
import { createMiraiWs } from '../adapters/mirai-ws';
import { FrameClient, httpSession, json, play as playOp, postJson as post, until } from './helpers';

const BOT = 10000;
const KEY = 'ws-test-key';
const GROUP = 20001;

let bridge: Bridge;
let ws: string;
let api: string;
let onebot: string;

before(async () => {
  bridge = await startBridge({
    onebot: { port: 0 },
    mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 } } },
    logLevel: 'silent',
  });
  ws = `ws://127.0.0.1:${bridge.ports.mirai}`;
  api = `http://127.0.0.1:${bridge.ports.mirai}`;
  onebot = `http://127.0.0.1:${bridge.ports.onebot}`;
});
after(() => bridge.stop());

/** What a test opened (sockets, faces of its own): closed after it, even when it fails midway. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function connect(url: string, headers?: Record<string, string>): Promise<FrameClient> {
  const c = await FrameClient.open(url, headers);
  cleanups.push(() => c.terminate());
  return c;
}

/** The sandbox plays someone writing. */
const play = (body: Record<string, unknown>) => playOp(bridge, 'message', body);

describe('handshake', () => {
  test('query verifyKey + qq (Ariadne, mirai-ts, mirai-js v3): the first frame is exactly the session frame', async () => {
    for (const path of ['/all', '/message', '/event']) {
      const c = await connect(`${ws}${path}?verifyKey=${KEY}&qq=${BOT}`);
      await c.handshake();
      assert.match(c.raw[0], /^\{"syncId":"","data":\{"code":0,"session":"[A-Za-z0-9]{8}"\}\}$/);
      await c.close();
    }
  });

  test('headers verifyKey + qq (YiriMirai), and a header sessionKey to reuse it', async () => {
    const a = await connect(`${ws}/all`, { verifyKey: KEY, qq: String(BOT) });
    const key = (await a.handshake()).data!.session as string;
    assert.match(key, /^[A-Za-z0-9]{8}$/);
    const b = await connect(`${ws}/event`, { verifyKey: KEY, sessionKey: key });
    assert.equal((await b.handshake()).data!.session, key);
    // Headers win over the query.
    const c = await connect(`${ws}/message?verifyKey=wrong&qq=1`, { verifyKey: KEY, qq: String(BOT) });
    assert.equal((await c.handshake()).data!.code, 0);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  test('an HTTP-issued key opens a socket (mirai-js v2) and the HTTP session outlives it', async () => {
    const key = await httpSession(api, KEY, BOT);
    const c = await connect(`${ws}/all?sessionKey=${key}&verifyKey=${KEY}`);
    assert.deepEqual(await c.handshake(), { syncId: '', data: { code: 0, session: key } });
    await c.close();
    await until(() => bridge.mirai!.sessions.get(key)?.refs === 1, 'the socket reference released');
    const info = await json(await fetch(`${api}/sessionInfo?sessionKey=${key}`));
    assert.equal(info.code, 0);
    assert.equal((info.data as { sessionKey: string }).sessionKey, key);
  });

  test('a WS-issued key works on HTTP, in a header or the query', async () => {
    const c = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    const key = (await c.handshake()).data!.session as string;
    const byQuery = await json(await fetch(`${api}/sessionInfo?sessionKey=${key}`));
    assert.equal(byQuery.code, 0);
    const byHeader = await json(await fetch(`${api}/friendList`, { headers: { sessionKey: key } }));
    assert.equal(byHeader.code, 0);
    assert.ok(Array.isArray(byHeader.data));
    await c.close();
  });

  const refusals: [string, string, Record<string, string> | undefined, number, string][] = [
    ['a wrong verifyKey', `/all?verifyKey=nope&qq=${BOT}`, undefined, 1, 'Auth Key错误'],
    ['an unknown bot', `/all?verifyKey=${KEY}&qq=123`, undefined, 2, '指定Bot不存在'],
    ['an unknown sessionKey', `/all?verifyKey=${KEY}&sessionKey=abcdEFGH`, undefined, 3, 'Session失效或不存在'],
    ['neither qq nor sessionKey', `/all?verifyKey=${KEY}`, undefined, 400, '无效参数'],
    ['a wrong key in a header', `/event?qq=${BOT}`, { verifyKey: 'nope' }, 1, 'Auth Key错误'],
  ];
  for (const [what, path, headers, code, msg] of refusals) {
    test(`${what} gets code ${code} in the first frame, then a normal close with the msg`, async () => {
      const c = await connect(`${ws}${path}`, headers);
      const closed = await c.waitClosed();
      assert.deepEqual(c.frames, [{ syncId: '', data: { code, msg } }]);
      assert.deepEqual(closed, { code: 1000, reason: msg });
    });
  }

  test('an unbound (verified, never bound) sessionKey gets code 4', async () => {
    const v = await json(await post(`${api}/verify`, { verifyKey: KEY }));
    const c = await connect(`${ws}/all?verifyKey=${KEY}&sessionKey=${v.session}`);
    await c.waitClosed();
    assert.deepEqual(c.frames, [{ syncId: '', data: { code: 4, msg: 'Session未认证' } }]);
  });

  test('paths other than /message, /event, /all are not WebSocket endpoints', async () => {
    await assert.rejects(connect(`${ws}/other?verifyKey=${KEY}&qq=${BOT}`));
  });
});

describe('commands', () => {
  let c: FrameClient;
  before(async () => {
    c = await FrameClient.open(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    await c.handshake();
  });
  after(() => c.close());

  test('syncId is echoed exactly as sent: string, number, null', async () => {
    const s = await c.command('abc-1', 'about');
    assert.deepEqual(s, { syncId: 'abc-1', data: { code: 0, msg: '', data: { version: '2.10.0' } } });
    const from = c.raw.length;
    const n = await c.command(4242, 'about');
    assert.equal(n.syncId, 4242);
    assert.ok(c.raw.slice(from).some((r) => r.startsWith('{"syncId":4242,')));
    const z = await c.command(null, 'botList');
    assert.deepEqual(z, { syncId: null, data: { code: 0, msg: '', data: [BOT] } });
  });

  test('content and subCommand may be absent; groupConfig needs get or update', async () => {
    assert.equal((await c.command('fl', 'friendList')).data!.code, 0);
    const g = await c.command('gc', 'groupConfig', { target: GROUP }, 'get');
    assert.equal(typeof g.data!.name, 'string');
    assert.equal('code' in g.data!, false, 'GET groupConfig is a bare object');
    assert.deepEqual((await c.command('gc0', 'groupConfig', { target: GROUP })).data, { code: 6, msg: '指定操作不支持' });
  });

  test('unknown commands and HTTP-only ones answer code 6; bad content answers 400 in an envelope', async () => {
    assert.deepEqual((await c.command('u', 'noSuchCommand', {})).data, { code: 6, msg: '指定操作不支持' });
    for (const cmd of ['verify', 'bind', 'release', 'fetchMessage', 'countMessage']) {
      assert.equal((await c.command(`h-${cmd}`, cmd, {})).data!.code, 6, cmd);
    }
    assert.deepEqual((await c.command('bad', 'memberList', 'not an object')).data, { code: 400, msg: '无效参数' });
    assert.equal((await c.command('miss', 'memberList', {})).data!.code, 400);
  });

  test('an unparseable frame gets the raw 400 frame and the socket stays open', async () => {
    for (const junk of ['---', '{"syncId":"1"}', '[1,2]', '{"command":5}']) {
      const from = c.raw.length;
      c.ws.send(junk);
      await c.next((f) => f.code === 400, from);
      assert.equal(c.raw[from], '{"code":400,"msg":"无效参数"}');
    }
    assert.equal((await c.command('after-junk', 'about')).data!.code, 0);
  });

  test('binary frames are read as UTF-8 text', async () => {
    const from = c.frames.length;
    c.ws.send(Buffer.from(JSON.stringify({ syncId: 'bin', command: 'about' }), 'utf8'), { binary: true });
    assert.equal((await c.next((f) => f.syncId === 'bin', from)).data!.code, 0);
  });

  test('sessionKey inside content is ignored: the connection’s session is used', async () => {
    const r = await c.command('si', 'sessionInfo', { sessionKey: 'someone-else' });
    assert.equal(r.data!.code, 0);
    assert.equal((r.data!.data as { sessionKey: string }).sessionKey, c.frames[0].data!.session);
  });
});

describe('pushed events', () => {
  test('/all and /event get events in order, /message only message packets, all with syncId "-1"', async () => {
    const all = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    const key = (await all.handshake()).data!.session as string;
    const event = await connect(`${ws}/event?verifyKey=${KEY}&sessionKey=${key}`);
    const message = await connect(`${ws}/message?verifyKey=${KEY}&sessionKey=${key}`);
    await event.handshake();
    await message.handshake();

    await play({ user_id: 10001, group_id: GROUP, message: 'one' });
    await post(`${onebot}/sandbox/poke`, { user_id: 10001, group_id: GROUP, target_id: BOT });
    await play({ user_id: 10001, message: 'two' });
    await post(`${onebot}/sandbox/member_mute`, { group_id: GROUP, user_id: 10004, operator_id: BOT, duration: 60 });
    await play({ user_id: 10002, group_id: GROUP, message: 'three' });

    await all.next((f) => f.syncId === '-1' && (f.data as { type: string }).type === 'GroupMessage' && JSON.stringify(f.data).includes('three'));
    await event.next((f) => f.syncId === '-1' && (f.data as { type: string }).type === 'MemberMuteEvent');
    await message.next((f) => JSON.stringify(f.data).includes('three'));

    const types = (c: FrameClient) => c.pushes().map((f) => (f.data as { type: string }).type);
    assert.deepEqual(types(all), ['GroupMessage', 'NudgeEvent', 'FriendMessage', 'MemberMuteEvent', 'GroupMessage']);
    assert.deepEqual(types(event), ['NudgeEvent', 'MemberMuteEvent']);
    assert.deepEqual(types(message), ['GroupMessage', 'FriendMessage', 'GroupMessage']);
    const texts = all.pushes().filter((f) => /Message$/.test(String(f.data!.type))).map((f) => JSON.stringify(f.data).match(/"text":"(\w+)"/)?.[1]);
    assert.deepEqual(texts, ['one', 'two', 'three']);
    for (const raw of all.raw.slice(1)) assert.ok(raw.startsWith('{"syncId":"-1","data":{'), raw);
    await Promise.all([all.close(), event.close(), message.close()]);
  });

  test('two sessions of the same bot both receive every event', async () => {
    const a = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    const b = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    await a.handshake();
    await b.handshake();
    await play({ user_id: 10001, message: 'for both' });
    await a.next((f) => JSON.stringify(f).includes('for both'));
    await b.next((f) => JSON.stringify(f).includes('for both'));
    await Promise.all([a.close(), b.close()]);
  });

  test('a pushed message is in the cache before clients see it: messageFromId resolves at once', async () => {
    const c = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    await c.handshake();
    await play({ user_id: 10001, group_id: GROUP, message: 'cached?' });
    const push = await c.next((f) => JSON.stringify(f.data).includes('cached?'));
    const id = ((push.data!.messageChain as { type: string; id: number }[])[0]).id;
    const r = await c.command('mfi', 'messageFromId', { messageId: id, target: GROUP });
    assert.equal(r.data!.code, 0);
    assert.equal((r.data!.data as { type: string }).type, 'GroupMessage');
    await c.close();
  });
});

describe('channels', () => {
  test('a new socket on the same path and session replaces the old one; other paths coexist', async () => {
    const first = await connect(`${ws}/all?verifyKey=${KEY}&qq=${BOT}`);
    const key = (await first.handshake()).data!.session as string;
    const other = await connect(`${ws}/event?verifyKey=${KEY}&sessionKey=${key}`);
    await other.handshake();
    const second = await connect(`${ws}/all?verifyKey=${KEY}&sessionKey=${key}`);
    await second.handshake();
    const closed = await first.waitClosed();
    assert.equal(closed.code, 1000);
    assert.equal(other.closed, undefined);
    assert.equal((await second.command('s', 'about')).data!.code, 0);
    assert.equal((await other.command('o', 'about')).data!.code, 0);
    // The session lost only the replaced socket's reference.
    await until(() => bridge.mirai!.sessions.get(key)?.refs === 2, 'two references left');
    await Promise.all([second.close(), other.close()]);
    await until(() => bridge.mirai!.sessions.get(key) === undefined, 'the session to go');
  });
});

describe('limits and liveness', () => {
  /** A WS face of its own (on its own server) over the bridge's mirai model, with tight settings. */
  async function ownFace(ws: { maxBufferedBytes?: number; pingIntervalMs?: number }, frameBytes?: number) {
    const config = structuredClone(bridge.config);
    Object.assign(config.mirai.adapterSettings.ws, ws);
    if (frameBytes) config.limits.frameBytes = frameBytes;
    const face = createMiraiWs({ mirai: bridge.mirai!, config, logger: createLogger('error', true) });
    const server = http.createServer();
    server.on('upgrade', (req, socket, head) => face.handleUpgrade(req, socket, head) || socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let stopped: Promise<void> | undefined;
    const own = {
      face,
      url,
      stop: () =>
        (stopped ??= (async () => {
          await face.stop();
          await new Promise<void>((r) => server.close(() => r()));
        })()),
    };
    cleanups.push(own.stop);
    return own;
  }

  test('a client that does not read gets its pushes dropped and counted instead of buffered', async () => {
    const own = await ownFace({ maxBufferedBytes: 256 * 1024 });
    const c = await connect(`${own.url}/all?verifyKey=${KEY}&qq=${BOT}`);
    await c.handshake();
    await until(() => own.face.stats().sockets === 1, 'the socket attached');
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // the client stops reading
    const big = { type: 'FriendMessage', sender: { id: 10001, nickname: 'x', remark: '' }, messageChain: [{ type: 'Plain', text: 'x'.repeat(64 * 1024) }] };
    const sent = 400; // ~25 MB offered: far beyond any loopback socket buffer
    for (let i = 0; i < sent; i++) bridge.mirai!.events.emit('event', BOT, big);
    const dropped = own.face.stats().dropped;
    assert.ok(dropped > 0, 'pushes were dropped');
    assert.ok(dropped < sent, 'some pushes went out');
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await c.next((f) => f.syncId === '-1');
    c.ws.terminate();
    await own.stop();
  });

  test('the server pings sockets and terminates one that never answers', async () => {
    const own = await ownFace({ pingIntervalMs: 30 });
    const good = await connect(`${own.url}/all?verifyKey=${KEY}&qq=${BOT}`);
    let pings = 0;
    good.ws.on('ping', () => pings++);
    const deaf = new FrameClient(new WebSocket(`${own.url}/all?verifyKey=${KEY}&qq=${BOT}`, { autoPong: false }));
    cleanups.push(() => deaf.terminate());
    await deaf.handshake();
    await good.handshake();
    const closed = await deaf.waitClosed();
    assert.equal(closed.code, 1006, 'terminated, not closed politely');
    await until(() => pings >= 3, 'three pings answered');
    assert.equal(good.closed, undefined);
    await good.close();
    await own.stop();
  });

  test('a frame over the size limit closes the socket with 1009', async () => {
    const own = await ownFace({}, 1024);
    const c = await connect(`${own.url}/all?verifyKey=${KEY}&qq=${BOT}`);
    await c.handshake();
    c.ws.send(JSON.stringify({ syncId: '1', command: 'about', content: { pad: 'x'.repeat(4096) } }));
    assert.equal((await c.waitClosed()).code, 1009);
    await own.stop();
  });
});
