/** A sandbox bridge for the OneBot tests, and calls on its OneBot HTTP face and its `/sandbox` control surface. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import { startBridge, type Bridge } from '../../src/app';
import type { BridgeConfig, DeepPartial } from '../../src/config';
import type { OneBotEvent } from '../../src/core/types';
import { BridgeError, type ErrorKind } from '../../src/errors';
import { standIn } from './stand-in';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Envelope { status: string; retcode: number; data: Json; message?: string; wording?: string; echo?: unknown }

export interface OneBotHttp {
  /** POST /<action> (HTTP 200 asserted): the envelope. */
  post(action: string, body?: unknown): Promise<Envelope>;
  /** POST /<action>, asserting success (status ok, retcode 0): `data`. */
  ok(action: string, body?: unknown): Promise<Json>;
  /** POST /<action>, asserting a failure with `retcode`: the envelope. */
  fails(action: string, body: unknown, retcode: number): Promise<Envelope>;
  /** POST /<action>: only the retcode. */
  retcode(action: string, body?: unknown): Promise<number>;
  /** The action core directly (BridgeErrors, not envelopes). */
  call(action: string, params?: Record<string, unknown>): Promise<Json>;
  /** The action core fails with a BridgeError of `kind` (and a message matching `message`). */
  failsWith(action: string, params: Record<string, unknown>, kind: ErrorKind, message?: RegExp): Promise<void>;
  /** POST /sandbox/<op> (the other people act), asserting HTTP 200: the answer. */
  play(op: string, body?: unknown): Promise<Json>;
  /** POST /sandbox/<op>, asserting it is refused with `status` and an `error` string. */
  refused(op: string, body: unknown, status?: number): Promise<void>;
  /** GET /sandbox/<op>?params or POST /sandbox/<op> with params as the body: status and answer, unchecked. */
  control(method: 'GET' | 'POST', op: string, params?: Record<string, unknown>): Promise<{ status: number; body: Json }>;
}

/** Assert that a promise fails with a BridgeError of `kind`. */
export async function rejectsWith(p: Promise<unknown>, kind: ErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BridgeError, `expected a BridgeError, got ${String(e)}`);
    assert.equal(e.kind, kind, `expected ${kind}, got ${e.kind}: ${e.message}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** The bridge's OneBot access token as a header (the control surface is guarded by it), or none. */
export const tokenHeader = (bridge: Bridge): Record<string, string> =>
  bridge.config.onebot.accessToken ? { Authorization: `Bearer ${bridge.config.onebot.accessToken}` } : {};

const postSandbox = (bridge: Bridge, op: string, body: unknown) =>
  fetch(`http://127.0.0.1:${bridge.ports.onebot}/sandbox/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...tokenHeader(bridge) }, body: JSON.stringify(body) });

/** POST /sandbox/<op> on `bridge`'s OneBot port (the other people act), asserting HTTP 200: the answer. */
export async function play(bridge: Bridge, op: string, body: unknown = {}): Promise<Json> {
  const res = await postSandbox(bridge, op, body);
  const text = await res.text();
  assert.equal(res.status, 200, `sandbox ${op} ${JSON.stringify(body)} → ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Calls on the bridge `bridge()` returns at the time of the call (tests that make a bridge per test). */
export function oneBotHttp(bridge: () => Bridge): OneBotHttp {
  const url = (path: string) => `http://127.0.0.1:${bridge().ports.onebot}${path}`;
  const post = async (action: string, body: unknown = {}): Promise<Envelope> => {
    const res = await fetch(url(`/${action}`), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, `${action}: HTTP ${res.status}`);
    return (await res.json()) as Envelope;
  };
  return {
    post,
    async ok(action, body = {}) {
      const env = await post(action, body);
      assert.equal(env.status, 'ok', `${action} ${JSON.stringify(body)} → ${JSON.stringify(env)}`);
      assert.equal(env.retcode, 0, `${action} ${JSON.stringify(body)} → ${JSON.stringify(env)}`);
      return env.data;
    },
    async fails(action, body, retcode) {
      const env = await post(action, body);
      assert.equal(env.status, 'failed', `${action} ${JSON.stringify(body)} should fail`);
      assert.equal(env.retcode, retcode, `${action} ${JSON.stringify(body)} → ${JSON.stringify(env)}`);
      return env;
    },
    retcode: async (action, body = {}) => (await post(action, body)).retcode,
    call: (action, params = {}) => bridge().core.call(action, params) as Promise<Json>,
    failsWith: (action, params, kind, message) => rejectsWith(bridge().core.call(action, params), kind, message),
    play: (op, body = {}) => play(bridge(), op, body),
    async refused(op, body, status = 400) {
      const res = await postSandbox(bridge(), op, body);
      const json = (await res.json()) as { error: unknown };
      assert.equal(res.status, status, `sandbox ${op} ${JSON.stringify(body)} should answer ${status}, got ${res.status} ${JSON.stringify(json)}`);
      assert.equal(typeof json.error, 'string');
    },
    async control(method, op, params = {}) {
      const query = method === 'GET' ? `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
      const res = await fetch(url(`/sandbox/${op}${query}`), {
        method,
        headers: { ...tokenHeader(bridge()), ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body: JSON.stringify(params) } : {}),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

export interface Sandbox extends OneBotHttp {
  bridge: Bridge;
  /** Every event the core emitted since the bridge started. */
  events: OneBotEvent[];
  stop(): Promise<void>;
}

/** A sandbox bridge with only the OneBot face (port 0), recording its events. */
export async function openSandbox(over: DeepPartial<BridgeConfig> = {}): Promise<Sandbox> {
  const bridge = await startBridge({ mirai: { adapters: [] }, ...over, onebot: { port: 0, ...(over.onebot ?? {}) }, logLevel: 'silent' });
  const events: OneBotEvent[] = [];
  bridge.core.events.on('event', (e: OneBotEvent) => events.push(e));
  return { ...oneBotHttp(() => bridge), bridge, events, stop: () => bridge.stop() };
}

/**
 * At the top of a file or inside a describe: a fresh sandbox for each test, stopped after it. The
 * object stands for the current test's sandbox (use it inside tests, not while declaring them).
 */
export function sandboxPerTest(over: DeepPartial<BridgeConfig> = {}): Sandbox {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    current = await openSandbox(over);
  });
  afterEach(() => current?.stop());
  return standIn(() => current, 'the test’s sandbox');
}

/** Notices of one type (and sub type) among `events`. */
export const notices = (events: OneBotEvent[], type: string, sub?: string) =>
  events.filter((e) => e.post_type === 'notice' && e.notice_type === type && (sub === undefined || e.sub_type === sub)) as Json[];
