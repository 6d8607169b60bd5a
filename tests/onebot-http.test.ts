/** The OneBot v11 HTTP face on a real port, against the sandbox account. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../src/app';
import { BridgeError, toBridgeError } from '../src/errors';
import { errorEnvelope, RETCODE } from '../adapters/onebot-common/envelope';
import { until } from './helpers';

interface Reply {
  status: number;
  body: Record<string, any>;
}

async function request(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});


describe('OneBot HTTP face', () => {
  let bridge: Bridge;
  let base: string;
  const call = (path: string, init?: RequestInit) => request(base, path, init);

  before(async () => {
    bridge = await startBridge({ onebot: { port: 0 }, mirai: { adapters: [] }, logLevel: 'silent' });
    base = `http://127.0.0.1:${bridge.ports.onebot}`;
  });
  after(() => bridge.stop());

  test('a JSON POST answers the ok envelope with exactly status, retcode and data', async () => {
    const r = await call('/get_login_info', json({}));
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['data', 'retcode', 'status']);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.retcode, 0);
    assert.equal(r.body.data.user_id, 10000);
    assert.equal(typeof r.body.data.nickname, 'string');
  });

  test('a trailing slash, a GET, a missing Content-Type and a leading dot all reach the action', async () => {
    for (const [path, init] of [
      ['/get_login_info/', json({})],
      ['/get_login_info', {}],
      ['/get_login_info', { method: 'POST', body: '{}' }],
      ['/get_login_info', { method: 'POST' }],
      ['/.get_login_info', json({})],
    ] as [string, RequestInit][]) {
      const r = await call(path, init);
      assert.equal(r.body.retcode, 0, `${init.method ?? 'GET'} ${path}`);
      assert.equal(r.body.data.user_id, 10000);
    }
  });

  test('JSON, form and query params give the same data, numeric strings included', async () => {
    const fromJson = await call('/get_stranger_info', json({ user_id: 10001 }));
    const fromString = await call('/get_stranger_info', json({ user_id: '10001' }));
    const fromForm = await call('/get_stranger_info', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user_id=10001',
    });
    const fromQuery = await call('/get_stranger_info?user_id=10001');
    assert.equal(fromJson.body.retcode, 0);
    assert.equal(fromJson.body.data.user_id, 10001);
    for (const r of [fromString, fromForm, fromQuery]) assert.deepEqual(r.body, fromJson.body);
  });

  test('the body wins over the query string', async () => {
    const r = await call('/get_stranger_info?user_id=10002', json({ user_id: 10001 }));
    assert.equal(r.body.data.user_id, 10001);
  });

  test('boolean params accept yes/no/1/0 from a query string, and reject nonsense', async () => {
    for (const v of ['true', 'false', 'yes', 'no', '1', '0', 'YES']) {
      const r = await call(`/get_stranger_info?user_id=10001&no_cache=${v}`);
      assert.equal(r.body.retcode, 0, `no_cache=${v}`);
    }
    const bad = await call('/get_stranger_info?user_id=10001&no_cache=maybe');
    assert.equal(bad.status, 200);
    assert.equal(bad.body.retcode, 1400);
  });

  test('POST / takes {action, params} and copies the echo verbatim', async () => {
    const echo = { id: [1, 'two', null] };
    const r = await call('/', json({ action: 'get_stranger_info', params: { user_id: 10001 }, echo }));
    assert.equal(r.status, 200);
    assert.equal(r.body.retcode, 0);
    assert.equal(r.body.data.user_id, 10001);
    assert.deepEqual(r.body.echo, echo);
  });

  test('POST / also takes a form body, and without an action answers 400/1400', async () => {
    const r = await call('/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=get_stranger_info&user_id=10001&echo=e1',
    });
    assert.equal(r.body.retcode, 0);
    assert.equal(r.body.data.user_id, 10001);
    assert.equal(r.body.echo, 'e1');
    const none = await call('/', json({ params: {} }));
    assert.equal(none.status, 400);
    assert.equal(none.body.retcode, 1400);
  });

  test('an echo in the body or query of /:action is echoed, and never reaches the action', async () => {
    const a = await call('/get_login_info', json({ echo: 42 }));
    assert.equal(a.body.retcode, 0);
    assert.equal(a.body.echo, 42);
    const b = await call('/get_login_info?echo=abc');
    assert.equal(b.body.echo, 'abc');
    const none = await call('/get_login_info', json({}));
    assert.equal('echo' in none.body, false);
  });

  test('a malformed JSON body is HTTP 400 / retcode 1400, and the server keeps serving', async () => {
    const bad = await call('/get_login_info', json('{"user_id": 1'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.status, 'failed');
    assert.equal(bad.body.retcode, 1400);
    assert.equal(bad.body.data, null);
    assert.equal(typeof bad.body.message, 'string');
    assert.equal(typeof bad.body.wording, 'string');
    const notObject = await call('/get_login_info', json('[1,2]'));
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.retcode, 1400);
    const good = await call('/get_login_info', json({}));
    assert.equal(good.body.retcode, 0);
  });

  test('a missing parameter is a semantic failure: HTTP 200, retcode 1400 naming the field', async () => {
    const r = await call('/get_stranger_info', json({}));
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'failed');
    assert.equal(r.body.retcode, 1400);
    assert.match(r.body.message, /user_id/);
  });

  test('an unknown action is HTTP 404 with retcode 1404', async () => {
    const r = await call('/no_such_action', json({}));
    assert.equal(r.status, 404);
    assert.equal(r.body.status, 'failed');
    assert.equal(r.body.retcode, 1404);
    assert.equal(r.body.data, null);
    assert.match(r.body.message, /no_such_action/);
  });

  test('a registered stub is HTTP 200, retcode 1404 with data.not_supported', async () => {
    const r = await call('/qidian_get_account_info', json({}));
    assert.equal(r.status, 200);
    assert.equal(r.body.retcode, 1404);
    assert.equal(r.body.data.not_supported, true);
    assert.equal(typeof r.body.data.message, 'string');
  });

  test('_async answers async at once and runs the action in the background', async () => {
    const r = await call('/set_qq_profile_async', json({ nickname: 'AsyncNick', echo: 'x' }));
    assert.deepEqual(r.body, { status: 'async', retcode: 1, data: null, echo: 'x' });
    await until(async () => (await call('/get_login_info')).body.data.nickname === 'AsyncNick', 'nickname set in the background');
  });

  test('_async of an unknown action or a stub fails at once', async () => {
    const unknown = await call('/no_such_action_async', json({}));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.retcode, 1404);
    const stub = await call('/qidian_get_account_info_async', json({}));
    assert.equal(stub.body.retcode, 1404);
    assert.equal(stub.body.data.not_supported, true);
  });

  test('_rate_limited answers async and runs the queued calls in order', async () => {
    const first = await call('/set_qq_profile_rate_limited', json({ nickname: 'Queued1' }));
    const second = await call('/set_qq_profile_rate_limited', json({ nickname: 'Queued2' }));
    assert.equal(first.body.status, 'async');
    assert.equal(second.body.retcode, 1);
    await until(async () => (await call('/get_login_info')).body.data.nickname === 'Queued2', 'both queued calls ran');
  });

  test('the sandbox control surface is not shadowed by the action routes', async () => {
    const r = await call('/sandbox/no_such_op', json({}));
    assert.equal(r.status, 404);
    assert.equal('retcode' in r.body, false);
  });
});

describe('OneBot HTTP face with an access token', () => {
  let bridge: Bridge;
  let base: string;
  const call = (path: string, init?: RequestInit) => request(base, path, init);

  before(async () => {
    bridge = await startBridge({
      onebot: { port: 0, accessToken: 's3cret' },
      mirai: { adapters: [] },
      limits: { bodyBytes: 4096 },
      logLevel: 'silent',
    });
    base = `http://127.0.0.1:${bridge.ports.onebot}`;
  });
  after(() => bridge.stop());

  test('no token is 401 / retcode 1401', async () => {
    const r = await call('/get_login_info', json({}));
    assert.equal(r.status, 401);
    assert.equal(r.body.retcode, 1401);
    assert.equal(r.body.status, 'failed');
  });

  test('a wrong token is 403 / retcode 1403, in a header or the query', async () => {
    const header = await call('/get_login_info', json({}, { authorization: 'Bearer nope' }));
    assert.equal(header.status, 403);
    assert.equal(header.body.retcode, 1403);
    const query = await call('/get_login_info?access_token=nope');
    assert.equal(query.status, 403);
    assert.equal(query.body.retcode, 1403);
  });

  test('the right token passes as Bearer, as Token, or as ?access_token', async () => {
    for (const [path, init] of [
      ['/get_login_info', json({}, { authorization: 'Bearer s3cret' })],
      ['/get_login_info', json({}, { authorization: 'Token s3cret' })],
      ['/get_login_info?access_token=s3cret', json({})],
      ['/get_stranger_info?access_token=s3cret&user_id=10001', {}],
    ] as [string, RequestInit][]) {
      const r = await call(path, init);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.retcode, 0, path);
    }
  });

  test('a body over the size limit is refused with an envelope, and the server keeps serving', async () => {
    const big = await call('/get_login_info', json({ pad: 'x'.repeat(10_000) }, { authorization: 'Bearer s3cret' }));
    assert.equal(big.status, 413);
    assert.equal(big.body.retcode, 1400);
    const ok = await call('/get_login_info', json({}, { authorization: 'Bearer s3cret' }));
    assert.equal(ok.body.retcode, 0);
  });
});

describe('OneBot failure envelopes', () => {
  test('an internal error answers a generic message and never the stack', () => {
    const env = errorEnvelope(toBridgeError(new Error('db password is hunter2')), { hasEcho: true, echo: 7 });
    assert.deepEqual(env, { status: 'failed', retcode: 1500, data: null, message: 'internal error', wording: 'internal error', echo: 7 });
  });

  test('error kinds map to the OneBot retcodes', () => {
    assert.equal(RETCODE.bad_params, 1400);
    assert.equal(RETCODE.unknown_action, 1404);
    assert.equal(RETCODE.unsupported, 1404);
    assert.equal(RETCODE.not_found, 1404);
    for (const k of ['file_missing', 'rejected', 'upstream', 'permission', 'muted', 'too_long', 'internal'] as const) assert.equal(RETCODE[k], 1500, k);
    const unsupported = errorEnvelope(new BridgeError('unsupported', 'nope', { not_supported: true, message: 'nope' }), { hasEcho: false });
    assert.deepEqual(unsupported.data, { not_supported: true, message: 'nope' });
  });
});
