/**
 * OneBot v11 HTTP API face: `POST|GET /:action`, `POST /` with `{action, params}`.
 * Transport only: parse the wire, hand the request to the shared OneBot dispatch, write the envelope.
 */
import querystring from 'node:querystring';
import express from 'express';
import type { ActionCore } from '../../src/core/action-core';
import type { Params } from '../../src/core/types';
import type { BridgeConfig } from '../../src/config';
import type { ErrorKind } from '../../src/errors';
import type { Logger } from '../../src/log';
import { AUTH_HTTP_STATUS, AUTH_RETCODE, checkToken, offeredToken } from '../onebot-common/auth';
import { sharedDispatch } from '../onebot-common/dispatch';
import { failedEnvelope, type Envelope } from '../onebot-common/envelope';

const isPlain = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** HTTP status per failure kind: only an unknown action changes it; every semantic outcome is 200. */
const httpStatusOf = (kind: ErrorKind | undefined) => (kind === 'unknown_action' ? 404 : 200);

class BadBody extends Error {}

/** Form bodies as urlencoded; anything else (JSON, a missing or unknown Content-Type) as JSON. */
function parseBody(req: express.Request): Params {
  const body: unknown = req.body;
  if (isPlain(body) && !Buffer.isBuffer(body)) return body; // already parsed upstream of this router
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  const text = body.toString('utf8');
  if (/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return { ...querystring.parse(text) };
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadBody('malformed JSON body');
  }
  if (parsed === null) return {};
  if (!isPlain(parsed)) throw new BadBody('body must be a JSON object');
  return parsed;
}

/** JSON.parse accepts nesting that JSON.stringify overflows the stack on: such an echo cannot be answered. */
function serialisable(v: unknown): boolean {
  try {
    JSON.stringify(v);
    return true;
  } catch {
    return false;
  }
}

/** Take `echo` out of a parameter bag (it is the envelope's, not the action's). */
function takeEcho(bag: Params): { hasEcho: boolean; echo?: unknown } {
  if (!('echo' in bag)) return { hasEcho: false };
  const echo = bag.echo;
  delete bag.echo;
  return { hasEcho: true, echo };
}

export function createOneBotHttp(deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): express.Router {
  const { config } = deps;
  const log = deps.logger.child({ component: 'onebot-http' });
  const dispatcher = sharedDispatch(deps);
  const router = express.Router();

  const send = (req: express.Request, res: express.Response, status: number, env: Envelope, action: string, started: number) => {
    res.status(status).json(env);
    log.debug('request', { method: req.method, action, status, retcode: env.retcode, ms: Date.now() - started });
  };

  router.use((req, res, next) => {
    const result = checkToken(config.onebot.accessToken, offeredToken(req.headers.authorization, req.query.access_token));
    if (result === 'ok') return next();
    const env = failedEnvelope(AUTH_RETCODE[result], result === 'missing' ? 'access token required' : 'access token wrong');
    send(req, res, AUTH_HTTP_STATUS[result], env, req.path, Date.now());
  });
  router.use(express.raw({ type: () => true, limit: config.limits.bodyBytes }));

  const handle = (actionFromPath: boolean) => async (req: express.Request, res: express.Response) => {
    const started = Date.now();
    let bag: Params;
    try {
      const query: Params = { ...(req.query as Params) };
      delete query.access_token;
      bag = { ...query, ...parseBody(req) }; // the body wins over the query string
    } catch (e) {
      return send(req, res, 400, failedEnvelope(1400, (e as Error).message), String(req.params.action ?? ''), started);
    }
    const echo = takeEcho(bag);
    if (echo.hasEcho && !serialisable(echo.echo)) return send(req, res, 400, failedEnvelope(1400, 'echo is nested too deeply to copy back'), String(req.params.action ?? ''), started);
    let action: string;
    let params: Params;
    if (actionFromPath) {
      action = String(req.params.action);
      params = bag;
    } else {
      // `POST /` carries `{action, params}`; a flat bag beside `action` is accepted too.
      action = typeof bag.action === 'string' ? bag.action : '';
      const { action: _a, params: p, ...rest } = bag;
      params = isPlain(p) ? p : rest;
      if (!action) return send(req, res, 400, failedEnvelope(1400, 'request has no action', echo), '', started);
    }
    const { envelope, kind } = await dispatcher.dispatch({ action, params, ...echo });
    send(req, res, httpStatusOf(kind), envelope, action, started);
  };

  router.post('/', handle(false));
  router.get('/:action', handle(true));
  router.post('/:action', handle(true));

  // Body-reading failures (too large, bad encoding, aborted) end here, still as an envelope.
  router.use((err: { type?: string; status?: number }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const tooLarge = err.type === 'entity.too.large';
    const env = failedEnvelope(1400, tooLarge ? 'body too large' : 'malformed body');
    send(req, res, tooLarge ? 413 : (err.status ?? 400), env, String(req.params?.action ?? req.path), Date.now());
  });
  return router;
}
