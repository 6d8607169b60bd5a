/**
 * Calls multiplexed over one socket: a unique string `echo` per call, strict matching, a timeout
 * per call. Shared by the forward-WS and reverse-WS transports.
 */
import { BridgeError } from '../../errors';
import type { Params } from '../../core/types';
import type { Envelope, TransportStats } from './transport';

interface Pending {
  action: string;
  resolve: (e: Envelope) => void;
  reject: (e: BridgeError) => void;
  timer: NodeJS.Timeout;
}

export type Frame = { kind: 'event'; event: Record<string, unknown> } | { kind: 'response' } | { kind: 'garbage' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Rpc {
  /** Send one call through `send`; the answer comes back through `receive`. */
  call(send: (text: string) => void, action: string, params: Params, timeoutMs: number, where: string): Promise<Envelope>;
  /** Classify a received frame; responses are delivered to their call here. */
  receive(text: string): Frame;
  /** Fail every call in flight (the link went away). */
  failAll(reason: string): void;
  readonly inFlight: number;
  readonly stats: TransportStats;
}

export function createRpc(stats: TransportStats, prefix = 'mah'): Rpc {
  const pending = new Map<string, Pending>();
  let seq = 0;
  return {
    stats,
    get inFlight() {
      return pending.size;
    },
    call(send, action, params, timeoutMs, where) {
      const echo = `${prefix}:${++seq}`;
      stats.calls++;
      return new Promise<Envelope>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(echo);
          stats.timeouts++;
          reject(new BridgeError('upstream', `upstream ${where} did not answer ${action} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(echo, { action, resolve, reject, timer });
        try {
          send(JSON.stringify({ action, params, echo }));
        } catch (e) {
          clearTimeout(timer);
          pending.delete(echo);
          reject(new BridgeError('upstream', `upstream ${where}: could not send ${action}: ${(e as Error).message}`));
        }
      });
    },
    receive(text) {
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        stats.garbage++;
        return { kind: 'garbage' };
      }
      if (!isObject(frame)) {
        stats.garbage++;
        return { kind: 'garbage' };
      }
      if (typeof frame.post_type === 'string') return { kind: 'event', event: frame };
      if ('echo' in frame || 'retcode' in frame || 'status' in frame) {
        const p = typeof frame.echo === 'string' ? pending.get(frame.echo) : undefined;
        if (!p) {
          stats.unknownEchoes++;
          return { kind: 'response' };
        }
        pending.delete(frame.echo as string);
        clearTimeout(p.timer);
        p.resolve(frame as Envelope);
        return { kind: 'response' };
      }
      stats.garbage++;
      return { kind: 'garbage' };
    },
    failAll(reason) {
      for (const [echo, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(echo);
        p.reject(new BridgeError('upstream', `${reason} (while calling ${p.action})`));
      }
    },
  };
}
