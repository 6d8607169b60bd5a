/**
 * Test-side stand-ins for the outbound OneBot transports the sandbox bridge's OneBot face does not
 * have (it serves HTTP and forward WS only): an HTTP-POST event pusher and a reverse-WS dialer. Both
 * read the sandbox bridge's real forward-WS face, so what reaches the bridge under test is that face's
 * wire output, unchanged.
 */
import WebSocket from 'ws';
import { signBody } from '../../src/backends/upstream/listener';

export interface Relay {
  stop(): Promise<void>;
}

const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
const closeWs = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.terminate();
  });

/** Every event frame of `eventsUrl` (a forward-WS `/event` endpoint) is POSTed, signed, to `postUrl`, in order. */
export async function startHttpPostRelay(opts: { eventsUrl: string; postUrl: string; selfId: number; secret?: string }): Promise<Relay> {
  const ws = new WebSocket(opts.eventsUrl);
  let chain = Promise.resolve();
  ws.on('message', (raw) => {
    const body = raw.toString();
    chain = chain.then(async () => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Self-ID': String(opts.selfId) };
      if (opts.secret) headers['X-Signature'] = signBody(opts.secret, body);
      await fetch(opts.postUrl, { method: 'POST', headers, body }).then((r) => r.arrayBuffer()).catch(() => undefined);
    });
  });
  await opened(ws);
  return {
    async stop() {
      await closeWs(ws);
      await chain;
    },
  };
}

/** Dial `reverseUrl` like an upstream in reverse-WS mode and pipe it to the forward-WS `upstreamUrl`, both ways. */
export async function startReverseWsRelay(opts: { upstreamUrl: string; reverseUrl: string; selfId: number; token?: string }): Promise<Relay> {
  const up = new WebSocket(opts.upstreamUrl);
  const early: string[] = [];
  let down: WebSocket | undefined;
  up.on('message', (raw) => (down?.readyState === WebSocket.OPEN ? down.send(raw.toString()) : early.push(raw.toString())));
  await opened(up);
  const headers: Record<string, string> = { 'X-Self-ID': String(opts.selfId), 'X-Client-Role': 'Universal' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const dialled = new WebSocket(opts.reverseUrl, { headers });
  dialled.on('message', (raw) => up.send(raw.toString()));
  await opened(dialled);
  for (const f of early.splice(0)) dialled.send(f);
  down = dialled;
  return {
    async stop() {
      await closeWs(dialled);
      await closeWs(up);
    },
  };
}
