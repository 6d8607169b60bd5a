/**
 * Liveness of the upstream backend: an upstream killed mid-call, restarted, slow, answering garbage,
 * never answering, or silently frozen gives a clean error and then a recovery, with the link loss and
 * return told as events and no event lost or doubled afterwards. Also the three transports' gates
 * (tokens, X-Signature, X-Self-ID) and several accounts at once. Outcomes only, never timings.
 */
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createLogger } from '../src/log';
import { createUpstream, type UpstreamBackend } from '../src/backends/upstream';
import { signBody } from '../src/backends/upstream/listener';
import type { UpstreamConfig } from '../src/config';
import { isBridgeError } from '../src/errors';
import type { OneBotEvent } from '../src/core/types';
import { loadFixture, startFakeHttpUpstream, startFakeUpstream } from './conformance/fake-upstream';
import { nextEmit, until, within } from './helpers';

const logger = createLogger('error', true);
const napcat = loadFixture('napcat');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

/**
 * Call timeouts: generous where every call must be answered (a loaded CI box can take hundreds of
 * ms to answer locally, and a handshake that times out would leave the link not ready), short only in
 * the tests that wait for a call to time out.
 */
const TIMEOUT_MS = 5000;
const SHORT_MS = 1000;

function upstream(over: Partial<UpstreamConfig>): UpstreamBackend {
  const backend = createUpstream({
    config: {
      accounts: [],
      listen: { host: '127.0.0.1', port: 0, path: '/onebot' },
      timeoutMs: TIMEOUT_MS,
      fileTimeoutMs: 2 * TIMEOUT_MS,
      reconnect: { minMs: 10, maxMs: 80 },
      ...over,
    },
    logger,
  });
  cleanups.push(() => backend.stop());
  return backend;
}

/** The next event matching `pred` (bounded). */
const nextEvent = (backend: UpstreamBackend, pred: (e: OneBotEvent) => boolean, what = 'the event'): Promise<OneBotEvent> =>
  nextEmit<OneBotEvent>(backend.events, 'event', pred, what);
/** start(), then the handshake done (a test whose subject is not the handshake starts from a ready link). */
async function ready(backend: UpstreamBackend): Promise<void> {
  await backend.start();
  await within(backend.whenReady(), 'the upstream handshake');
}
const isNotice = (type: string) => (e: OneBotEvent) => e.post_type === 'notice' && e.notice_type === type;
const upstreamError = (re: RegExp) => (e: unknown) => isBridgeError(e) && e.kind === 'upstream' && re.test(e.message);

function message(id: number, text: string): Record<string, unknown> {
  return { ...(napcat.events.group_message as Record<string, unknown>), message_id: id, message: [{ type: 'text', data: { text } }] };
}

