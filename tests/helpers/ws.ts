/** A WebSocket test client (mirai and OneBot faces) that records every frame; every wait on it is bounded. */
import WebSocket from 'ws';
import { WAIT_MS, within } from './wait';

/** A parsed frame. A text frame that is not JSON is recorded as `{ unparsed: text }` (raw[i] and frames[i] stay aligned). */
export interface Frame { syncId?: unknown; data?: Record<string, unknown>; code?: number; msg?: string; [k: string]: unknown }
/** OneBot frames are read field by field with no declared shape. */
export type AnyFrame = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const matching = (pred: (f: never) => boolean) => `a frame matching ${String(pred).replace(/\s+/g, ' ').slice(0, 160)}`;

export class FrameClient<F extends object = Frame> {
  readonly frames: F[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: { pred: (f: F) => boolean; resolve: (f: F) => void }[] = [];
  private closeWaiters: (() => void)[] = [];
  private seq = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let f: F;
      try {
        f = JSON.parse(text) as F;
      } catch {
        f = { unparsed: text } as unknown as F;
      }
      this.raw.push(text);
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
      this.closeWaiters = [];
    });
    ws.on('error', () => undefined);
  }

  /** Connect; rejects when the handshake is refused or does not complete in time. */
  static open<T extends object = Frame>(url: string, headers?: Record<string, string>): Promise<FrameClient<T>> {
    const ws = new WebSocket(url, { headers, handshakeTimeout: WAIT_MS });
    const c = new FrameClient<T>(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  /** The first frame (already received or future) matching `pred`, searching from index `from`. */
  next(pred: (f: F) => boolean = () => true, from = 0, limitMs = WAIT_MS): Promise<F> {
    const hit = this.frames.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    let waiter!: { pred: (f: F) => boolean; resolve: (f: F) => void };
    const p = new Promise<F>((resolve) => {
      waiter = { pred, resolve };
      this.waiters.push(waiter);
    });
    return within(p, matching(pred), limitMs).finally(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  /** mirai: the handshake frame (syncId ""). */
  handshake(): Promise<F> {
    return this.next((f) => (f as Frame).syncId === '');
  }

  /** mirai: send a command frame and await the reply with the same syncId (compared strictly). */
  command(syncId: unknown, command: string, content?: unknown, subCommand?: string): Promise<F> {
    const frame: Record<string, unknown> = { syncId, command };
    if (content !== undefined) frame.content = content;
    if (subCommand !== undefined) frame.subCommand = subCommand;
    const from = this.frames.length;
    this.ws.send(JSON.stringify(frame));
    return this.next((f) => (f as Frame).syncId === syncId, from);
  }

  /** mirai: the pushed events (syncId "-1"). */
  pushes(): F[] {
    return this.frames.filter((f) => (f as Frame).syncId === '-1');
  }

  /** OneBot: send an API frame with a fresh echo and await its reply. */
  call(action: string, params?: unknown): Promise<F> {
    const echo = `e${++this.seq}`;
    this.ws.send(JSON.stringify({ action, params, echo }));
    return this.next((f) => (f as Frame).echo === echo);
  }

  waitClosed(limitMs = WAIT_MS): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return within(new Promise((resolve) => this.closeWaiters.push(() => resolve(this.closed!))), 'the socket to close', limitMs);
  }

  /** Close politely and wait for the close. */
  close(): Promise<{ code: number; reason: string }> {
    if (!this.closed && this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.waitClosed();
  }

  /** Cut the connection at once. */
  terminate(): void {
    this.ws.terminate();
  }
}
