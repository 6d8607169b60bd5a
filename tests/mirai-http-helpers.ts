/** Shared set-up for the mirai HTTP tests: a bridge on port 0 with a bound HTTP session, and the sandbox's people. */
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../src/app';
import type { BridgeConfig, DeepPartial } from '../src/config';

/** The seed world (src/backends/sandbox/world.ts). */
export const SELF = 10000;
export const ALICE = 10001; // friend (remark 'alice'); admin of LOBBY; member of CHATTER and QUIET (admin)
export const BOB = 10002; // friend; member of LOBBY; owner of CHATTER
export const CAROL = 10003; // friend; muted member of CHATTER; owner of QUIET
export const DAVE = 10004; // not a friend; member of LOBBY (card 'Dave')
export const EVE = 10005; // not a friend; member of QUIET
export const LOBBY = 20001; // the bot is owner
export const CHATTER = 20002; // the bot is admin
export const QUIET = 20003; // the bot is a plain member
export const VERIFY_KEY = 'test-verify-key';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Mirai {
  bridge: Bridge;
  base: string;
  /** A session bound to SELF over HTTP. */
  key: string;
  /** GET path?query (sessionKey added unless given), parsed JSON. */
  get(path: string, query?: Record<string, unknown>): Promise<Json>;
  /** POST path with a JSON body (sessionKey added unless given). */
  post(path: string, body?: Record<string, unknown>): Promise<Json>;
  /** A raw request: status, content-type, text. */
  raw(path: string, init?: RequestInit): Promise<{ status: number; type: string | null; text: string; json: Json }>;
  /** POST /sandbox/<op> on the OneBot port (the other people act). */
  sandbox(op: string, body: Record<string, unknown>): Promise<Json>;
  /** Wait until the session's unread queue holds at least n events; returns them all (fetched). */
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
  const postJson = async (path: string, body: Record<string, unknown>) => {
    const r = await raw(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 200, `${path} → HTTP ${r.status}`);
    return r.json;
  };
  const verified = await postJson('/verify', { verifyKey: VERIFY_KEY });
  const key = verified.session as string;
  if (!bridge.config.mirai.singleMode) assert.deepEqual(await postJson('/bind', { sessionKey: key, qq: SELF }), { code: 0, msg: 'success' });
  const m: Mirai = {
    bridge,
    base,
    key,
    async get(path, query = {}) {
      const r = await raw(`${path}?${qs({ sessionKey: key, ...query })}`);
      assert.equal(r.status, 200, `${path} → HTTP ${r.status}`);
      return r.json;
    },
    post: (path, body = {}) => postJson(path, { sessionKey: key, ...body }),
    raw,
    async sandbox(op, body) {
      const res = await fetch(`http://127.0.0.1:${bridge.ports.onebot}/sandbox/${op}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const json = await res.json();
      assert.equal(res.status, 200, `sandbox ${op} → ${JSON.stringify(json)}`);
      return json;
    },
    async drain(n, k = key) {
      // Events reach the queue asynchronously: poll (bounded) until they are there.
      for (let i = 0; i < 200; i++) {
        const c = await m.get('/countMessage', { sessionKey: k });
        if (c.data >= n) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = await m.get('/fetchMessage', { sessionKey: k, count: 1000 });
      assert.equal(r.code, 0);
      return r.data;
    },
    stop: () => bridge.stop(),
  };
  return m;
}

/** The fields of a MAH Member object, in order. */
export const MEMBER_KEYS = ['id', 'memberName', 'specialTitle', 'permission', 'joinTimestamp', 'lastSpeakTimestamp', 'muteTimeRemaining', 'group', 'active'];
export const GROUP_KEYS = ['id', 'name', 'permission'];
export const PROFILE_KEYS = ['nickname', 'email', 'age', 'level', 'sign', 'sex'];
