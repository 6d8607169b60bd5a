/**
 * The OneBot v11 HTTP POST face (digest §2.1, §2.4): every event the OneBot faces report is POSTed
 * as JSON to each configured url, signed with HMAC-SHA1 when the target has a secret. A 2xx reply
 * that is a non-empty JSON object is a quick operation, run through `.handle_quick_operation` for the
 * event's bot. Each url has its own bounded queue and gets its events one at a time, in order, so a
 * slow or dead receiver delays only itself and drops (counting) what does not fit.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AxiosStatic } from 'axios';
import type { ActionCore } from '../../src/core/action-core';
import type { OneBotEvent } from '../../src/core/types';
import type { BridgeConfig, OneBotHttpPostTarget } from '../../src/config';
import { toBridgeError } from '../../src/errors';
import type { Logger } from '../../src/log';
import { lifecycleEvent, oneBotEventToWire, shouldPush, startHeartbeat } from '../onebot-common/events';
import { createDeliveryQueue, replyObject, type DeliveryQueue } from '../shared/delivery-queue';
import type { OutboundFace } from '../types';

export const HTTP_POST_TIMEOUT_MS = 5000;
export const HTTP_POST_QUEUE_MAX = 1000;
/** The `disable` lifecycle at stop waits at most this long for a receiver. */
const STOP_GRACE_MS = 1000;
const LOG_EVERY_MS = 10_000;

/** Only these events can carry a quick operation; for the others the reply body is not read. */
const QUICK_POST_TYPES = new Set(['message', 'message_sent', 'request']);

interface Delivery {
  /** The core's event: the quick operation's context. */
  ev: OneBotEvent;
  body: string;
}

interface Target {
  url: string;
  /** origin + path: what a log may show (a query may hold a token). */
  where: string;
  secret?: string;
  timeoutMs: number;
  maxQueue: number;
  queue: DeliveryQueue<Delivery>;
  inflight?: AbortController;
  /** Inside a run of failures: warn on the first only. */
  failing: boolean;
  lastDropLog: number;
}

export interface OneBotHttpPostStats {
  queued: number;
  /** Requests under way (0 once stopped). */
  inflight: number;
  delivered: number;
  failed: number;
  dropped: number;
  quickOperations: number;
}

export const signature = (secret: string, body: string) => `sha1=${crypto.createHmac('sha1', secret).update(body).digest('hex')}`;

const where = (url: string) => {
  const u = new URL(url);
  return u.origin + u.pathname;
};

