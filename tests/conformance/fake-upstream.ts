/**
 * A test peer that speaks OneBot v11 frames over forward WS like a given implementation would,
 * answering from a dialect fixture (tests/fixtures/dialects). It can be killed, restarted, made
 * slow, mute or garbled — what real upstreams do — so the upstream backend's recovery is observable.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { projectRoot } from '../../src/project-root';

export interface DialectFixture {
  version: Record<string, unknown>;
  supported: string[] | null;
  unknown_action: Record<string, unknown>;
  ids: Record<string, unknown>;
  events: Record<string, Record<string, unknown> | null>;
  results: Record<string, unknown>;
}

export const DIALECT_NAMES = ['napcat', 'llonebot', 'lagrange', 'go-cqhttp', 'icqq'] as const;
// Compiled tests run from dist/tests: the fixtures stay in the source tree.
const fixtureDir = () => path.join(projectRoot, 'tests', 'fixtures', 'dialects');

export function loadFixture(name: string): DialectFixture {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir(), `${name}.json`), 'utf8')) as DialectFixture;
}
export function loadExpected(): { events: Record<string, Record<string, unknown>>; results: Record<string, Record<string, unknown>> } {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir(), 'expected.json'), 'utf8'));
}

/** What the peer does with one call: answer data, a whole envelope, nothing, or bytes that are not JSON. */
export type Reply = { data: unknown } | { envelope: Record<string, unknown> } | 'never' | 'garbage' | 'unknown';
export type Handler = (action: string, params: Record<string, unknown>) => Reply | undefined | Promise<Reply | undefined>;

export function replyFromFixture(fx: DialectFixture, selfId: number, action: string): Reply {
  if (action === 'get_login_info') return { data: { user_id: selfId, nickname: 'MahBot' } };
  if (action === 'get_version_info') return { data: fx.version };
  if (action === 'get_supported_actions') return fx.supported ? { data: fx.supported } : 'unknown';
  if (action in fx.results) return { data: fx.results[action] };
  if (fx.supported && !fx.supported.includes(action)) return 'unknown';
  return { data: null };
}

export function envelopeOf(fx: DialectFixture, reply: Exclude<Reply, 'never' | 'garbage'>, echo: unknown): Record<string, unknown> {
  if (reply === 'unknown') return { ...fx.unknown_action, echo };
  if ('envelope' in reply) return { ...reply.envelope, echo };
  return { status: 'ok', retcode: 0, data: reply.data, echo };
}

