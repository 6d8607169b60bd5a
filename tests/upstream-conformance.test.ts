/**
 * The backend conformance suite, run against the sandbox directly and against the upstream backend
 * whose upstream is a second bridge running the sandbox, reached over forward WS, over HTTP with
 * HTTP-POST events, and over reverse WS.
 */
import { startBridge, type Bridge } from '../src/app';
import type { UpstreamBackend } from '../src/backends/upstream';
import type { BridgeConfig, DeepPartial } from '../src/config';
import { conformanceSuite, type Harness } from './conformance/suite';
import { startHttpPostRelay, startReverseWsRelay } from './conformance/relays';
import { within } from './helpers';

const QUIET: DeepPartial<BridgeConfig> = { logLevel: 'silent', mirai: { adapters: [] } };

/** The bridge that runs the sandbox and plays the real OneBot server. */
const startSandboxBridge = () => startBridge({ ...QUIET, onebot: { port: 0 } });

type Stoppable = { stop(): Promise<void> };

/**
 * Start what a suite needs, in order (`keep` each thing as it starts), and the harness over `tested`
 * and `sandbox`. Its stop, and a failure partway, stop everything kept, the last started first.
 */
async function assemble(build: (keep: <T extends Stoppable>(x: T) => T) => Promise<{ tested: Bridge; sandbox: Bridge }>): Promise<Harness> {
  const started: Stoppable[] = [];
  const stopAll = async () => {
    for (const x of started.reverse()) await x.stop();
  };
  try {
    const { tested, sandbox } = await build((x) => (started.push(x), x));
    return harnessOf(tested, sandbox, stopAll);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

function harnessOf(tested: Bridge, sandbox: Bridge, stop: () => Promise<void>): Harness {
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
    stop,
  };
}

const upstreamBridge = (upstream: DeepPartial<BridgeConfig['upstream']>) =>
  startBridge({
    ...QUIET,
    backend: 'onebot',
    onebot: { enable: false },
    upstream: { timeoutMs: 5000, reconnect: { minMs: 20, maxMs: 500 }, listen: { host: '127.0.0.1', port: 0, path: '/onebot' }, ...upstream },
  });
const ready = (b: Bridge) => within((b.backend as UpstreamBackend).whenReady(), 'the upstream handshake');

conformanceSuite('sandbox', () =>
  assemble(async (keep) => {
    const sandbox = keep(await startSandboxBridge());
    return { tested: sandbox, sandbox };
  }),
);

conformanceSuite('upstream over forward WS', () =>
  assemble(async (keep) => {
    const sandbox = keep(await startSandboxBridge());
    const tested = keep(await upstreamBridge({ url: `ws://127.0.0.1:${sandbox.ports.onebot}/` }));
    await ready(tested);
    return { tested, sandbox };
  }),
);

conformanceSuite('upstream over HTTP + HTTP-POST events', () =>
  assemble(async (keep) => {
    const sandbox = keep(await startSandboxBridge());
    const tested = keep(await upstreamBridge({ url: `http://127.0.0.1:${sandbox.ports.onebot}`, secret: 'post-secret' }));
    await ready(tested);
    keep(
      await startHttpPostRelay({
        eventsUrl: `ws://127.0.0.1:${sandbox.ports.onebot}/event`,
        postUrl: `http://127.0.0.1:${(tested.backend as UpstreamBackend).listenPort}/onebot`,
        selfId: 10000,
        secret: 'post-secret',
      }),
    );
    return { tested, sandbox };
  }),
);

conformanceSuite('upstream over reverse WS', () =>
  assemble(async (keep) => {
    const sandbox = keep(await startSandboxBridge());
    const tested = keep(await upstreamBridge({ transport: 'reverse-ws', accessToken: 'rev-token' }));
    keep(
      await startReverseWsRelay({
        upstreamUrl: `ws://127.0.0.1:${sandbox.ports.onebot}/`,
        reverseUrl: `ws://127.0.0.1:${(tested.backend as UpstreamBackend).listenPort}/onebot`,
        selfId: 10000,
        token: 'rev-token',
      }),
    );
    await ready(tested);
    return { tested, sandbox };
  }),
);