/** Push n messages and collect what arrives until the last one does. */
async function pushAndCollect(fake: { push(e: Record<string, unknown>): void }, backend: UpstreamBackend, ids: number[]): Promise<number[]> {
  const got: number[] = [];
  const last = ids[ids.length - 1];
  const done = nextEvent(backend, (e) => {
    if (e.post_type === 'message') got.push(e.message_id as number);
    return e.post_type === 'message' && e.message_id === last;
  }, `message ${last}`);
  for (const id of ids) fake.push(message(id, `m${id}`));
  await done;
  return got;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('forward WS faults', () => {
  test('killed mid-call: the call fails cleanly, calls fail fast while down, and the restart is announced and works', async () => {
    const fake = await startFakeUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url });
    await backend.start();
    assert.equal(backend.capabilities()[0].ready, true);

    fake.handler = (action) => (action === 'get_status' ? 'never' : undefined);
    const offline = nextEvent(backend, isNotice('bot_offline'));
    const pending = backend.invoke('get_status', {});
    await until(() => fake.calls.some((c) => c.action === 'get_status'), 'the call on the wire');
    await fake.kill();
    await assert.rejects(pending, upstreamError(/connection lost/));
    const off = await offline;
    assert.equal(off.tag, 'network');
    assert.equal(off.user_id, 10000);
    await assert.rejects(backend.invoke('get_login_info', {}), upstreamError(/not connected/));

    fake.handler = undefined;
    const lifecycle = nextEvent(backend, (e) => e.post_type === 'meta_event' && e.sub_type === 'connect');
    const online = nextEvent(backend, isNotice('bot_online'));
    await fake.restart();
    await lifecycle;
    await online;
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
    assert.deepEqual(await pushAndCollect(fake, backend, [501, 502, 503]), [501, 502, 503], 'no event lost or doubled after recovery');
  });

  test('slow: a late answer times out, is ignored when it comes, and the link keeps working', async () => {
    const fake = await startFakeUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url, timeoutMs: SHORT_MS });
    await ready(backend);
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    fake.handler = async (action) => {
      if (action !== 'get_status') return undefined;
      await late;
      return { data: { online: true, good: true } };
    };
    await assert.rejects(backend.invoke('get_status', {}), upstreamError(/did not answer get_status/));
    release();
    fake.handler = undefined;
    // Frames are ordered: by the time this answer arrives, the late one has been received and dropped.
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
    const caps = backend.capabilities()[0];
    assert.equal(caps.stats.timeouts, 1);
    assert.equal(caps.stats.unknownEchoes, 1);
    assert.equal(caps.connected, true);
  });

  test('file operations get the longer file timeout: an upload outlives a call that timed out', async () => {
    const fake = await startFakeUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url, timeoutMs: SHORT_MS, fileTimeoutMs: TIMEOUT_MS });
    await ready(backend);
    let shortCallFailed!: () => void;
    const failed = new Promise<void>((r) => (shortCallFailed = r));
    fake.handler = async (action) => {
      if (action === 'get_status') return 'never';
      if (action !== 'upload_group_file') return undefined;
      await failed; // answer only after an ordinary call has already timed out
      return { data: { file_id: '/uploaded' } };
    };
    const upload = backend.invoke('upload_group_file', { group_id: 20001, file: 'base64://aGk=', name: 'hi.txt' });
    await assert.rejects(backend.invoke('get_status', {}), upstreamError(/did not answer/));
    shortCallFailed();
    assert.deepEqual(await upload, { file_id: '/uploaded' });
  });

  test('garbage: a frame that is not JSON is counted and ignored; the call times out; the next call works', async () => {
    const fake = await startFakeUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url, timeoutMs: SHORT_MS });
    await ready(backend);
    fake.handler = (action) => (action === 'get_status' ? 'garbage' : undefined);
    await assert.rejects(backend.invoke('get_status', {}), upstreamError(/did not answer/));
    fake.push({ nonsense: true } as Record<string, unknown>);
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
    assert.equal(backend.capabilities()[0].stats.garbage, 2);
    assert.deepEqual(await pushAndCollect(fake, backend, [601]), [601]);
  });

  test('never answering: start does not hang, calls time out, and the link recovers once it answers', async () => {
    const fake = await startFakeUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    fake.handler = () => 'never';
    const backend = upstream({ url: fake.url, timeoutMs: SHORT_MS });
    await backend.start();
    assert.equal(backend.capabilities()[0].ready, false);
    await assert.rejects(backend.invoke('get_status', {}), upstreamError(/did not answer|not connected|connection lost/));
    fake.handler = undefined;
    await within(backend.whenReady(), 'the upstream handshake');
    assert.equal(backend.capabilities()[0].dialect, 'napcat');
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
  });

  test('frozen: missing heartbeats (3 × the upstream’s own interval) take the link down, and it comes back', async () => {
    const fake = await startFakeUpstream({ fixture: napcat, heartbeatMs: 100 });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url });
    // From a ready link: bot_offline is told only for a link that was up (one whose first handshake
    // had not finished would wait for it forever once the peer goes silent).
    await ready(backend);
    const offline = nextEvent(backend, isNotice('bot_offline'));
    fake.silent = true;
    await offline;
    const online = nextEvent(backend, isNotice('bot_online'));
    fake.silent = false;
    await online;
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
  });

  test('dead at start: start returns, calls fail fast, and the upstream is picked up when it appears', async () => {
    const port = await freePort();
    const backend = upstream({ url: `ws://127.0.0.1:${port}` });
    await backend.start();
    await assert.rejects(backend.invoke('get_login_info', {}), upstreamError(/not connected/));
    assert.deepEqual(backend.bots(), []);
    // The peer appears on the port the backend keeps dialling.
    const peer = await startFakeUpstream({ fixture: napcat, port });
    cleanups.push(() => peer.close());
    await within(backend.whenReady(), 'the upstream handshake');
    assert.deepEqual(backend.bots(), [10000]);
  });

  test('a wrong access token is refused by the upstream and calls say the link is down; the right one works', async () => {
    const fake = await startFakeUpstream({ fixture: napcat, token: 's3cret' });
    cleanups.push(() => fake.close());
    const wrong = upstream({ url: fake.url, accessToken: 'nope' });
    await wrong.start();
    await assert.rejects(wrong.invoke('get_login_info', {}), upstreamError(/not connected/));
    const right = upstream({ url: fake.url, accessToken: 's3cret' });
    await right.start();
    assert.equal(right.capabilities()[0].ready, true);
  });
});

