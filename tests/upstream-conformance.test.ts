/**
 * The backend conformance suite, run against the sandbox directly and against the upstream backend
 * whose upstream is a second bridge running the sandbox, reached over forward WS, over HTTP with
 * HTTP-POST events, and over reverse WS.
 */
import { startBridge, type Bridge } from '../src/app';
import type { UpstreamBackend } from '../src/backends/upstream';
import type { BridgeConfig, DeepPartial } from '../src/config';
import { conformanceSuite, type Harness } from './conformance/suite';
import { startHttpPostRelay, startReverseWsRelay, type Relay } from './conformance/relays';

const QUIET: DeepPartial<BridgeConfig> = { logLevel: 'silent', mirai: { adapters: [] } };

/** The bridge that runs the sandbox and plays the real OneBot server. */
const startSandboxBridge = () => startBridge({ ...QUIET, onebot: { port: 0 } });

function harnessOf(tested: Bridge, sandbox: Bridge, extra: (Relay | Bridge)[] = []): Harness {
  return {
    call: (action, params = {}) => tested.core.call(action, params),
    async control(op, params = {}) {
      // The control surface over its real HTTP route when there is one; the in-process call otherwise.
      const res = await fetch(`http://127.0.0.1:${sandbox.ports.onebot}/sandbox/${op}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(params),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`sandbox control ${op}: ${JSON.stringify(body)}`);
      return body;
    },
    events: tested.core.events,
    bots: () => tested.backend.bots(),
    async stop() {
      for (const x of [tested, ...extra]) await x.stop();
      if (sandbox !== tested) await sandbox.stop();
    },
  };
}

const upstreamBridge = async (upstream: DeepPartial<BridgeConfig['upstream']>) => {
  const b = await startBridge({
    ...QUIET,
    backend: 'onebot',
    onebot: { enable: false },
    upstream: { timeoutMs: 5000, reconnect: { minMs: 20, maxMs: 500 }, listen: { host: '127.0.0.1', port: 0, path: '/onebot' }, ...upstream },
  });
  return b;
};

conformanceSuite('sandbox', async () => {
  const sandbox = await startSandboxBridge();
  return harnessOf(sandbox, sandbox);
});

conformanceSuite('upstream over forward WS', async () => {
  const sandbox = await startSandboxBridge();
  const tested = await upstreamBridge({ url: `ws://127.0.0.1:${sandbox.ports.onebot}/` });
  await (tested.backend as UpstreamBackend).whenReady();
  return harnessOf(tested, sandbox);
});

conformanceSuite('upstream over HTTP + HTTP-POST events', async () => {
  const sandbox = await startSandboxBridge();
  const tested = await upstreamBridge({ url: `http://127.0.0.1:${sandbox.ports.onebot}`, secret: 'post-secret' });
  const backend = tested.backend as UpstreamBackend;
  await backend.whenReady();
  const relay = await startHttpPostRelay({
    eventsUrl: `ws://127.0.0.1:${sandbox.ports.onebot}/event`,
    postUrl: `http://127.0.0.1:${backend.listenPort}/onebot`,
    selfId: 10000,
    secret: 'post-secret',
  });
  return harnessOf(tested, sandbox, [relay]);
});

conformanceSuite('upstream over reverse WS', async () => {
  const sandbox = await startSandboxBridge();
  const tested = await upstreamBridge({ transport: 'reverse-ws', accessToken: 'rev-token' });
  const backend = tested.backend as UpstreamBackend;
  const relay = await startReverseWsRelay({
    upstreamUrl: `ws://127.0.0.1:${sandbox.ports.onebot}/`,
    reverseUrl: `ws://127.0.0.1:${backend.listenPort}/onebot`,
    selfId: 10000,
    token: 'rev-token',
  });
  await backend.whenReady();
  return harnessOf(tested, sandbox, [relay]);
});
