import express from 'express';
import { AUTH_HTTP_STATUS, checkToken, offeredToken } from '../onebot-common/auth';

/**
 * `GET /bridge/status` on the OneBot port: the backend, its bots, the upstream capability table,
 * and the bounded queues and caches with what they dropped. Guarded by the OneBot access token.
 */
export function createBridgeStatus(deps: { accessToken: string; status: () => unknown }): express.Router {
  const router = express.Router();
  router.get('/bridge/status', (req, res) => {
    const auth = checkToken(deps.accessToken, offeredToken(req.headers.authorization, req.query.access_token));
    if (auth !== 'ok') {
      res.status(AUTH_HTTP_STATUS[auth]).json({ error: `access token ${auth}` });
      return;
    }
    res.json(deps.status());
  });
  return router;
}
