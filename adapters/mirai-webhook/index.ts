/**
 * The mirai webhook face (digest §5.2): every event of every bot is POSTed to every destination;
 * a `{command, content}` reply body runs through the one mirai dispatch for that bot (only the
 * commands the table allows from a webhook). Each destination has a bounded queue and gets its
 * events one at a time, in order.
 */
import http from 'node:http';
import https from 'node:https';
import type { BridgeConfig, MiraiConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { MiraiEvent, MiraiModel } from '../../src/mirai/types';
import { createDeliveryQueue, replyObject } from '../shared/delivery-queue';
import type { OutboundFace } from '../types';

type Timeouts = MiraiConfig['adapterSettings']['webhook']['timeout'];
interface Delivery { botId: number; body: string }

const LOG_EVERY_MS = 10_000;

/** A destination as configured: the scheme is optional and defaults to http. */
export function webhookUrl(dest: string): URL {
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(dest) ? dest : `http://${dest}`);
}

/** One POST with MAH's three timeouts (connect, idle socket, whole request); resolves with the body text. */
export function postJson(url: URL, body: string, headers: Record<string, string>, t: Timeouts, maxBytes: number, agent?: http.Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent });
    const fail = (why: string) => req.destroy(new Error(why));
    const whole = setTimeout(() => fail(`request timed out after ${t.requestTimeoutMillis} ms`), t.requestTimeoutMillis);
    req.setTimeout(t.socketTimeoutMillis, () => fail(`socket idle for ${t.socketTimeoutMillis} ms`));
    req.on('socket', (sock) => {
      if (!sock.connecting) return;
      const connect = setTimeout(() => fail(`connect timed out after ${t.connectTimeoutMillis} ms`), t.connectTimeoutMillis);
      sock.once('connect', () => clearTimeout(connect));
      sock.once('close', () => clearTimeout(connect));
    });
    req.on('error', (e) => {
      clearTimeout(whole);
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) return fail(`reply larger than ${maxBytes} bytes`);
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(whole);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(whole);
        reject(e);
      });
    });
    req.end(body);
  });
}

export function createMiraiWebhook(deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): OutboundFace & { stats(): { queued: number; dropped: number; failed: number } } {
  const { mirai, config } = deps;
  const settings = config.mirai.adapterSettings.webhook;
  const log = deps.logger.child({ component: 'mirai-webhook' });
  const maxQueue = Math.max(1, settings.maxQueue);
  let running = false;
  let dropped = 0;
  let failed = 0;
  let lastDropLog = 0;

  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 1 }), https: new https.Agent({ keepAlive: true, maxSockets: 1 }) };
  const targets = settings.destinations.map((d) => {
    const url = webhookUrl(d);
    return { url, queue: createDeliveryQueue<Delivery>({ maxQueue, running: () => running, deliver: (x) => deliver(url, x) }) };
  });

  /** A reply body `{command, content}`: run it for the bot, when the table allows it from a webhook. */
  async function runReply(botId: number, text: string) {
    const reply = replyObject(text);
    if (typeof reply?.command !== 'string') return;
    const { command, content } = reply as { command: string; content?: unknown };
    // subCommand is not read (as MAH): groupConfig/memberInfo run their one webhook-enabled form (update).
    const spec = mirai.commands.find((c) => c.name === command && c.webhook === true);
    if (!spec) {
      if (command) log.debug('webhook reply command not executable from a webhook: ignored', { command });
      return;
    }
    const body = typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
    const result = await mirai.execute({ command, subCommand: spec.subCommand ?? null, content: body, transport: 'webhook', botId });
    if (typeof result.code === 'number' && result.code !== 0) log.warn('webhook reply command failed', { command, code: result.code, reason: result.msg });
    else log.debug('webhook reply command done', { command });
  }

  async function deliver(url: URL, d: Delivery) {
    const id = String(d.botId);
    try {
      const res = await postJson(
        url,
        d.body,
        { ...settings.extraHeaders, 'Content-Type': 'application/json; charset=UTF-8', qq: id, 'X-qq': id, bot: id, 'X-bot': id },
        settings.timeout,
        config.limits.bodyBytes,
        url.protocol === 'https:' ? agents.https : agents.http,
      );
      await runReply(d.botId, res.text);
    } catch (e) {
      failed++;
      log.warn('webhook delivery failed', { destination: url.origin + url.pathname, err: (e as Error).message });
    }
  }

  const onEvent = (botId: number, ev: MiraiEvent) => {
    if (!running) return;
    const body = JSON.stringify(ev);
    for (const t of targets) {
      if (!t.queue.push({ botId, body })) {
        dropped++;
        const now = Date.now();
        if (now - lastDropLog >= LOG_EVERY_MS) {
          lastDropLog = now;
          log.warn('webhook queue full: dropping events', { destination: t.url.origin + t.url.pathname, maxQueue, dropped });
        }
      }
    }
  };

  return {
    async start() {
      running = true;
      mirai.events.on('event', onEvent);
    },
    async stop() {
      running = false;
      mirai.events.off('event', onEvent);
      for (const t of targets) t.queue.clear();
      agents.http.destroy();
      agents.https.destroy();
      await Promise.all(targets.map((t) => t.queue.idle()));
    },
    stats: () => ({ queued: targets.reduce((n, t) => n + t.queue.length, 0), dropped, failed }),
  };
}
