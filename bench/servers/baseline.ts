/**
 * The ceiling of our own stack: a bare express JSON route, a bare ws echo and a bare ws broadcast;
 * with `forward` (a ws url), its send routes instead relay each call over one WebSocket to another
 * baseline's bare OneBot endpoint: the floor of a two-process hop.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import WebSocket, { WebSocketServer } from 'ws';
import { serveChild } from '../lib/child';

const arg = JSON.parse(process.argv[2] ?? '{}') as { forward?: string };
const app = express();
app.use(express.json({ limit: '16mb' }));
let n = 0;

type Relay = (params: unknown) => Promise<{ data?: { message_id?: number } }>;
function relayOver(url: string): Promise<Relay> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const pending = new Map<string, (m: { data?: { message_id?: number } }) => void>();
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as { echo: string; data?: { message_id?: number } };
    pending.get(m.echo)?.(m);
    pending.delete(m.echo);
  });
  let seq = 0;
  const relay: Relay = (params) => new Promise((resolve) => {
    const echo = String(++seq);
    pending.set(echo, resolve);
    ws.send(JSON.stringify({ action: 'send_group_msg', params, echo }));
  });
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(relay)); ws.once('error', reject); });
}

async function main(): Promise<void> {
  const relay = arg.forward ? await relayOver(arg.forward) : undefined;
  // Parse the same JSON, answer the same shape.
  app.post('/sendGroupMessage', async (req, res) => {
    const id = relay ? (await relay(req.body)).data?.message_id : ++n;
    res.json({ code: 0, msg: 'success', messageId: id });
  });
  app.post('/send_group_msg', (req, res) => { void req.body; res.json({ status: 'ok', retcode: 0, data: { message_id: ++n } }); });
  let frame = '';
  const fanout = new Set<WebSocket>();
  app.post('/broadcast', (_req, res) => {
    for (const ws of fanout) ws.send(frame);
    res.json({ ok: true });
  });
  const server = http.createServer(app);
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (req.url?.startsWith('/fanout')) { fanout.add(ws); ws.on('close', () => fanout.delete(ws)); return; }
      if (req.url?.startsWith('/onebot')) {
        // A bare OneBot server: parse the call, answer its envelope.
        ws.on('message', (data) => {
          const call = JSON.parse(String(data)) as { echo: unknown };
          ws.send(JSON.stringify({ status: 'ok', retcode: 0, data: { message_id: ++n }, echo: call.echo }));
        });
        return;
      }
      ws.on('message', (data) => ws.send(String(data)));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    serveChild({ port: (server.address() as AddressInfo).port }, { setFrame: (f) => { frame = String(f); return frame.length; } });
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