export interface FakeUpstream {
  readonly url: string;
  readonly port: number;
  readonly calls: { action: string; params: Record<string, unknown> }[];
  readonly connections: number;
  /** Answer calls with this before falling back to the fixture. */
  handler: Handler | undefined;
  /** Heartbeats stop and calls go unanswered (a frozen process), sockets stay open. */
  silent: boolean;
  /** Dial a reverse-WS server like an upstream configured with `ws-reverse` does; resolves with the HTTP status (101 = accepted). */
  dialReverse(url: string, headers: Record<string, string>): Promise<number>;
  /** Push an event frame to every connected socket. */
  push(event: Record<string, unknown>): void;
  /** Hard kill: sockets cut, port closed (connections are refused). */
  kill(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  /** Resolves at the next accepted connection. */
  nextConnection(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeOptions {
  fixture: DialectFixture;
  selfId?: number;
  token?: string;
  /** Heartbeat interval announced (and sent) by the peer; 0 = no heartbeats. */
  heartbeatMs?: number;
  /** Listen on this port (default: any free one). */
  port?: number;
}

export async function startFakeUpstream(opts: FakeOptions): Promise<FakeUpstream> {
  const selfId = opts.selfId ?? 10000;
  const fx = opts.fixture;
  const calls: { action: string; params: Record<string, unknown> }[] = [];
  let connections = 0;
  let waiters: (() => void)[] = [];
  let server: http.Server | undefined;
  let wss: WebSocketServer | undefined;
  let port = opts.port ?? 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<WebSocket>();

  const fixtureReply = (action: string) => replyFromFixture(fx, selfId, action);

  const onFrame = async (ws: WebSocket, text: string) => {
    let frame: { action: string; params?: Record<string, unknown>; echo?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const params = frame.params ?? {};
    if (fake.silent) return;
    calls.push({ action: frame.action, params });
    const reply = (await fake.handler?.(frame.action, params)) ?? fixtureReply(frame.action);
    if (reply === 'never' || ws.readyState !== ws.OPEN) return;
    if (reply === 'garbage') return ws.send('<html>502 Bad Gateway</html>');
    const env = envelopeOf(fx, reply, frame.echo);
    ws.send(JSON.stringify(env));
  };

  /** Speak OneBot on one socket: answer calls, announce the connection, beat. */
  const serve = (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (raw) => void onFrame(ws, raw.toString()));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ _post_method: 2, meta_event_type: 'lifecycle', post_type: 'meta_event', self_id: selfId, sub_type: 'connect', time: Math.floor(Date.now() / 1000) }));
    if (opts.heartbeatMs) {
      const beat = () => {
        if (ws.readyState !== ws.OPEN) return;
        if (!fake.silent) ws.send(JSON.stringify({ post_type: 'meta_event', meta_event_type: 'heartbeat', self_id: selfId, time: Math.floor(Date.now() / 1000), interval: opts.heartbeatMs, status: { online: true, good: true } }));
        const t = setTimeout(beat, opts.heartbeatMs);
        timers.add(t);
      };
      beat();
    }
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = http.createServer((_req, res) => res.writeHead(426).end());
      const w = new WebSocketServer({
        server: s,
        verifyClient: opts.token ? (info: { req: http.IncomingMessage }) => info.req.headers.authorization === `Bearer ${opts.token}` : undefined,
      });
      w.on('connection', (ws) => {
        connections++;
        serve(ws);
        for (const f of waiters) f();
        waiters = [];
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        wss = w;
        resolve();
      });
    });

  const shut = async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    const w = wss;
    const s = server;
    wss = undefined;
    server = undefined;
    for (const c of sockets) c.terminate();
    if (w) w.close();
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  };

  await listen();
  const fake: FakeUpstream = {
    get url() {
      return `ws://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    calls,
    get connections() {
      return connections;
    },
    handler: undefined,
    silent: false,
    push(event) {
      for (const c of sockets) if (c.readyState === c.OPEN) c.send(JSON.stringify(event));
    },
    dialReverse(url, headers) {
      const ws = new WebSocket(url, { headers });
      return new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => resolve(0));
        ws.on('open', () => {
          serve(ws);
          resolve(101);
        });
      });
    },
    kill: shut,
    restart: listen,
    nextConnection: () => new Promise<void>((r) => waiters.push(r)),
    close: shut,
  };
  return fake;
}

export interface FakeHttpUpstream {
  readonly url: string;
  readonly calls: { action: string; params: Record<string, unknown> }[];
  handler: Handler | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The same peer over the HTTP API: `POST /<action>`, Bearer token, 404 for unknown actions. */
export async function startFakeHttpUpstream(opts: { fixture: DialectFixture; selfId?: number; token?: string }): Promise<FakeHttpUpstream> {
  const selfId = opts.selfId ?? 10000;
  const calls: { action: string; params: Record<string, unknown> }[] = [];
  let server: http.Server | undefined;
  let port = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return res.writeHead(403).end('{"message":"token verify failed!"}');
      const action = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]);
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      } catch {
        return res.writeHead(400).end();
      }
      calls.push({ action, params });
      const reply = (await fake.handler?.(action, params)) ?? replyFromFixture(opts.fixture, selfId, action);
      if (reply === 'never') return; // the socket stays open: the client's timeout must end it
      if (reply === 'garbage') return res.writeHead(502).end('<html>Bad Gateway</html>');
      const env = envelopeOf(opts.fixture, reply, undefined);
      res.writeHead(reply === 'unknown' ? 404 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(env));
    });
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      const s = http.createServer(onRequest);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const shut = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  };
  await listen();
  const fake: FakeHttpUpstream = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    calls,
    handler: undefined,
    kill: shut,
    restart: listen,
    close: shut,
  };
  return fake;
}
