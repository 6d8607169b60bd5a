import winston from 'winston';

export type Logger = winston.Logger;

const SECRET_KEYS = new Set(['verifykey', 'sessionkey', 'access_token', 'accesstoken', 'authorization', 'token', 'secret', 'session']);

/** Replace secret values (by key name, any depth) with a short mask: secrets never reach a log. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v != null && v !== '' ? mask(String(v)) : maskSecrets(v, depth + 1);
  }
  return out;
}

export function mask(secret: string): string {
  return secret.length <= 2 ? '**' : `${secret.slice(0, 1)}***${secret.length}`;
}

const maskFormat = winston.format((info) => {
  for (const k of Object.keys(info)) {
    if (k === 'level' || k === 'message' || k === 'component') continue;
    const masked = maskSecrets({ [k]: info[k] }) as Record<string, unknown>;
    (info as Record<string, unknown>)[k] = masked[k];
  }
  return info;
});

/**
 * winston builds and streams a record for every call, even one below the level. Calls below it
 * (the per-request `debug` lines, on the hot paths) return at once instead; children inherit this.
 */
function skipDisabledLevels(logger: Logger): Logger {
  const rank = logger.levels;
  const self = logger as unknown as Record<string, (...args: unknown[]) => Logger>;
  for (const level of Object.keys(rank)) {
    const write = self[level];
    if (typeof write !== 'function') continue;
    self[level] = function (this: Logger, ...args: unknown[]) {
      if (this.silent || rank[level] > (rank[this.level] ?? Infinity)) return this;
      return write.apply(this, args);
    };
  }
  return logger;
}

export function createLogger(level = 'info', silent = false): Logger {
  return skipDisabledLevels(winston.createLogger({
    level,
    silent,
    format: winston.format.combine(
      maskFormat(),
      winston.format.timestamp(),
      winston.format.printf((info) => {
        const { level: lvl, message, timestamp, component, ...meta } = info as Record<string, unknown>;
        const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
        return `${timestamp} ${lvl}${component ? ` [${component}]` : ''} ${message}${rest}`;
      }),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  }));
}
