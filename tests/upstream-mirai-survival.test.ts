/**
 * A mirai bot on a bridge in upstream mode keeps its session across an upstream restart and is told:
 * BotOfflineEventDropped when the link drops, BotReloginEvent / BotOnlineEvent when it is back.
 * OneBot clients of the same bridge see bot_offline and a lifecycle connect. The capability table
 * is visible at GET /bridge/status.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import type { UpstreamBackend } from '../src/backends/upstream';
import { FrameClient, within } from './helpers';

const quietSandbox = (port: number) => startBridge({ logLevel: 'silent', mirai: { adapters: [] }, onebot: { port } });

const open: { stop(): Promise<void> }[] = [];
after(async () => { for (const x of open.reverse()) await x.stop(); });

test('mirai and OneBot clients survive an upstream restart and are told about it', async () => {
  let sandbox: Bridge = await quietSandbox(0);
  open.push({ stop: () => sandbox.stop() }); // whichever sandbox runs at the end (stop is idempotent)
  const port = sandbox.ports.onebot!;
  const hop = await startBridge({
    logLevel: 'silent',
    backend: 'onebot',
    upstream: { url: `ws://127.0.0.1:${port}/`, timeoutMs: 3000, reconnect: { minMs: 20, maxMs: 200 }, listen: { host: '127.0.0.1', port: 0, path: '/onebot' } },
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } },
    mirai: { verifyKey: 'k', adapterSettings: { http: { port: 0 } } },
  });
  open.push(hop);
  await within((hop.backend as UpstreamBackend).whenReady(), 'the upstream handshake');

  const mirai = await FrameClient.open(`ws://127.0.0.1:${hop.ports.mirai}/all?verifyKey=k&qq=10000`);
  open.push({ stop: async () => mirai.terminate() });
  const hello = await mirai.handshake();
  assert.equal(hello.data?.code, 0);
  const onebot = new WebSocket(`ws://127.0.0.1:${hop.ports.onebot}/event`);
  const obFrames: Record<string, unknown>[] = [];
  onebot.on('message', (d) => obFrames.push(JSON.parse(String(d))));
  open.push({ stop: async () => onebot.terminate() });
  await within(new Promise((r) => onebot.once('open', r)), 'the OneBot socket to open');

  // The capability table of the upstream is visible.
  const status = (await (await fetch(`http://127.0.0.1:${hop.ports.onebot}/bridge/status`)).json()) as { backend: string; bots: number[]; upstream: { dialect?: string; actions?: unknown }[] };
  assert.equal(status.backend, 'onebot');
  assert.deepEqual(status.bots, [10000]);
  assert.ok(Array.isArray(status.upstream) && status.upstream.length === 1);

  const mark = mirai.frames.length;
  await sandbox.stop();
  const dropped = await mirai.next((f) => f.data?.type === 'BotOfflineEventDropped', mark);
  assert.equal(dropped.syncId, '-1');
  assert.equal(dropped.data?.qq, 10000);

  sandbox = await quietSandbox(port);
  await mirai.next((f) => f.data?.type === 'BotReloginEvent' || f.data?.type === 'BotOnlineEvent', mark);

  // The same session still works: send through the restarted upstream and read it there.
  const sent = await mirai.command('s1', 'sendGroupMessage', { target: 20001, messageChain: [{ type: 'Plain', text: 'after the restart' }] });
  assert.equal(sent.data?.code, 0);
  const conv = (await (await fetch(`http://127.0.0.1:${port}/sandbox/messages?group_id=20001`)).json()) as { raw_message: string }[];
  assert.ok(conv.some((m) => m.raw_message === 'after the restart'));

  // OneBot clients of the hop were told too.
  const offline = obFrames.findIndex((f) => f.notice_type === 'bot_offline');
  assert.ok(offline > 0, 'bot_offline pushed');
  assert.ok(obFrames.slice(offline).some((f) => f.notice_type === 'bot_online'), 'bot_online pushed after it');
  assert.ok(obFrames.slice(offline).some((f) => f.meta_event_type === 'lifecycle' && f.sub_type === 'connect'), 'lifecycle connect after it');
});
