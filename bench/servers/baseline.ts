/** The ceiling of our own stack: a bare express JSON route, a bare ws echo and a bare ws broadcast. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveChild } from '../lib/child';

const app = express();
app.use(express.json({ limit: '16mb' }));
let n = 0;
// Parse the same JSON, answer the same shape.
app.post('/sendGroupMessage', (req, res) => { void req.body; res.json({ code: 0, msg: 'success', messageId: ++n }); });
app.post('/send_group_msg', (req, res) => { void req.body; res.json({ status: 'ok', retcode: 0, data: { message_id: ++n } }); });
let frame = '';
const fanout = new Set<WebSocket>();
app.post('/broadcast', (req, res) => {
  for (const ws of fanout) ws.send(frame);
  res.json({ ok: true });
});
const server = http.createServer(app);
const echo = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  echo.handleUpgrade(req, socket, head, (ws) => {
    if (req.url?.startsWith('/fanout')) { fanout.add(ws); ws.on('close', () => fanout.delete(ws)); return; }
    ws.on('message', (data) => ws.send(String(data)));
  });
});
server.listen(0, '127.0.0.1', () => {
  serveChild({ port: (server.address() as AddressInfo).port }, { setFrame: (f) => { frame = String(f); return frame.length; } });
});
