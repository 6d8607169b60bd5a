import express from 'express';
import { isBridgeError } from '../../src/errors';
import { AUTH_HTTP_STATUS, checkToken, offeredToken } from '../onebot-common/auth';
import type { Logger } from '../../src/log';
import type { SandboxBackend } from '../../src/backends/sandbox';

/**
 * The sandbox's control surface: `POST|GET /sandbox/<op>` plays the other people of the simulated
 * account (a friend sends a message, a member joins, …). Mounted only with the sandbox backend.
 * Answers the op's result as JSON, or `{error}` with HTTP 400 (bad input) / 404 (no such op).
 * With `accessToken` set it is guarded like the OneBot HTTP face on the same port: 401 without the
 * token, 403 with a wrong one, checked before any body is read.
 */
export function createSandboxControl(deps: { sandbox: SandboxBackend; logger: Logger; bodyBytes?: number; accessToken?: string }): express.Router {
  const router = express.Router();
  const token = deps.accessToken ?? '';
  router.use('/sandbox', (req, res, next) => {
    const auth = checkToken(token, offeredToken(req.headers.authorization, req.query.access_token));
    if (auth === 'ok') return next();
    res.status(AUTH_HTTP_STATUS[auth]).json({ error: `access token ${auth}` });
  });
  // Parsed here, not by the app: a body error then reaches this router's own error handler below.
  router.use('/sandbox', express.json({ limit: deps.bodyBytes ?? 1024 * 1024 }));
  const run = (method: 'GET' | 'POST') => async (req: express.Request, res: express.Response) => {
    const params: Record<string, unknown> = method === 'GET' ? { ...req.query } : { ...(req.query as object), ...(typeof req.body === 'object' ? req.body : {}) };
    // The token is the transport's, not an op parameter.
    delete params.access_token;
    try {
      const data = await deps.sandbox.control(String(req.params.op), method, params);
      res.json(data);
    } catch (e) {
      const status = isBridgeError(e) ? (e.kind === 'unknown_action' ? 404 : 400) : 500;
      if (status === 500) deps.logger.error('sandbox control failed', { op: req.params.op, err: (e as Error).stack });
      res.status(status).json({ error: isBridgeError(e) ? e.message : 'internal error' });
    }
  };
  router.get('/sandbox/:op', run('GET'));
  router.post('/sandbox/:op', run('POST'));
  // Body-parsing failures of /sandbox (malformed JSON, too large) answer `{error}` too, never express's HTML page with a stack.
  router.use((err: { type?: string; status?: number }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent || !req.path.startsWith('/sandbox/')) return next(err);
    const tooLarge = err.type === 'entity.too.large';
    res.status(tooLarge ? 413 : 400).json({ error: tooLarge ? 'body too large' : 'malformed JSON body' });
  });
  return router;
}
