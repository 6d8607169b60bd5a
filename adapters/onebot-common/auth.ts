import crypto from 'node:crypto';

/** Outcome of the access-token check: pass, missing (HTTP 401 / retcode 1401), or wrong (403 / 1403). */
export type AuthResult = 'ok' | 'missing' | 'wrong';

/** The token a request offers: `Authorization: Bearer|Token <t>` first, then `?access_token=`. */
export function offeredToken(authorization: string | undefined, queryToken: unknown): string | undefined {
  if (authorization) {
    const m = /^\s*(?:bearer|token)\s+(.+?)\s*$/i.exec(authorization);
    return m ? m[1] : authorization.trim();
  }
  if (typeof queryToken === 'string') return queryToken;
  if (Array.isArray(queryToken) && typeof queryToken[0] === 'string') return queryToken[0];
  return undefined;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Compare in constant time (hashing first makes the lengths equal). An empty configured token disables auth. */
export function checkToken(expected: string, offered: string | undefined): AuthResult {
  if (!expected) return 'ok';
  if (offered === undefined || offered === '') return 'missing';
  return crypto.timingSafeEqual(digest(expected), digest(offered)) ? 'ok' : 'wrong';
}

export const AUTH_HTTP_STATUS = { missing: 401, wrong: 403 } as const;
export const AUTH_RETCODE = { missing: 1401, wrong: 1403 } as const;