describe('HTTP API + HTTP-POST events', () => {
  test('calls go over HTTP with the Bearer token; signed events are delivered, unsigned or mis-signed ones refused', async () => {
    const fake = await startFakeHttpUpstream({ fixture: napcat, token: 'tok' });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url, accessToken: 'tok', secret: 'hmac-key' });
    await ready(backend);
    assert.equal(backend.capabilities()[0].transport, 'http');
    assert.equal(backend.capabilities()[0].dialect, 'napcat');
    const port = backend.listenPort as number;
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/onebot`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Self-ID': '10000', ...headers } });

    const body = JSON.stringify(message(701, 'signed'));
    const arrived = nextEvent(backend, (e) => e.post_type === 'message');
    assert.equal((await post(body, { 'X-Signature': signBody('hmac-key', body) })).status, 204);
    assert.equal((await arrived).message_id, 701);

    const got: OneBotEvent[] = [];
    backend.events.on('event', (e: OneBotEvent) => got.push(e));
    assert.equal((await post(JSON.stringify(message(702, 'x')), {})).status, 403);
    assert.equal((await post(JSON.stringify(message(703, 'x')), { 'X-Signature': 'sha1=0000' })).status, 403);
    assert.equal((await post('not json', { 'X-Signature': signBody('hmac-key', 'not json') })).status, 400);
    // A correctly signed event after the refused ones proves they were dropped, not queued.
    const last = JSON.stringify(message(704, 'y'));
    const arrived2 = nextEvent(backend, (e) => e.post_type === 'message');
    assert.equal((await post(last, { 'X-Signature': signBody('hmac-key', last) })).status, 204);
    await arrived2;
    assert.deepEqual(got.map((e) => e.message_id), [704]);
  });

  test('unknown actions come back as HTTP 404 and fall back to the other spelling', async () => {
    const fake = await startFakeHttpUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    fake.handler = (action) => (action === '_get_group_notice' ? 'unknown' : action === 'get_group_notice' ? { data: [] } : undefined);
    const backend = upstream({ url: fake.url });
    await ready(backend);
    assert.deepEqual(await backend.invoke('get_group_notice', { group_id: 1 }), []);
    assert.deepEqual(fake.calls.slice(-2).map((c) => c.action), ['_get_group_notice', 'get_group_notice']);
  });

  test('killed, slow and garbled HTTP upstreams give clean upstream errors, then recovery is announced', async () => {
    const fake = await startFakeHttpUpstream({ fixture: napcat });
    cleanups.push(() => fake.close());
    const backend = upstream({ url: fake.url, timeoutMs: SHORT_MS });
    await ready(backend);
    fake.handler = (action) => (action === 'get_status' ? 'never' : action === 'get_group_list' ? 'garbage' : undefined);
    await assert.rejects(backend.invoke('get_status', {}), upstreamError(/did not answer/));
    await assert.rejects(backend.invoke('get_group_list', {}), upstreamError(/not a OneBot response/));
    fake.handler = undefined;
    const offline = nextEvent(backend, isNotice('bot_offline'));
    await fake.kill();
    await assert.rejects(backend.invoke('get_login_info', {}), upstreamError(/unreachable/));
    await offline;
    const online = nextEvent(backend, isNotice('bot_online'));
    await fake.restart();
    await online;
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
  });
});

describe('reverse WS', () => {
  test('the upstream dials us: Bearer or Token accepted, missing 401, wrong 403; calls and events then flow', async () => {
    const backend = upstream({ transport: 'reverse-ws', accessToken: 'rt' });
    await backend.start();
    const url = `ws://127.0.0.1:${backend.listenPort}/onebot`;
    const peer = await startFakeUpstream({ fixture: loadFixture('lagrange') });
    cleanups.push(() => peer.close());
    await assert.rejects(backend.invoke('get_login_info', {}), upstreamError(/not connected/));
    assert.equal(await peer.dialReverse(url, { 'X-Self-ID': '10000' }), 401);
    assert.equal(await peer.dialReverse(url, { 'X-Self-ID': '10000', Authorization: 'Bearer wrong' }), 403);
    assert.equal(await peer.dialReverse(`ws://127.0.0.1:${backend.listenPort}/elsewhere`, { Authorization: 'Token rt' }), 404);
    assert.equal(await peer.dialReverse(url, { 'X-Self-ID': '10000', 'X-Client-Role': 'Universal', Authorization: 'Token rt', 'User-Agent': 'CQHttp/4.15.0' }), 101);
    await within(backend.whenReady(), 'the upstream handshake');
    assert.equal(backend.capabilities()[0].dialect, 'lagrange');
    assert.deepEqual(await pushAndCollect(peer, backend, [42, 43]), [42, 43]);

    const offline = nextEvent(backend, isNotice('bot_offline'));
    await peer.kill();
    await offline;
    const online = nextEvent(backend, isNotice('bot_online'));
    assert.equal(await peer.dialReverse(`${url}?access_token=rt`, { 'X-Self-ID': '10000' }), 101);
    await online;
    assert.deepEqual(await backend.invoke('get_login_info', {}), { user_id: 10000, nickname: 'MahBot' });
  });
});

