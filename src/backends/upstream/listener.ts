/**
 * Where upstreams reach us: one HTTP server on `upstream.listen` that takes HTTP-POST events
 * (X-Signature checked when a secret is set; answered 204) and reverse-WS connections
 * (Bearer or Token auth, or `?access_token=`; `X-Self-ID` picks the account).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../log';
import { parseRole, type ClientRole } from './reverse-ws';
import type WebSocket from 'ws';

export interface ListenerTarget {
  accessToken?: string;
  secret?: string;
  deliver?(event: Record<string, unknown>): void;
  attach?(ws: WebSocket, role: ClientRole, peer: string): void;
}

export interface ListenerOptions {
  host: string;
  port: number;
  path: string;
  maxBodyBytes: number;
  logger: Logger;
  /** The account a request belongs to (by transport kind and `X-Self-ID`), if any. */
  route(kind: 'http' | 'reverse-ws', selfId: number | undefined): ListenerTarget | undefined;
}

export interface Listener {
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly port: number | undefined;
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export function signBody(secret: string, body: Buffer | string): string {
  return `sha1=${crypto.createHmac('sha1', secret).update(body).digest('hex')}`;
}

/** The token a client presented: `Authorization: Bearer|Token <t>` or `?access_token=`. */
export function presentedToken(req: http.IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^(?:Bearer|Token)\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1] : (url.searchParams.get('access_token') ?? undefined);
}

const selfIdOf = (req: http.IncomingMessage) => {
  const v = Number(req.headers['x-self-id']);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
};

export function createListener(opts: ListenerOptions): Listener {
  const log = opts.logger;
  const base = opts.path.replace(/\/+$/, '');
  const ours = (pathname: string) => !base || pathname === base || pathname.startsWith(`${base}/`);
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
  let server: http.Server | undefined;
  let port: number | undefined;

  const reply = (res: http.ServerResponse, status: number, message?: string) => {
    if (message) res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message }));
    else res.writeHead(status).end();
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!ours(url.pathname)) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'POST events here');
    const target = opts.route('http', selfIdOf(req));
    if (!target?.deliver) return reply(res, 404, 'no HTTP upstream account for this X-Self-ID');
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > opts.maxBodyBytes) {
        tooBig = true;
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooBig) return;
      const body = Buffer.concat(chunks);
      if (target.secret) {
        const sig = req.headers['x-signature'];
        if (typeof sig !== 'string' || !equal(sig.toLowerCase(), signBody(target.secret, body))) {
          log.warn('rejected an HTTP-POST event with a missing or wrong X-Signature', { from: req.socket.remoteAddress });
          return reply(res, 403, 'signature mismatch');
        }
      }
      let event: unknown;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, 'body is not JSON');
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return reply(res, 400, 'body is not a JSON object');
      target.deliver?.(event as Record<string, unknown>);
      // No quick operation: the bridge answers events through its own faces.
      reply(res, 204);
    });
    req.on('close', () => {
      if (tooBig && !res.headersSent) reply(res, 413, 'body too large');
    });
  };

  const onUpgrade = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, text: string) => socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!ours(url.pathname)) return refuse(404, 'Not Found');
    const target = opts.route('reverse-ws', selfIdOf(req));
    if (!target?.attach) return refuse(404, 'Not Found');
    if (target.accessToken) {
      const token = presentedToken(req, url);
      if (token === undefined) return refuse(401, 'Unauthorized');
      if (!equal(token, target.accessToken)) {
        log.warn('rejected a reverse WS connection with a wrong access token', { from: req.socket.remoteAddress });
        return refuse(403, 'Forbidden');
      }
    }
    const peer = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    wss.handleUpgrade(req, socket, head, (ws) => target.attach?.(ws, parseRole(req.headers['x-client-role']), peer));
  };

  return {
    get port() {
      return port;
    },
    start() {
      const s = http.createServer(onRequest);
      s.on('upgrade', onUpgrade);
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(opts.port, opts.host, () => {
          s.off('error', reject);
          port = (s.address() as AddressInfo).port;
          log.info(`listening for upstream HTTP-POST events and reverse WS on http://${opts.host}:${port}${base || '/'}`);
          resolve(port);
        });
      });
    },
    async stop() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
