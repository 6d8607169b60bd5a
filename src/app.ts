/**
 * Composition root: config → logger → schemas → backend → core → mirai model → faces.
 * Tests build a bridge in-process with `startBridge({...ports 0...})`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createActionCore, type ActionCore } from './core/action-core';
import type { Backend } from './core/types';
import { resolveConfig, type BridgeConfig, type DeepPartial } from './config';
import { createLogger, type Logger } from './log';
import { createSchemas } from './schemas';
import { createSandbox, loadWorldFile, type SandboxBackend } from './backends/sandbox';
import { createUpstream } from './backends/upstream';
import { createMirai } from './mirai';
import type { MiraiModel } from './mirai/types';
import { createOneBotHttp } from '../adapters/onebot-http';
import { createOneBotWs } from '../adapters/onebot-ws';
import { createSandboxControl } from '../adapters/sandbox-control';
import { createBridgeStatus } from '../adapters/bridge-status';
import { createMiraiHttp } from '../adapters/mirai-http';
import { createMiraiWs } from '../adapters/mirai-ws';
import { createMiraiReverseWs } from '../adapters/mirai-reverse-ws';
import { createMiraiWebhook } from '../adapters/mirai-webhook';
import { createOneBotHttpPost } from '../adapters/onebot-http-post';
import { createOneBotReverseWs } from '../adapters/onebot-reverse-ws';
import type { OutboundFace, UpgradeHandler } from '../adapters/types';

export interface Bridge {
  readonly config: BridgeConfig;
  readonly logger: Logger;
  readonly backend: Backend;
  /** Set when the backend is the sandbox. */
  readonly sandbox?: SandboxBackend;
  readonly core: ActionCore;
  /** Absent when no mirai adapter is enabled (`mirai.adapters: []`). */
  readonly mirai?: MiraiModel;
  /** Bound ports (useful with port 0). `miraiWs`: where the mirai WS face listens (its own port, or `mirai`'s). */
  readonly ports: { onebot?: number; mirai?: number; miraiWs?: number };
  stop(): Promise<void>;
}

export interface BridgeOptions {
  logger?: Logger;
}