describe('several accounts', () => {
  test('one account per bot QQ: calls go to the bot asked for, events carry their own self_id', async () => {
    const a = await startFakeUpstream({ fixture: napcat, selfId: 111 });
    const b = await startFakeUpstream({ fixture: loadFixture('icqq'), selfId: 222 });
    cleanups.push(() => a.close(), () => b.close());
    const backend = upstream({ accounts: [{ url: a.url, selfId: 111 }, { url: b.url }] });
    await backend.start();
    await within(backend.whenReady(), 'the upstream handshake');
    assert.deepEqual(backend.bots().sort(), [111, 222]);
    assert.deepEqual(backend.capabilities().map((c) => c.dialect), ['napcat', 'icqq']);
    assert.deepEqual(await backend.invoke('get_login_info', {}, 222), { user_id: 222, nickname: 'MahBot' });
    await assert.rejects(backend.invoke('get_login_info', {}, 333), (e) => isBridgeError(e) && e.kind === 'no_bot');
    const fromB = nextEvent(backend, (e) => e.post_type === 'message');
    b.push({ ...message(1, 'x'), self_id: 222, message_id: 'AAAB' });
    const ev = await fromB;
    assert.equal(ev.self_id, 222);
    assert.ok(typeof ev.message_id === 'number');
  });
});
