/** Shared set-up for the sandbox message tests: a bridge on port 0, its OneBot HTTP face, its events. */
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../src/app';
import type { OneBotEvent } from '../src/core/types';
import { BridgeError, type ErrorKind } from '../src/errors';

/** The seed world (src/backends/sandbox/world.ts). */
export const SELF = 10000;
export const ALICE = 10001; // friend; admin of LOBBY (card 'Alice (admin)', title 'Veteran'); member of CHATTER
export const BOB = 10002; // friend; member of LOBBY; owner of CHATTER
export const CAROL = 10003; // friend; muted member of CHATTER; owner of QUIET
export const DAVE = 10004; // not a friend; member of LOBBY
export const EVE = 10005; // not a friend; member of QUIET
export const LOBBY = 20001; // the bot is owner
export const CHATTER = 20002; // the bot is admin
export const QUIET = 20003; // the bot is a plain member

export interface Harness {
  bridge: Bridge;
  events: OneBotEvent[];
  /** POST /<action> on the OneBot HTTP face: the envelope. */
  post(action: string, body?: unknown): Promise<{ status: string; retcode: number; data: any; message?: string }>;
  /** POST /<action>, asserting success: `data`. */
  ok(action: string, body?: unknown): Promise<any>;
  /** The action core directly (for error kinds). */
  call(action: string, params?: Record<string, unknown>): Promise<any>;
  /** POST|GET /sandbox/<op>. */
  control(method: 'GET' | 'POST', op: string, params?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function open(): Promise<Harness> {
  const bridge = await startBridge({ onebot: { port: 0 }, mirai: { adapters: [] }, logLevel: 'silent' });
  const events: OneBotEvent[] = [];
  bridge.core.events.on('event', (e: OneBotEvent) => events.push(e));
  const base = `http://127.0.0.1:${bridge.ports.onebot}`;
  const post = async (action: string, body: unknown = {}) => {
    const res = await fetch(`${base}/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return res.json() as Promise<any>;
  };
  return {
    bridge,
    events,
    post,
    async ok(action, body = {}) {
      const env = await post(action, body);
      assert.equal(env.retcode, 0, `${action} ${JSON.stringify(body)} → ${JSON.stringify(env)}`);
      return env.data;
    },
    call: (action, params = {}) => bridge.core.call(action, params) as Promise<any>,
    async control(method, op, params = {}) {
      const qs = method === 'GET' ? `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
      const res = await fetch(`${base}/sandbox/${op}${qs}`, {
        method,
        ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) } : {}),
      });
      return { status: res.status, body: await res.json() };
    },
    stop: () => bridge.stop(),
  };
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

/** Events of one kind that arrived since `from`. */
export const eventsOf = (events: OneBotEvent[], pred: (e: OneBotEvent) => boolean) => events.filter(pred);
export const notices = (events: OneBotEvent[], type: string) => events.filter((e) => e.post_type === 'notice' && e.notice_type === type) as any[];
