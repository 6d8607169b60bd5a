/** Load generators: HTTP through autocannon, WS pipelined commands, fan-out counting. */
import http from 'node:http';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { percentile } from './stats';

export interface LoadResult { rate: number; p50: number; p99: number; errors: number }

export async function httpLoad(url: string, body: unknown, connections: number, seconds: number): Promise<LoadResult> {
  const r = await autocannon({
    url, method: 'POST', connections, duration: seconds, pipelining: 1,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

export function openSockets(url: string, n: number, headers: Record<string, string> = {}): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => resolve(ws));
  })));
}

/** Each socket keeps `depth` frames in flight for `seconds`; latency per frame by syncId. */
export async function wsPipelined(sockets: WebSocket[], makeFrame: (syncId: string) => string, depth: number, seconds: number): Promise<LoadResult> {
  const lat: number[] = [];
  let done = 0;
  let errors = 0;
  let stopping = false;
  const end = Date.now() + seconds * 1000;
  await Promise.all(sockets.map((ws, si) => new Promise<void>((resolve) => {
    const sent = new Map<string, number>();
    let seq = 0;
    const send = () => {
      const id = `${si}-${++seq}`;
      sent.set(id, performance.now());
      ws.send(makeFrame(id));
    };
    ws.on('message', (raw) => {
      const text = String(raw);
      const m = /"syncId":"([^"]*)"/.exec(text);
      const t0 = m ? sent.get(m[1]) : undefined;
      if (t0 === undefined) return; // pushes, handshake
      sent.delete(m![1]);
      lat.push(performance.now() - t0);
      if (/"code":[1-9]/.test(text)) errors++;
      done++;
      if (!stopping && Date.now() < end) send();
      else { stopping = true; if (sent.size === 0) resolve(); }
    });
    for (let i = 0; i < depth; i++) send();
  })));
  lat.sort((a, b) => a - b);
  return { rate: done / seconds, p50: percentile(lat, 50), p99: percentile(lat, 99), errors };
}

/** Fire `count` trigger calls (concurrency `conc`) and wait until `expected` matching frames arrived. */
export async function fanout(sockets: WebSocket[], match: (text: string) => boolean, trigger: () => Promise<unknown>, count: number, conc: number, expected: number, timeoutMs = 60_000): Promise<{ rate: number; delivered: number }> {
  let delivered = 0;
  let finish: () => void = () => {};
  const all = new Promise<void>((r) => { finish = r; });
  const onMsg = (raw: WebSocket.RawData) => { if (match(String(raw)) && ++delivered >= expected) finish(); };
  for (const ws of sockets) ws.on('message', onMsg);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (next++ < count) await trigger(); }));
  await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs))]);
  const secs = (performance.now() - t0) / 1000;
  for (const ws of sockets) ws.off('message', onMsg);
  return { rate: delivered / secs, delivered };
}

export async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

/** One POST on a keep-alive agent, timed from the write to the last byte of the answer (ms). */
function timedPost(agent: http.Agent, url: URL, payload: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode} from ${url.pathname}`))));
    });
    req.once('error', reject);
    req.end(payload);
  });
}

/**
 * Latency without queueing, two targets compared: `n` requests to each, one at a time, alternating
 * a, b, a, b… so that a drift of the machine (another process waking, a frequency change) lands on
 * both alike. Each target has its own keep-alive connection; times are taken with node:http, whose
 * client costs a fraction of fetch's, so the figures are the servers' rather than the client's.
 * autocannon's whole-millisecond percentiles cannot resolve a 0.5 ms gap, hence this.
 */
export async function pairedLatency(a: { url: string; body: unknown }, b: { url: string; body: unknown }, n: number): Promise<{ a: number[]; b: number[] }> {
  const sides = [a, b].map((t) => ({ url: new URL(t.url), payload: JSON.stringify(t.body), agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), times: [] as number[] }));
  try {
    for (let i = 0; i < n; i++) for (const s of sides) s.times.push(await timedPost(s.agent, s.url, s.payload));
  } finally {
    for (const s of sides) s.agent.destroy();
  }
  return { a: sides[0].times, b: sides[1].times };
}