export function createOneBotHttpPost(deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): OutboundFace & { stats(): OneBotHttpPostStats } {
  const { core, config } = deps;
  const log = deps.logger.child({ component: 'onebot-http-post' });
  // Loaded here, when HTTP POST targets are configured, not at import: axios costs ~170 ms of start-up.
  const axios = require('axios') as AxiosStatic;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const targets: Target[] = config.onebot.httpPost.map((t: OneBotHttpPostTarget, i) => {
    let w: string;
    try {
      w = where(t.url);
    } catch {
      throw new Error(`onebot.httpPost[${i}].url is not a URL`);
    }
    const target: Target = {
      url: t.url,
      where: w,
      secret: t.secret || undefined,
      timeoutMs: t.timeoutMs ?? HTTP_POST_TIMEOUT_MS,
      maxQueue: Math.max(1, t.maxQueue ?? HTTP_POST_QUEUE_MAX),
      queue: createDeliveryQueue<Delivery>({ maxQueue: t.maxQueue ?? HTTP_POST_QUEUE_MAX, running: () => running, deliver: (d) => deliver(target, d) }),
      failing: false,
      lastDropLog: 0,
    };
    return target;
  });
  const counts = { delivered: 0, failed: 0, dropped: 0, quickOperations: 0 };
  const timers: NodeJS.Timeout[] = [];
  let running = false;

  const botIds = () => (core.bots().length ? core.bots() : [0]);

  /** One POST, bounded by the target's timeout (and cut short by stop); resolves with status and body text. */
  async function post(t: Target, d: Delivery, timeoutMs = t.timeoutMs): Promise<{ status: number; text: string }> {
    const ac = new AbortController();
    t.inflight = ac;
    const timer = setTimeout(() => ac.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Self-ID': String(d.ev.self_id) };
    if (t.secret) headers['X-Signature'] = signature(t.secret, d.body);
    try {
      const res = await axios.post<string>(t.url, d.body, {
        headers,
        signal: ac.signal,
        timeout: timeoutMs,
        // The body is sent byte for byte as signed, and the reply read as text: no transforms.
        transformRequest: [(data: unknown) => data],
        transformResponse: [(data: unknown) => data],
        responseType: 'text',
        validateStatus: () => true,
        maxContentLength: config.limits.bodyBytes,
        maxRedirects: 0,
        proxy: false,
        httpAgent: agents.http,
        httpsAgent: agents.https,
      });
      return { status: res.status, text: typeof res.data === 'string' ? res.data : '' };
    } catch (e) {
      // An abort surfaces as a bare "canceled": name the reason instead.
      throw ac.signal.aborted && ac.signal.reason instanceof Error ? ac.signal.reason : e;
    } finally {
      clearTimeout(timer);
      if (t.inflight === ac) t.inflight = undefined;
    }
  }

  async function runQuickOperation(d: Delivery, text: string) {
    if (!QUICK_POST_TYPES.has(d.ev.post_type)) return;
    const operation = replyObject(text);
    if (!operation || !Object.keys(operation).length) return;
    counts.quickOperations++;
    try {
      await core.call('.handle_quick_operation', { context: d.ev, operation }, d.ev.self_id ? { selfId: d.ev.self_id } : {});
    } catch (e) {
      const err = toBridgeError(e);
      if (err.kind === 'internal') log.error('quick operation failed', { err: err.stack });
      else log.warn('quick operation failed', { kind: err.kind, reason: err.message });
    }
  }

  const failed = (t: Target, reason: string) => {
    counts.failed++;
    if (!t.failing) log.warn('event delivery failed', { url: t.where, reason });
    else log.debug('event delivery failed', { url: t.where, reason });
    t.failing = true;
  };

  async function deliver(t: Target, d: Delivery) {
    try {
      const res = await post(t, d);
      if (res.status < 200 || res.status >= 300) return failed(t, `HTTP ${res.status}`);
      counts.delivered++;
      if (t.failing) log.info('receiver answers again', { url: t.where });
      t.failing = false;
      if (running) await runQuickOperation(d, res.text);
    } catch (e) {
      failed(t, (e as Error).message);
    }
  }

  const enqueue = (ev: OneBotEvent, wire: OneBotEvent = ev) => {
    if (!running) return;
    const body = JSON.stringify(wire); // serialised once for every target
    for (const t of targets) {
      if (!t.queue.push({ ev, body })) {
        counts.dropped++;
        const now = Date.now();
        if (now - t.lastDropLog >= LOG_EVERY_MS) {
          t.lastDropLog = now;
          log.warn('queue full: dropping events', { url: t.where, maxQueue: t.maxQueue, dropped: counts.dropped });
        }
      }
    }
  };

  const onEvent = (ev: OneBotEvent) => {
    if (shouldPush(ev, config.onebot)) enqueue(ev, oneBotEventToWire(ev, config.onebot));
  };

  return {
    async start() {
      if (running || !targets.length) return;
      running = true;
      core.events.on('event', onEvent);
      for (const id of botIds()) enqueue(lifecycleEvent(id, 'enable'));
      const beat = startHeartbeat(core, config.onebot.heartbeat, botIds, (ev) => enqueue(ev));
      if (beat) timers.push(beat);
      log.info('reporting events by HTTP POST', { urls: targets.map((t) => t.where) });
    },
    async stop() {
      if (!running) return;
      running = false;
      core.events.off('event', onEvent);
      for (const t of timers) clearInterval(t);
      for (const t of targets) {
        t.queue.clear();
        t.inflight?.abort(new Error('bridge stopping'));
      }
      await Promise.all(targets.map((t) => t.queue.idle()));
      // Best effort, bounded: a receiver that does not answer at once misses it.
      const bye = botIds().map((id) => lifecycleEvent(id, 'disable'));
      await Promise.all(
        targets.flatMap((t) =>
          bye.map((ev) => post(t, { ev, body: JSON.stringify(ev) }, Math.min(t.timeoutMs, STOP_GRACE_MS)).catch(() => undefined)),
        ),
      );
      agents.http.destroy();
      agents.https.destroy();
    },
    stats: () => ({ queued: targets.reduce((n, t) => n + t.queue.length, 0), inflight: targets.filter((t) => t.inflight).length, ...counts }),
  };
}
