/**
 * CORS per `adapterSettings.http.cors`: each entry is an allowed origin host (any scheme), `*` = all.
 * Besides MAH's defaults, the headers mirai clients send the key in are allowed too.
 */
import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'Content-Type, sessionKey, Authorization, verifyKey, qq';
const ALLOWED_METHODS = 'GET, POST, HEAD, OPTIONS';

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function createCors(entries: string[]): RequestHandler {
  const any = entries.includes('*');
  // Entries are hosts (`example.com`, `localhost:3000`); a full origin is accepted too.
  const hosts = new Set(entries.map((e) => (hostOf(e.includes('://') ? e : `http://${e}`) ?? e).toLowerCase()));
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin) return next();
    const host = hostOf(origin);
    if (!any && !(host && hosts.has(host))) {
      res.status(403).end();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      const asked = req.get('access-control-request-headers');
      res.setHeader('Access-Control-Allow-Headers', asked ? `${ALLOWED_HEADERS}, ${asked}` : ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(200).end();
      return;
    }
    next();
  };
}
