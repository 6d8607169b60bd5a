/**
 * HTTP API transport: `POST <url>/<action>` with a JSON body and a Bearer token; the upstream posts
 * its events to our receiver (listener.ts), which hands them to `deliver`. The link counts as up
 * after a successful probe; a refused connection takes it down and starts probing with backoff.
 */
import { EventEmitter } from 'node:events';
import { BridgeError } from '../../errors';
import type { Logger } from '../../log';
import type { Params } from '../../core/types';
import { createBackoff } from './backoff';
import { emptyStats, type Envelope, type Transport } from './transport';
import { redactUrl } from './ws';

export interface HttpTransport extends Transport {
  /** An event the upstream posted to our receiver. */
  deliver(event: Record<string, unknown>): void;
}

export interface HttpTransportOptions {
  url: string;
  accessToken?: string;
  reconnect: { minMs: number; maxMs: number };
  probeTimeoutMs: number;
  logger: Logger;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createHttpTransport(opts: HttpTransportOptions): HttpTransport {
  const base = opts.url.replace(/\/+$/, '');
  const where = redactUrl(base);
  const log = opts.logger;
  const stats = emptyStats();
  const backoff = createBackoff(opts.reconnect);
  const emitter = new EventEmitter();
  let up = false;
  let stopped = true;
  let probing: NodeJS.Timeout | undefined;
  const inFlight = new Set<AbortController>();

  const markDown = (reason: string) => {
    if (up) {
      up = false;
      log.warn(`upstream ${where}: ${reason}`);
      emitter.emit('down', reason);
    }
    scheduleProbe();
  };
  const scheduleProbe = () => {
    if (stopped || probing) return;
    stats.reconnects++;
    probing = setTimeout(() => {
      probing = undefined;
      void probe();
    }, backoff.next());
  };
  const probe = async (): Promise<void> => {
    if (stopped) return;
    try {
      await post('get_login_info', {}, opts.probeTimeoutMs);
      if (stopped || up) return;
      up = true;
      backoff.reset();
      log.info(`connected to upstream ${where}`);
      emitter.emit('up');
    } catch {
      markDown('unreachable');
    }
  };

  async function post(action: string, params: Params, timeoutMs: number): Promise<Envelope> {
    stats.calls++;
    const ctl = new AbortController();
    inFlight.add(ctl);
    const timer = setTimeout(() => ctl.abort(new Error('timeout')), timeoutMs);
    let status: number;
    let text: string;
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (opts.accessToken) headers.Authorization = `Bearer ${opts.accessToken}`;
      const res = await fetch(`${base}/${encodeURIComponent(action)}`, { method: 'POST', headers, body: JSON.stringify(params), signal: ctl.signal });
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (ctl.signal.aborted && !stopped) {
        stats.timeouts++;
        throw new BridgeError('upstream', `upstream ${where} did not answer ${action} within ${timeoutMs} ms`);
      }
      if (stopped) throw new BridgeError('upstream', `upstream ${where}: bridge stopping`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      markDown(`connection failed (${cause?.code ?? cause?.message ?? (e as Error).message})`);
      throw new BridgeError('upstream', `upstream ${where} is unreachable (${cause?.code ?? (e as Error).message})`);
    } finally {
      clearTimeout(timer);
      inFlight.delete(ctl);
    }
    if (status === 401 || status === 403) throw new BridgeError('upstream', `upstream ${where} rejected our access token (HTTP ${status})`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!isObject(body)) {
      stats.garbage++;
      // An unknown action may come back as a bare 404 page: say so, the caller falls back on it.
      if (status === 404) return { status: 'failed', retcode: 404, message: `unknown action ${action}` };
      throw new BridgeError('upstream', `upstream ${where} answered ${action} with something that is not a OneBot response (HTTP ${status})`);
    }
    return body as Envelope;
  }

  const transport = Object.assign(emitter, {
    kind: 'http' as const,
    where,
    call: (action: string, params: Params, timeoutMs: number) => post(action, params, timeoutMs),
    deliver(event: Record<string, unknown>) {
      if (!stopped) emitter.emit('event', event);
    },
    async start() {
      stopped = false;
      await probe();
    },
    async stop() {
      stopped = true;
      if (probing) clearTimeout(probing);
      probing = undefined;
      for (const c of inFlight) c.abort(new Error('stopping'));
      up = false;
    },
    drop(reason: string) {
      markDown(reason);
    },
    stats: () => ({ ...stats }),
  }) as HttpTransport;
  // A getter: Object.assign would copy its value once.
  Object.defineProperty(transport, 'connected', { get: () => up });
  return transport;
}
