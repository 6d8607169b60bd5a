/** Shared set-up for the mirai tests: a bridge on port 0 with a bound HTTP session, and the sandbox's people. */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startBridge, type Bridge } from '../../src/app';
import type { BridgeConfig, DeepPartial } from '../../src/config';
import { postJson } from './http';
import { play } from './onebot';
import { SELF } from './world';
import { standIn } from './stand-in';
import { until } from './wait';

export * from './world';
export const VERIFY_KEY = 'test-verify-key';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** verify + bind over HTTP at `base` (asserting both succeed), as most clients start: the session key. */
export async function httpSession(base: string, verifyKey: string, qq: number | string = SELF): Promise<string> {
  const verified = (await (await postJson(`${base}/verify`, { verifyKey })).json()) as Json;
  assert.equal(verified.code, 0, `verify → ${JSON.stringify(verified)}`);
  const bound = (await (await postJson(`${base}/bind`, { sessionKey: verified.session, qq })).json()) as Json;
  assert.deepEqual(bound, { code: 0, msg: 'success' });
  return verified.session as string;
}

export interface Mirai {
  bridge: Bridge;
  base: string;
  /** A session bound to SELF over HTTP (the SINGLE_SESSION key in single mode). */
  key: string;
  /** GET path?query (sessionKey added unless given), parsed JSON. */
  get(path: string, query?: Record<string, unknown>): Promise<Json>;
  /** POST path with a JSON body (sessionKey added unless given). */
  post(path: string, body?: Record<string, unknown>): Promise<Json>;
  /** A raw request: status, content-type, text. */
  raw(path: string, init?: RequestInit): Promise<{ status: number; type: string | null; text: string; json: Json }>;
  /** POST /sandbox/<op> on the OneBot port (the other people act). */
  sandbox(op: string, body: Record<string, unknown>): Promise<Json>;
  /** Wait (bounded) until the session's unread queue holds at least n events; returns them all (fetched). */
  drain(n: number, key?: string): Promise<Json[]>;
  stop(): Promise<void>;
}

export function qs(query: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  }
  return p.toString();
}

export async function openMirai(over: DeepPartial<BridgeConfig> = {}): Promise<Mirai> {
  const mirai = (over.mirai ?? {}) as DeepPartial<BridgeConfig['mirai']>;
  const bridge = await startBridge({
    ...over,
    onebot: { port: 0, ...(over.onebot ?? {}) },
    mirai: { verifyKey: VERIFY_KEY, ...mirai, adapterSettings: { ...(mirai.adapterSettings ?? {}), http: { port: 0, ...(mirai.adapterSettings?.http ?? {}) } } },
    logLevel: 'silent',
  });
  try {
    const base = `http://127.0.0.1:${bridge.ports.mirai}`;
    const raw = async (path: string, init?: RequestInit) => {
      const res = await fetch(base + path, init);
      const text = await res.text();
      let json: Json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, type: res.headers.get('content-type'), text, json };
    };
    const post = async (path: string, body: Record<string, unknown>) => {
      const r = await raw(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 200, `${path} → HTTP ${r.status}`);
      return r.json;
    };
    const key = bridge.config.mirai.singleMode
      ? ((await post('/verify', { verifyKey: VERIFY_KEY })).session as string)
      : await httpSession(base, VERIFY_KEY);
    const m: Mirai = {
      bridge,
      base,
      key,
      async get(path, query = {}) {
        const r = await raw(`${path}?${qs({ sessionKey: key, ...query })}`);
        assert.equal(r.status, 200, `${path} → HTTP ${r.status}`);
        return r.json;
      },
      post: (path, body = {}) => post(path, { sessionKey: key, ...body }),
      raw,
      sandbox: (op, body) => play(bridge, op, body),
      async drain(n, k = key) {
        // Events reach the queue asynchronously.
        await until(async () => (await m.get('/countMessage', { sessionKey: k })).data >= n, `${n} events in the unread queue`);
        const r = await m.get('/fetchMessage', { sessionKey: k, count: 1000 });
        assert.equal(r.code, 0);
        return r.data;
      },
      stop: () => bridge.stop(),
    };
    return m;
  } catch (e) {
    await bridge.stop();
    throw e;
  }
}

/**
 * Inside a describe: a Mirai opened before its tests and stopped after them. The object stands for
 * the one `before` opens (use it inside tests and hooks, not while the suite is being declared).
 */
export function miraiPerSuite(over: DeepPartial<BridgeConfig> = {}): Mirai {
  let real: Mirai | undefined;
  before(async () => {
    real = await openMirai(over);
  });
  after(() => real?.stop());
  return standIn(() => real, 'the suite’s mirai bridge');
}

/** The fields of a MAH Member object, in order. */
export const MEMBER_KEYS = ['id', 'memberName', 'specialTitle', 'permission', 'joinTimestamp', 'lastSpeakTimestamp', 'muteTimeRemaining', 'group', 'active'];
export const GROUP_KEYS = ['id', 'name', 'permission'];
export const PROFILE_KEYS = ['nickname', 'email', 'age', 'level', 'sign', 'sex'];
