/**
 * The mirai WS face on a port of its own when setting.yml's `adapterSettings.ws.port` differs from
 * `http.port` (WS keeps working on the HTTP port too); with only the ws adapter on, ws.host/port
 * place the one listener; stop frees every port.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Mirai } from 'mirai-ts';
import { miraiListeners, startBridge, type Bridge } from '../src/app';
import { resolveConfig, type BridgeConfig, type DeepPartial } from '../src/config';
import { parseConfigText, validateConfig } from '../src/config-file';
import { captureLogger, FrameClient, play as playOp, until } from './helpers';

const BOT = 10000;
const GROUP = 20001;
const KEY = 'ws-port-key';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function listenOn(port: number): Promise<http.Server> {
  const server = http.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const close = (server: http.Server) => new Promise<void>((r) => server.close(() => r()));

/**
 * A bridge whose ws.port is a free port other than http's: the port is found with a throwaway
 * listener on port 0, so another process may take it in between; then try again with a fresh one.
 */
async function bridgeWithOwnWsPort(over: DeepPartial<BridgeConfig['mirai']> = {}): Promise<Bridge> {
  for (let attempt = 1; ; attempt++) {
    const probe = await listenOn(0);
    const port = (probe.address() as AddressInfo).port;
    await close(probe);
    try {
      return await startBridge({
        onebot: { port: 0 },
        mirai: { verifyKey: KEY, ...over, adapterSettings: { http: { port: 0 }, ws: { port } } },
        logLevel: 'silent',
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 3) throw e;
    }
  }
}

async function connect(port: number, path = '/all'): Promise<FrameClient> {
  const c = await FrameClient.open(`ws://127.0.0.1:${port}${path}?verifyKey=${KEY}&qq=${BOT}`);
  const hello = await c.handshake();
  assert.equal(hello.data!.code, 0, JSON.stringify(hello));
  return c;
}

const uploadImage = (port: number, sessionKey: string) => {
  const form = new FormData();
  form.append('type', 'group');
  form.append('img', new Blob([PNG]), 'a.png');
  return fetch(`http://127.0.0.1:${port}/uploadImage`, { method: 'POST', headers: { sessionKey }, body: form });
};

describe('where the mirai listeners go (setting.yml keys)', () => {
  const at = (mirai: DeepPartial<BridgeConfig['mirai']>, top: DeepPartial<BridgeConfig> = {}) => miraiListeners(resolveConfig({ ...top, mirai }));

  test('ws shares the HTTP listener when ws.port is unset or equal to http.port (a host difference alone is ignored)', () => {
    assert.deepEqual(at({}), { main: { host: '127.0.0.1', port: 8080 } });
    assert.deepEqual(at({ adapterSettings: { http: { port: 8080 }, ws: { host: 'localhost', port: 8080 } } }), { main: { host: '127.0.0.1', port: 8080 } });
    assert.deepEqual(at({ adapterSettings: { http: { port: 0 }, ws: { port: 0 } } }), { main: { host: '127.0.0.1', port: 0 } });
  });

  test('a different ws.port gets a listener of its own, at ws.host or else the HTTP host', () => {
    assert.deepEqual(at({ adapterSettings: { http: { host: '0.0.0.0', port: 8080 }, ws: { port: 8081 } } }), {
      main: { host: '0.0.0.0', port: 8080 },
      ws: { host: '0.0.0.0', port: 8081 },
    });
    assert.deepEqual(at({ adapterSettings: { ws: { host: '::1', port: 8081 } } }, { host: '127.0.0.2' }), {
      main: { host: '127.0.0.2', port: 8080 },
      ws: { host: '::1', port: 8081 },
    });
  });

  test('only ws on: its host and port place the one listener (each defaulting to the HTTP one); only http on: ws settings are unused', () => {
    assert.deepEqual(at({ adapters: ['ws'], adapterSettings: { ws: { port: 8081 } } }), { main: { host: '127.0.0.1', port: 8081 } });
    assert.deepEqual(at({ adapters: ['ws'], adapterSettings: { http: { host: 'localhost', port: 9000 } } }), { main: { host: 'localhost', port: 9000 } });
    assert.deepEqual(at({ adapters: ['http'], adapterSettings: { ws: { port: 8081 } } }), { main: { host: '127.0.0.1', port: 8080 } });
  });

  test("a pasted setting.yml with ws on 8081 and http on 8080 validates and gives ws its own port", () => {
    const raw = parseConfigText(
      'mirai:\n  adapters: [http, ws]\n  adapterSettings:\n    http: { host: localhost, port: 8080 }\n    ws: { host: localhost, port: 8081, reservedSyncId: -1 }\n',
    );
    const config = resolveConfig(validateConfig(raw));
    assert.deepEqual(miraiListeners(config), { main: { host: 'localhost', port: 8080 }, ws: { host: 'localhost', port: 8081 } });
  });
});

describe('ws.port differs from http.port', () => {
  let bridge: Bridge;
  before(async () => {
    bridge = await bridgeWithOwnWsPort();
  });
  after(() => bridge?.stop());

  test('ports.miraiWs is its own bound port', () => {
    assert.equal(typeof bridge.ports.miraiWs, 'number');
    assert.notEqual(bridge.ports.miraiWs, bridge.ports.mirai);
    assert.equal(bridge.ports.miraiWs, bridge.config.mirai.adapterSettings.ws.port);
  });

  test('a WS client handshakes on the ws port, sends a command and receives an event', async () => {
    const c = await connect(bridge.ports.miraiWs!);
    try {
      const about = await c.command('a1', 'about');
      assert.deepEqual(about.data, { code: 0, msg: '', data: { version: '2.10.0' } });
      const sent = await c.command('s1', 'sendGroupMessage', { target: GROUP, messageChain: [{ type: 'Plain', text: 'from the ws port' }] });
      assert.equal(sent.data!.code, 0, JSON.stringify(sent));
      assert.equal(typeof sent.data!.messageId, 'number');
      await playOp(bridge, 'message', { user_id: 10001, group_id: GROUP, message: 'hello ws port' });
      const push = await c.next((f) => f.syncId === '-1' && (f.data as Json).type === 'GroupMessage');
      assert.ok(JSON.stringify(push.data).includes('hello ws port'));
    } finally {
      await c.close();
    }
  });

  test('the HTTP port still serves HTTP, and WS too', async () => {
    const about = (await (await fetch(`http://127.0.0.1:${bridge.ports.mirai}/about`)).json()) as Json;
    assert.deepEqual(about, { code: 0, msg: '', data: { version: '2.10.0' } });
    const c = await connect(bridge.ports.mirai!, '/message');
    await c.close();
  });

  test('the ws port serves the upload routes (as the ws adapter does) and no other HTTP route', async () => {
    const session = bridge.mirai!.sessions.connect({ verifyKey: KEY, qq: BOT });
    assert.equal((await fetch(`http://127.0.0.1:${bridge.ports.miraiWs}/about`)).status, 404);
    const r = await uploadImage(bridge.ports.miraiWs!, session.key);
    assert.equal(r.status, 200);
    assert.match(((await r.json()) as { imageId: string }).imageId, /^\{[0-9A-F-]{36}\}\.png$/);
  });

  test('mirai-ts, given setting.yml with separate http and ws ports, links over HTTP and listens on the ws port', async () => {
    const mirai = new Mirai({
      verifyKey: KEY, adapters: ['http', 'ws'], enableVerify: true, singleMode: false, cacheSize: 4096,
      adapterSettings: { http: { host: '127.0.0.1', port: bridge.ports.mirai }, ws: { host: '127.0.0.1', port: bridge.ports.miraiWs } },
    } as never);
    for (const l of [mirai.logger, mirai.api.logger] as { level: number }[]) l.level = -Infinity;
    try {
      assert.equal((await mirai.link(BOT)).code, 0);
      const got: Json[] = [];
      mirai.on('GroupMessage', (m: Json) => got.push(m));
      mirai.listen();
      // Its socket holds a session of its own (verifyKey + qq): wait for it to open.
      await until(() => (mirai.api.ws as Json).sessionKey !== '', 'mirai-ts to open its ws');
      await playOp(bridge, 'message', { user_id: 10002, group_id: GROUP, message: 'to mirai-ts' });
      await until(() => got.length === 1, 'mirai-ts to receive the group message');
      assert.equal(got[0].sender.group.id, GROUP);
      assert.equal(got[0].plain, 'to mirai-ts');
      assert.ok((mirai.api.ws as Json).address.endsWith(`:${bridge.ports.miraiWs}`));
    } finally {
      (mirai.api.ws as Json).client?.terminate();
    }
  });
});

test('only the ws adapter on: ws.port is where it listens (uploads included), http.port is not bound', async () => {
  // Holding http.port proves the bridge does not try to bind it.
  const blocker = await listenOn(0);
  const httpPort = (blocker.address() as AddressInfo).port;
  let bridge: Bridge | undefined;
  try {
    bridge = await startBridge({
      onebot: { port: 0 },
      mirai: { adapters: ['ws'], verifyKey: KEY, adapterSettings: { http: { port: httpPort }, ws: { port: 0 } } },
      logLevel: 'silent',
    });
    const port = bridge.ports.miraiWs!;
    assert.notEqual(port, httpPort);
    assert.equal(bridge.ports.mirai, port);
    const c = await connect(port);
    assert.equal((await c.command('a', 'about')).data!.code, 0);
    const key = (c.frames[0].data as { session: string }).session;
    assert.equal((await uploadImage(port, key)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/about`)).status, 404);
    await c.close();
  } finally {
    await bridge?.stop();
    await close(blocker);
  }
});

test('stop frees both the HTTP and the ws port', async () => {
  const bridge = await bridgeWithOwnWsPort();
  const { mirai, miraiWs } = bridge.ports;
  const c = await connect(miraiWs!);
  await bridge.stop();
  await c.waitClosed();
  for (const port of [mirai!, miraiWs!]) await close(await listenOn(port));
});

test('a taken ws.port fails the start with EADDRINUSE and leaves no listener open', async () => {
  const blocker = await listenOn(0);
  const taken = (blocker.address() as AddressInfo).port;
  const { logger, lines } = captureLogger('info');
  try {
    await assert.rejects(
      startBridge({ onebot: { port: 0 }, mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 }, ws: { port: taken } } } }, { logger }),
      (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE',
    );
  } finally {
    await close(blocker);
  }
  // The listeners opened before the failure said where they were: those ports are free again.
  const opened = lines.flatMap((l) => [.../listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(l) ?? []].slice(1)).map(Number);
  assert.equal(opened.length, 2, lines.join(''));
  for (const port of opened) await close(await listenOn(port));
});
