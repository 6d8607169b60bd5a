/** The mirai webhook face against an HTTP server of the test: what is POSTed, reply commands, bounds, timeouts. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBridge, type Bridge } from '../src/app';
import { createLogger } from '../src/log';
import { createMiraiWebhook, webhookUrl } from '../adapters/mirai-webhook';
import { play as playOp, until } from './helpers';

const BOT = 10000;
const GROUP = 20001;

interface Hit { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }

/** The bot's HTTP server: records every POST and answers with `reply(hit)`. */
async function hookServer(reply: (hit: Hit) => string | undefined) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const hit = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      hits.push(hit);
      const text = reply(hit);
      if (text === undefined) return; // never answer
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    hits,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const text = (hit: Hit) => JSON.stringify(hit.body.messageChain ?? '');

let hook: Awaited<ReturnType<typeof hookServer>>;
let bridge: Bridge;
let onebot: string;

before(async () => {
  hook = await hookServer((hit) => {
    if (text(hit).includes('please delete')) return JSON.stringify({ command: 'file_delete', content: { target: GROUP, id: '/file-guide' } });
    if (text(hit).includes('ping')) return JSON.stringify({ command: 'sendGroupMessage', content: { target: GROUP, messageChain: [{ type: 'Plain', text: 'pong' }] } });
    return JSON.stringify({ command: '', data: {} }); // what Ariadne answers
  });
  bridge = await startBridge({
    onebot: { port: 0 },
    logLevel: 'silent',
    mirai: {
      adapters: ['http', 'webhook'],
      verifyKey: 'hook-key',
      adapterSettings: {
        http: { port: 0 },
        // No scheme: http:// is assumed, as MAH does.
        webhook: { destinations: [`127.0.0.1:${hook.port}/hook`], extraHeaders: { Authorization: 'Bearer hook-token' } },
      },
    },
  });
  onebot = `http://127.0.0.1:${bridge.ports.onebot}`;
});
after(async () => {
  await bridge?.stop();
  await hook?.close();
});

const play = (body: Record<string, unknown>) => playOp(bridge, 'message', body);

test('every event is POSTed as the bare event object with the bot headers', async () => {
  await play({ user_id: 10001, group_id: GROUP, message: 'hello hook' });
  await until(() => hook.hits.some((h) => text(h).includes('hello hook')), 'the event to arrive');
  const hit = hook.hits.find((h) => text(h).includes('hello hook'))!;
  assert.equal(hit.headers['content-type'], 'application/json; charset=UTF-8');
  for (const h of ['qq', 'x-qq', 'bot', 'x-bot']) assert.equal(hit.headers[h], String(BOT), h);
  assert.equal(hit.headers.authorization, 'Bearer hook-token');
  assert.equal(hit.body.type, 'GroupMessage');
  assert.equal('syncId' in hit.body, false);
  assert.equal((hit.body.sender as { id: number }).id, 10001);
});

test('a reply command runs for the bot; commands a webhook may not run are ignored', async () => {
  const files = () => bridge.sandbox!.world.groups.get(GROUP)!.files.map((f) => f.file_id);
  assert.ok(files().includes('/file-guide'));
  await play({ user_id: 10001, group_id: GROUP, message: 'please delete the guide' });
  await play({ user_id: 10001, group_id: GROUP, message: 'ping' });
  // Deliveries to one destination are sequential: once pong is visible, the earlier reply was handled.
  await until(async () => {
    const res = await fetch(`${onebot}/sandbox/messages?group_id=${GROUP}`);
    const msgs = (await res.json()) as { user_id: number; message: { type: string; data: { text?: string } }[] }[];
    return msgs.some((m) => m.user_id === BOT && m.message.some((s) => s.data.text === 'pong'));
  }, 'the pong to be sent');
  assert.ok(files().includes('/file-guide'), 'file_delete is not executable from a webhook reply');
});

test('a destination that does not answer times out, and a full queue drops and counts', async (t) => {
  const silentHook = await hookServer(() => undefined);
  const config = structuredClone(bridge.config);
  config.mirai.adapterSettings.webhook = {
    destinations: [`http://127.0.0.1:${silentHook.port}/`],
    extraHeaders: {},
    timeout: { requestTimeoutMillis: 50, connectTimeoutMillis: 1000, socketTimeoutMillis: 1000 },
    maxQueue: 2,
  };
  const face = createMiraiWebhook({ mirai: bridge.mirai!, config, logger: createLogger('error', true) });
  t.after(async () => {
    await face.stop();
    await silentHook.close();
  });
  await face.start();
  const ev = { type: 'FriendMessage', sender: { id: 1, nickname: '', remark: '' }, messageChain: [] };
  for (let i = 0; i < 10; i++) bridge.mirai!.events.emit('event', BOT, ev);
  // One in flight, two queued, seven dropped.
  assert.deepEqual(face.stats(), { queued: 2, dropped: 7, failed: 0 });
  await until(() => face.stats().failed >= 1, 'the request timeout');
  await face.stop();
  await silentHook.close();
});

test('destinations without a scheme default to http', () => {
  assert.equal(webhookUrl('localhost:9999/path').href, 'http://localhost:9999/path');
  assert.equal(webhookUrl('https://example.org/h').href, 'https://example.org/h');
});
