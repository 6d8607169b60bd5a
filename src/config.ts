/** Bridge configuration: types, built-in defaults and merging. Loading a file and flags: cli.ts. */

export interface UpstreamAccount {
  /** ws://, wss://, http:// or https:// of the OneBot server (forward WS or HTTP API). */
  url?: string;
  /** How we reach it: forward WS (default for ws:// urls), HTTP API (+ event receiver), or it dials us (reverse WS). */
  transport?: 'ws' | 'http' | 'reverse-ws';
  accessToken?: string;
  /** HMAC secret the upstream signs HTTP-POST events with (X-Signature). */
  secret?: string;
  /** Expected bot QQ number (learned from the upstream when absent). */
  selfId?: number;
}

export interface UpstreamConfig {
  url?: string;
  transport?: 'ws' | 'http' | 'reverse-ws';
  accessToken?: string;
  secret?: string;
  /** Several upstream accounts at once, one per bot QQ number. */
  accounts: UpstreamAccount[];
  /** Where we listen for the upstream's HTTP-POST events and reverse-WS connections. */
  listen: { host: string; port: number; path: string };
  timeoutMs: number;
  fileTimeoutMs: number;
  reconnect: { minMs: number; maxMs: number };
  /** Largest upstream frame / HTTP-POST body accepted (default 16 MiB). */
  maxFrameBytes?: number;
  /** Message ids remembered per upstream account for id translation (default 100000). */
  idMapSize?: number;
}

export interface MiraiConfig {
  adapters: string[];
  enableVerify: boolean;
  /** Generated (and logged once) at start when absent. */
  verifyKey?: string;
  singleMode: boolean;
  /** messageId cache entries per bot. */
  cacheSize: number;
  debug: boolean;
  maxSessions: number;
  unboundTtlSeconds: number;
  /** Emit mirai-compatible extras for OneBot notices MAH has no type for (off: Ariadne rejects unknown types). */
  extraEvents: boolean;
  adapterSettings: {
    http: { host?: string; port: number; cors: string[]; unreadQueueMaxSize: number };
    ws: { host?: string; port?: number; reservedSyncId: string; maxBufferedBytes: number; pingIntervalMs: number };
    'reverse-ws': {
      destinations: {
        host?: string; port?: number; path?: string; protocol: 'ws' | 'wss'; method?: string;
        extraParameters?: Record<string, string>; extraHeaders?: Record<string, string>; reconnectInterval?: number;
      }[];
      extraParameters: Record<string, string>;
      extraHeaders: Record<string, string>;
      reservedSyncId: string;
    };
    webhook: {
      destinations: string[];
      extraHeaders: Record<string, string>;
      timeout: { requestTimeoutMillis: number; connectTimeoutMillis: number; socketTimeoutMillis: number };
      maxQueue: number;
    };
  };
}

export interface OneBotConfig {
  enable: boolean;
  host?: string;
  port: number;
  accessToken: string;
  heartbeat: { enable: boolean; interval: number };
  messageFormat: 'array' | 'string';
  reportSelfMessage: boolean;
  /** HTTP POST: every event is POSTed to each url (signed with `secret`); a JSON reply is a quick operation. */
  httpPost: OneBotHttpPostTarget[];
  /** Reverse WS: the bridge dials each bot server (Universal `url`, or `apiUrl`/`eventUrl` roles). */
  reverseWs: OneBotReverseWsTarget[];
}

export interface OneBotHttpPostTarget {
  url: string;
  /** HMAC-SHA1 key of the `X-Signature` header; no header when absent. */
  secret?: string;
  /** Whole-request limit per event (default 5000). */
  timeoutMs?: number;
  /** Events waiting for this url at most; more are dropped and counted (default 1000). */
  maxQueue?: number;
}

export interface OneBotReverseWsTarget {
  url?: string;
  apiUrl?: string;
  eventUrl?: string;
  /** One Universal connection (default) or separate API and Event connections. */
  useUniversalClient?: boolean;
  /** Milliseconds between a close or failure and the next dial (default 3000). */
  reconnectInterval?: number;
  /** Sent as `Authorization: Bearer`; defaults to onebot.accessToken. */
  accessToken?: string;
}

export interface BridgeConfig {
  host: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug' | 'silent';
  backend: 'sandbox' | 'onebot';
  sandbox: {
    world?: string;
    /** download_file's files: kept ttlSeconds (default 3600), at most maxFiles (default 64, oldest deleted first). */
    downloads?: { ttlSeconds?: number; maxFiles?: number };
  };
  upstream: UpstreamConfig;
  onebot: OneBotConfig;
  mirai: MiraiConfig;
  limits: { bodyBytes: number; frameBytes: number };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function defaultConfig(): BridgeConfig {
  return {
    host: '127.0.0.1',
    logLevel: 'info',
    backend: 'sandbox',
    sandbox: {},
    upstream: {
      accounts: [],
      listen: { host: '127.0.0.1', port: 5710, path: '/onebot' },
      timeoutMs: 10_000,
      fileTimeoutMs: 60_000,
      reconnect: { minMs: 500, maxMs: 30_000 },
    },
    onebot: {
      enable: true,
      port: 5700,
      accessToken: '',
      heartbeat: { enable: true, interval: 15_000 },
      messageFormat: 'array',
      reportSelfMessage: false,
      httpPost: [],
      reverseWs: [],
    },
    mirai: {
      adapters: ['http', 'ws'],
      enableVerify: true,
      singleMode: false,
      cacheSize: 4096,
      debug: false,
      maxSessions: 1024,
      unboundTtlSeconds: 180,
      extraEvents: false,
      adapterSettings: {
        http: { port: 8080, cors: ['*'], unreadQueueMaxSize: 100 },
        ws: { reservedSyncId: '-1', maxBufferedBytes: 8 * 1024 * 1024, pingIntervalMs: 30_000 },
        'reverse-ws': { destinations: [], extraParameters: {}, extraHeaders: {}, reservedSyncId: '-1' },
        webhook: {
          destinations: [],
          extraHeaders: {},
          timeout: { requestTimeoutMillis: 10_000, connectTimeoutMillis: 10_000, socketTimeoutMillis: 10_000 },
          maxQueue: 1000,
        },
      },
    },
    limits: { bodyBytes: 16 * 1024 * 1024, frameBytes: 16 * 1024 * 1024 },
  };
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merge plain objects; arrays and scalars from `over` replace those of `base`. */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlain(over) || !isPlain(base)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k], v) : v;
  }
  return out as T;
}

export function resolveConfig(partial: DeepPartial<BridgeConfig> = {}): BridgeConfig {
  return mergeConfig(defaultConfig(), partial);
}
