/** Helpers for the mirai socket tests: a WS client that records every frame, and condition waits. */
import WebSocket from 'ws';
import winston from 'winston';
import { Writable } from 'node:stream';
import type { Logger } from '../src/log';

export interface Frame { syncId?: unknown; data?: Record<string, unknown>; code?: number; msg?: string; [k: string]: unknown }

/** A WS client that keeps every text frame (parsed) and lets a test await the next one matching a predicate. */
export class FrameClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: { pred: (f: Frame) => boolean; from: number; resolve: (f: Frame) => void }[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const f = JSON.parse(text) as Frame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const c of this.closeWaiters) c();
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, headers?: Record<string, string>): Promise<FrameClient> {
    const ws = new WebSocket(url, { headers });
    const c = new FrameClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  /** The first frame (already received or future) matching `pred`, searching from index `from`. */
  next(pred: (f: Frame) => boolean = () => true, from = 0): Promise<Frame> {
    const hit = this.frames.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, from, resolve }));
  }

  handshake(): Promise<Frame> {
    return this.next((f) => f.syncId === '');
  }

  /** Send a command frame and await the reply with the same syncId (compared strictly). */
  async command(syncId: unknown, command: string, content?: unknown, subCommand?: string): Promise<Frame> {
    const frame: Record<string, unknown> = { syncId, command };
    if (content !== undefined) frame.content = content;
    if (subCommand !== undefined) frame.subCommand = subCommand;
    const from = this.frames.length;
    this.ws.send(JSON.stringify(frame));
    return this.next((f) => f.syncId === syncId, from);
  }

  pushes(): Frame[] {
    return this.frames.filter((f) => f.syncId === '-1');
  }

  waitClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.closeWaiters.push(() => resolve(this.closed!)));
  }

  close(): Promise<{ code: number; reason: string }> {
    if (!this.closed && this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.waitClosed();
  }
}

/** Poll a condition (state that settles asynchronously, e.g. a server seeing a close) until it holds. */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition', limitMs = 5000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A logger whose lines a test can read. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.printf((i) => `${i.level} ${String(i.message)} ${JSON.stringify({ ...i, level: undefined, message: undefined })}`),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