function serve(app: express.Express, upgrades: UpgradeHandler[], host: string, port: number): Promise<http.Server> {
  const server = http.createServer(app);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (!upgrades.some((u) => u.handleUpgrade(req, socket, head))) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Where the mirai listeners go, from MAH's `adapterSettings`. WS shares the HTTP listener unless
 * `ws.port` is set and differs from `http.port` (a same-port host difference is ignored: two binds of
 * one port would clash); then it also gets a listener of its own at `ws.host` (default: the HTTP
 * host). With only the ws adapter on, its settings (each defaulting to the HTTP one) place the one listener.
 */
export function miraiListeners(config: BridgeConfig): { main: { host: string; port: number }; ws?: { host: string; port: number } } {
  const { http, ws } = config.mirai.adapterSettings;
  const adapters = config.mirai.adapters;
  const httpAt = { host: http.host ?? config.host, port: http.port };
  const wsAt = { host: ws.host ?? httpAt.host, port: ws.port ?? http.port };
  if (!adapters.includes('ws')) return { main: httpAt };
  if (!adapters.includes('http')) return { main: wsAt };
  return ws.port === undefined || ws.port === http.port ? { main: httpAt } : { main: httpAt, ws: wsAt };
}

export async function startBridge(partial: DeepPartial<BridgeConfig> = {}, opts: BridgeOptions = {}): Promise<Bridge> {
  const config = resolveConfig(partial);
  const logger = opts.logger ?? createLogger(config.logLevel === 'silent' ? 'error' : config.logLevel, config.logLevel === 'silent');
  const schemas = createSchemas();
  const sandbox =
    config.backend === 'sandbox'
      ? createSandbox({ logger, world: config.sandbox.world ? loadWorldFile(config.sandbox.world) : undefined, downloads: config.sandbox.downloads })
      : undefined;
  const backend: Backend = sandbox ?? createUpstream({ config: config.upstream, logger });
  const core = createActionCore({ backend, schemas, logger });
  const adapters = new Set(config.mirai.adapters);
  const mirai = adapters.size ? createMirai({ core, config: config.mirai, logger }) : undefined;
  const servers: http.Server[] = [];
  const upgradeFaces: UpgradeHandler[] = [];
  /** Faces that connect out, by name (the name keys their counters in GET /bridge/status). */
  const outbound = new Map<string, OutboundFace & { stats?(): unknown }>();
  const ports: Bridge['ports'] = {};
  const log = logger.child({ component: 'bridge' });

  const status = () => ({
    backend: backend.kind,
    bots: core.bots(),
    upstream: 'capabilities' in backend ? (backend as { capabilities(): unknown }).capabilities() : undefined,
    mirai: mirai && { sessions: mirai.sessions.stats(), cache: mirai.cache.stats(), media: mirai.media.stats() },
    outbound: Object.fromEntries([...outbound].map(([name, face]) => [name, face.stats?.() ?? null])),
  });

  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const face of outbound.values()) await face.stop();
    for (const face of upgradeFaces) await face.stop();
    await Promise.all(servers.map(closeServer));
    await mirai?.stop();
    await core.stop();
  };

  await core.start();
  await mirai?.start();
  // Whatever fails to start (a port taken, a bad url) stops what already runs before it is thrown.
  try {
    if (config.onebot.enable) {
      const app = express();
      app.disable('x-powered-by');
      // The sandbox control parses its own JSON (scoped to /sandbox): the OneBot face reads its own bodies (form, lenient JSON, 1400 on bad JSON).
      if (sandbox) app.use(createSandboxControl({ sandbox, logger, bodyBytes: config.limits.bodyBytes, accessToken: config.onebot.accessToken }));
      app.use(createBridgeStatus({ accessToken: config.onebot.accessToken, status }));
      app.use(createOneBotHttp({ core, config, logger }));
      const ws = createOneBotWs({ core, config, logger });
      upgradeFaces.push(ws);
      const host = config.onebot.host ?? config.host;
      const server = await serve(app, [ws], host, config.onebot.port);
      servers.push(server);
      ports.onebot = (server.address() as AddressInfo).port;
      log.info(`OneBot v11 HTTP+WS listening on http://${host}:${ports.onebot}`);
    }

    if (mirai && (adapters.has('http') || adapters.has('ws'))) {
      const miraiApp = (faceConfig: BridgeConfig) => {
        const app = express();
        app.disable('x-powered-by');
        app.use(createMiraiHttp({ mirai, config: faceConfig, logger }));
        return app;
      };
      const ws = createMiraiWs({ mirai, config, logger });
      upgradeFaces.push(ws);
      const at = miraiListeners(config);
      const { host } = at.main;
      const server = await serve(miraiApp(config), adapters.has('ws') ? [ws] : [], host, at.main.port);
      servers.push(server);
      ports.mirai = (server.address() as AddressInfo).port;
      log.info(`mirai-api-http ${[...adapters].filter((a) => a === 'http' || a === 'ws').join('+')} listening on http://${host}:${ports.mirai}`);
      if (at.ws) {
        // Like MAH's ws server, it serves the upload routes too, and no other.
        const uploadsOnly = { ...config, mirai: { ...config.mirai, adapters: config.mirai.adapters.filter((a) => a !== 'http') } };
        const wsServer = await serve(miraiApp(uploadsOnly), [ws], at.ws.host, at.ws.port);
        servers.push(wsServer);
        ports.miraiWs = (wsServer.address() as AddressInfo).port;
        log.info(`mirai-api-http ws listening on ws://${at.ws.host}:${ports.miraiWs}`);
      } else if (adapters.has('ws')) ports.miraiWs = ports.mirai;
    }
    if (mirai && adapters.has('reverse-ws')) outbound.set('miraiReverseWs', createMiraiReverseWs({ mirai, config, logger }));
    if (mirai && adapters.has('webhook')) outbound.set('miraiWebhook', createMiraiWebhook({ mirai, config, logger }));
    // onebot.enable switches the whole OneBot face off: the transports that dial out too.
    if (config.onebot.enable && config.onebot.httpPost.length) outbound.set('onebotHttpPost', createOneBotHttpPost({ core, config, logger }));
    if (config.onebot.enable && config.onebot.reverseWs.length) outbound.set('onebotReverseWs', createOneBotReverseWs({ core, config, logger }));
    for (const face of outbound.values()) await face.start();
  } catch (e) {
    await stopAll();
    throw e;
  }

  return {
    config,
    logger,
    backend,
    sandbox,
    core,
    mirai,
    ports,
    stop: stopAll,
  };
}
