/** The OneBot HTTP POST face against real receivers (node http servers on port 0) and the sandbox account. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBridge, type Bridge } from '../src/app';
import type { BridgeConfig, DeepPartial, OneBotHttpPostTarget } from '../src/config';
import { createOneBotHttpPost } from '../adapters/onebot-http-post';
import { ALICE, captureLogger, LOBBY, oneBotHttp, play, SELF, until, within, type AnyFrame } from './helpers';

type Json = AnyFrame;
interface Received { path: string; headers: http.IncomingHttpHeaders; raw: string; body: Json }
/** What a receiver answers an event: a status and body, or `hang` (never answers). */
type Answer = { status: number; body?: string } | 'hang';

/** A webhook receiver standing in for a bot: records every POST, answers as `answer` says. */
class Receiver {
  readonly got: Received[] = [];
  answer: (body: Json) => Answer = () => ({ status: 204 });
  private readonly server: http.Server;
  private readonly up: Promise<number>;
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const r: Received = { path: new URL(req.url ?? '/', 'http://x').pathname, headers: req.headers, raw, body: JSON.parse(raw) };
        this.got.push(r);
        this.waiters = this.waiters.filter((w) => !(w.pred(r) && (w.resolve(r), true)));
        const a = this.answer(r.body);
        if (a === 'hang') return;
        res.writeHead(a.status, a.body ? { 'Content-Type': 'application/json' } : {});
        res.end(a.body);
      });
    });
    this.up = new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)));
  }
  async url(path = '/onebot'): Promise<string> {
    return `http://127.0.0.1:${await within(this.up, 'the receiver to listen')}${path}`;
  }
  /** The first POST (already received or to come) whose body matches (and that came to `path`, when given). */
  next(pred: (body: Json) => boolean, what = 'a matching POST', path?: string): Promise<Received> {
    const match = (r: Received) => pred(r.body) && (path === undefined || r.path === path);
    const seen = this.got.find(match);
    if (seen) return Promise.resolve(seen);
    return within(new Promise<Received>((resolve) => this.waiters.push({ pred: match, resolve })), what);
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const hmac = (secret: string, raw: string) => `sha1=${crypto.createHmac('sha1', secret).update(raw).digest('hex')}`;
const isMessage = (text: string) => (b: Json) => b.post_type === 'message' && JSON.stringify(b.message).includes(text);
const isLifecycle = (sub: string) => (b: Json) => b.post_type === 'meta_event' && b.meta_event_type === 'lifecycle' && b.sub_type === sub;

async function bridgeWith(httpPost: OneBotHttpPostTarget[], onebot: DeepPartial<BridgeConfig['onebot']> = {}, opts: Parameters<typeof startBridge>[1] = {}): Promise<Bridge> {
  return startBridge({ onebot: { port: 0, heartbeat: { enable: false, interval: 15000 }, ...onebot, httpPost }, mirai: { adapters: [] }, logLevel: 'silent' }, opts);
}

describe('OneBot HTTP POST: delivery and signature', () => {
  const signed = new Receiver();
  const plain = new Receiver();
  let bridge: Bridge;
  after(async () => {
    await bridge?.stop();
    await Promise.all([signed.close(), plain.close()]);
  });

  test('each event is POSTed as JSON to every url with X-Self-ID, signed with HMAC-SHA1 of the raw body when a secret is set', async () => {
    bridge = await bridgeWith([{ url: await signed.url(), secret: 's3cret' }, { url: await plain.url() }]);
    await play(bridge, 'message', { user_id: ALICE, message: 'hello webhook' });

    const s = await signed.next(isMessage('hello webhook'));
    assert.match(String(s.headers['content-type']), /^application\/json/);
    assert.equal(s.headers['x-self-id'], String(SELF));
    assert.equal(s.headers['x-signature'], hmac('s3cret', s.raw));
    assert.notEqual(s.headers['x-signature'], hmac('other', s.raw));
    assert.equal(s.body.self_id, SELF);
    assert.equal(s.body.message_type, 'private');
    assert.equal(s.body.user_id, ALICE);
    assert.ok(Array.isArray(s.body.message), 'array message format by default');

    const p = await plain.next(isMessage('hello webhook'));
    assert.equal(p.headers['x-self-id'], String(SELF));
    assert.equal(p.headers['x-signature'], undefined, 'no signature without a secret');
    assert.equal(p.raw, s.raw, 'the same body goes to every url');
  });

  test('the first POST is the lifecycle enable event', async () => {
    for (const r of [signed, plain]) {
      assert.ok(isLifecycle('enable')(r.got[0].body), JSON.stringify(r.got[0].body));
      assert.equal(r.got[0].body.self_id, SELF);
      assert.equal(r.got[0].headers['x-self-id'], String(SELF));
    }
  });

  test('stop() POSTs lifecycle disable and ends cleanly', async () => {
    await bridge.stop();
    const bye = await signed.next(isLifecycle('disable'));
    assert.equal(bye.headers['x-signature'], hmac('s3cret', bye.raw));
    await plain.next(isLifecycle('disable'));
  });
});

describe('OneBot HTTP POST: what is reported', () => {
  const r = new Receiver();
  const bridges: Bridge[] = [];
  after(async () => {
    for (const b of bridges) await b.stop();
    await r.close();
  });

  test('the bot’s own messages are reported as message_sent only with reportSelfMessage', async () => {
    const quiet = await bridgeWith([{ url: await r.url('/quiet') }]);
    bridges.push(quiet);
    await play(quiet, 'self_message', { user_id: ALICE, message: 'mine, unreported' });
    await play(quiet, 'message', { user_id: ALICE, message: 'marker after self' });
    await r.next(isMessage('marker after self'));
    // Deliveries to one url are in order: had the self message gone out, it would be here already.
    assert.ok(!r.got.some((x) => x.body.post_type === 'message_sent'));

    const loud = await bridgeWith([{ url: await r.url('/loud') }], { reportSelfMessage: true });
    bridges.push(loud);
    await play(loud, 'self_message', { user_id: ALICE, message: 'mine, reported' });
    const sent = await r.next((b) => b.post_type === 'message_sent' && JSON.stringify(b.message).includes('mine, reported'));
    assert.equal(sent.body.self_id, SELF);
  });

  test('heartbeat meta events are POSTed when the heartbeat is enabled, with the status and interval', async () => {
    const b = await bridgeWith([{ url: await r.url('/beat') }], { heartbeat: { enable: true, interval: 30 } });
    bridges.push(b);
    const beat = await r.next((x) => x.post_type === 'meta_event' && x.meta_event_type === 'heartbeat');
    assert.equal(beat.body.interval, 30);
    assert.equal(beat.body.self_id, SELF);
    assert.equal(beat.body.status.online, true);
  });

  test('messageFormat string posts the message as a CQ string', async () => {
    const b = await bridgeWith([{ url: await r.url('/cq') }], { messageFormat: 'string' });
    bridges.push(b);
    await play(b, 'message', { user_id: ALICE, message: [{ type: 'text', data: { text: 'cq ' } }, { type: 'face', data: { id: '14' } }] });
    const got = await r.next((x) => x.post_type === 'message' && x.message === 'cq [CQ:face,id=14]');
    assert.equal(got.body.raw_message, 'cq [CQ:face,id=14]');
  });
});

describe('OneBot HTTP POST: quick operations', () => {
  const r = new Receiver();
  let bridge: Bridge;
  after(async () => {
    await bridge?.stop();
    await r.close();
  });

  test('a JSON reply to a group message sends the reply (with @sender) in the group; 204 and {} do nothing', async () => {
    r.answer = (b) => {
      if (isMessage('ping')(b)) return { status: 200, body: JSON.stringify({ reply: 'pong' }) };
      if (isMessage('nothing please')(b)) return { status: 200, body: '{}' };
      return { status: 204 };
    };
    bridge = await bridgeWith([{ url: await r.url() }]);
    const api = oneBotHttp(() => bridge);
    const botLines = async () => {
      const { messages } = await api.ok('get_group_msg_history', { group_id: LOBBY, count: 50 });
      return (messages as Json[]).filter((m) => m.user_id === SELF);
    };
    const before = (await botLines()).length;

    await play(bridge, 'message', { group_id: LOBBY, user_id: ALICE, message: 'quiet one' });
    await play(bridge, 'message', { group_id: LOBBY, user_id: ALICE, message: 'nothing please' });
    await play(bridge, 'message', { group_id: LOBBY, user_id: ALICE, message: 'ping' });
    await until(async () => (await botLines()).length > before, 'the quick reply in the group');

    const replies = (await botLines()).slice(before);
    assert.equal(replies.length, 1, 'only the JSON reply produced a message');
    assert.deepEqual(replies[0].message[0], { type: 'at', data: { qq: String(ALICE) } });
    assert.ok(JSON.stringify(replies[0].message).includes('pong'));
  });

  test('a quick reply to a private message answers the friend', async () => {
    r.answer = (b) => (isMessage('private ping')(b) ? { status: 200, body: JSON.stringify({ reply: 'private pong', auto_escape: true }) } : { status: 204 });
    await play(bridge, 'message', { user_id: ALICE, message: 'private ping' });
    const api = oneBotHttp(() => bridge);
    await until(async () => {
      const { messages } = await api.ok('get_friend_msg_history', { user_id: ALICE, count: 20 });
      return (messages as Json[]).some((m) => m.user_id === SELF && JSON.stringify(m.message).includes('private pong'));
    }, 'the private quick reply');
  });
});

describe('OneBot HTTP POST: a receiver that hangs', () => {
  const hung = new Receiver();
  const good = new Receiver();
  let bridge: Bridge;
  after(async () => {
    await bridge?.stop();
    await Promise.all([hung.close(), good.close()]);
  });

  test('times out, moves on to the next event, and never holds up the other url or the API', async () => {
    hung.answer = () => 'hang';
    bridge = await bridgeWith([{ url: await hung.url(), timeoutMs: 100 }, { url: await good.url() }]);
    await play(bridge, 'message', { user_id: ALICE, message: 'first' });
    await play(bridge, 'message', { user_id: ALICE, message: 'second' });

    await good.next(isMessage('second'));
    const info = await oneBotHttp(() => bridge).ok('get_login_info');
    assert.equal(info.user_id, SELF);
    // Its counters are on the status page, under the face's name.
    const status = (await (await fetch(`http://127.0.0.1:${bridge.ports.onebot}/bridge/status`)).json()) as { outbound: Record<string, { delivered: number; dropped: number }> };
    assert.equal(status.outbound.onebotHttpPost.dropped, 0);
    assert.ok(status.outbound.onebotHttpPost.delivered >= 1, 'the good url got events');
    // The hung url got `enable`, then each message in turn: every request before it timed out.
    await hung.next(isMessage('second'), 'the hung receiver to be offered the next events');
    assert.deepEqual(
      hung.got.map((x) => x.body.post_type),
      ['meta_event', 'message', 'message'],
    );
  });

  test('its queue is bounded: what does not fit is dropped and counted; stop() aborts the request under way', async () => {
    const { logger, lines } = captureLogger('debug');
    const url = `${await hung.url('/full')}?access_token=querysecret`;
    const config = { ...bridge.config, onebot: { ...bridge.config.onebot, httpPost: [{ url, secret: 'signsecret', maxQueue: 2, timeoutMs: 60_000 }] } };
    const face = createOneBotHttpPost({ core: bridge.core, config, logger });
    await face.start();
    await hung.next(isLifecycle('enable'), 'the face’s enable', '/full');
    for (let i = 0; i < 5; i++) await play(bridge, 'message', { user_id: ALICE, message: `burst ${i}` });
    await until(() => face.stats().dropped === 3, 'three drops');
    assert.equal(face.stats().queued, 2);
    assert.equal(face.stats().inflight, 1);

    await face.stop();
    const after = face.stats();
    assert.deepEqual([after.queued, after.inflight, after.dropped, after.delivered], [0, 0, 3, 0]);
    const log = lines.join('\n');
    assert.match(log, /queue full/);
    assert.doesNotMatch(log, /querysecret|signsecret/, 'no secret in the log');
  });
});

describe('OneBot HTTP POST: failures', () => {
  const r = new Receiver();
  let bridge: Bridge;
  after(async () => {
    await bridge?.stop();
    await r.close();
  });

  test('a non-2xx answer is a failed delivery, logged with the url but without its query or the secret', async () => {
    r.answer = () => ({ status: 500, body: '{"reply":"ignored"}' });
    const { logger, lines } = captureLogger('debug');
    bridge = await bridgeWith([{ url: `${await r.url('/err')}?access_token=querysecret`, secret: 'signsecret' }], {}, { logger });
    await play(bridge, 'message', { group_id: LOBBY, user_id: ALICE, message: 'to a failing receiver' });
    await r.next(isMessage('to a failing receiver'));
    await until(() => lines.filter((l) => l.includes('event delivery failed')).length >= 1, 'the failure logged');
    const log = lines.join('\n');
    assert.match(log, /HTTP 500/);
    assert.match(log, /\/err/);
    assert.doesNotMatch(log, /querysecret|signsecret/);
    const { messages } = await oneBotHttp(() => bridge).ok('get_group_msg_history', { group_id: LOBBY, count: 50 });
    assert.ok(!JSON.stringify(messages).includes('ignored'), 'a failed answer runs no quick operation');
  });
});
