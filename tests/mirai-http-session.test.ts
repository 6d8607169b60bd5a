/** mirai HTTP: envelopes, sessions and where their keys come from, status codes, parsing leniency, CORS. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge } from '../src/app';
import { openMirai, miraiPerSuite, SELF, LOBBY, VERIFY_KEY } from './helpers';

describe('mirai HTTP: sessions and envelopes', () => {
  const m = miraiPerSuite();

  test('about answers version 2.10.0 as JSON with charset UTF-8, without a session', async () => {
    const r = await m.raw('/about');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json; charset=UTF-8');
    assert.deepEqual(r.json, { code: 0, msg: '', data: { version: '2.10.0' } });
  });

  test('botList lists the sandbox account without a session', async () => {
    assert.deepEqual((await m.raw('/botList')).json, { code: 0, msg: '', data: [SELF] });
  });

  test('verify answers {code, session} only; a wrong key is code 1; a missing key is 400 naming the field', async () => {
    const ok = await m.post('/verify', { verifyKey: VERIFY_KEY });
    assert.deepEqual(Object.keys(ok), ['code', 'session']);
    assert.equal(ok.code, 0);
    assert.match(ok.session, /^[A-Za-z0-9]{8}$/);
    assert.deepEqual(await m.post('/verify', { verifyKey: 'wrong' }), { code: 1, msg: 'Auth Key错误' });
    const r = await m.raw('/verify', { method: 'POST', body: '{}' });
    assert.deepEqual(r.json, { code: 400, msg: '参数错误，缺少字段: verifyKey' });
  });

  test('bind: unknown session 3, unknown bot 2; an unbound key is 4 and no key is 3 on session routes', async () => {
    const { session } = await m.post('/verify', { verifyKey: VERIFY_KEY });
    assert.deepEqual(await m.post('/bind', { sessionKey: 'nosuchkey', qq: SELF }), { code: 3, msg: 'Session失效或不存在' });
    assert.deepEqual(await m.post('/bind', { sessionKey: session, qq: 12345 }), { code: 2, msg: '指定Bot不存在' });
    assert.deepEqual(await m.get('/friendList', { sessionKey: session }), { code: 4, msg: 'Session未认证' });
    assert.deepEqual((await m.raw('/friendList')).json, { code: 3, msg: 'Session失效或不存在' });
    assert.deepEqual(await m.post('/bind', { sessionKey: session, qq: String(SELF) }), { code: 0, msg: 'success' });
    assert.equal((await m.get('/friendList', { sessionKey: session })).code, 0);
  });

  test('release ends the session: later calls with its key are code 3', async () => {
    const { session } = await m.post('/verify', { verifyKey: VERIFY_KEY });
    await m.post('/bind', { sessionKey: session, qq: SELF });
    assert.deepEqual(await m.post('/release', { sessionKey: session, qq: 99999 }), { code: 2, msg: '指定Bot不存在' });
    assert.deepEqual(await m.post('/release', { sessionKey: session, qq: SELF }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.get('/groupList', { sessionKey: session }), { code: 3, msg: 'Session失效或不存在' });
  });

  test('sessionInfo: the key, the bot as a Friend, and the unread queue bound', async () => {
    const r = await m.get('/sessionInfo');
    assert.deepEqual(r, {
      code: 0, msg: '',
      data: { sessionKey: m.key, qq: { id: SELF, nickname: 'MahBot', remark: '' }, unreadQueue: { size: 0, capacity: 100, dropped: 0 } },
    });
  });

  test('the key is found in the sessionKey header, Authorization: session / sessionKey, the query and the body', async () => {
    const viaHeader = (headers: Record<string, string>) => m.raw('/groupList', { headers }).then((r) => r.json.code);
    assert.equal(await viaHeader({ sessionKey: m.key }), 0);
    assert.equal(await viaHeader({ SESSIONKEY: m.key }), 0);
    assert.equal(await viaHeader({ Authorization: `session ${m.key}` }), 0);
    assert.equal(await viaHeader({ Authorization: `SessionKey ${m.key}` }), 0);
    assert.equal(await viaHeader({ Authorization: `Bearer ${m.key}` }), 3);
    assert.equal(await viaHeader({ Authorization: 'session' }), 3);
    assert.equal((await m.raw(`/groupList?sessionKey=${m.key}`)).json.code, 0);
    // A dead header key falls through to the body's.
    const r = await m.raw('/sendNudge', {
      method: 'POST', headers: { sessionKey: 'deadbeef' }, body: JSON.stringify({ sessionKey: m.key, target: SELF, subject: LOBBY, kind: 'Other' }),
    });
    assert.deepEqual(r.json, { code: 0, msg: 'success' });
  });

  test('unknown paths, wrong methods and trailing slashes are 404 with an empty body', async () => {
    for (const [path, init] of [['/nope', undefined], ['/about/', undefined], ['/about', { method: 'POST', body: '{}' }], ['/auth', { method: 'POST', body: '{}' }]] as const) {
      const r = await m.raw(path, init);
      assert.equal(r.status, 404, path);
      assert.equal(r.text, '', path);
    }
  });

  test('a POST body that is not a JSON object is {code:400, msg:"Illegal input"} with HTTP 200', async () => {
    for (const body of ['---', '', '[1,2]', '"x"']) {
      const r = await m.raw('/sendGroupMessage', { method: 'POST', body });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { code: 400, msg: 'Illegal input' }, JSON.stringify(body));
    }
  });

  test('JSON is read whatever the Content-Type says, numbers may be strings, unknown keys are ignored', async () => {
    const r = await m.raw('/sendGroupMessage', {
      method: 'POST', headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ sessionKey: m.key, target: String(LOBBY), extra: { x: 1 }, messageChain: [{ type: 'Plain', text: 'lenient' }] }),
    });
    assert.equal(r.json.code, 0);
    assert.equal(typeof r.json.messageId, 'number');
  });

  test('missing fields are 400 "参数错误，缺少字段: a, b"; unknown query params are ignored', async () => {
    assert.deepEqual(await m.post('/sendNudge', {}), { code: 400, msg: '参数错误，缺少字段: target, subject, kind' });
    assert.deepEqual(await m.get('/memberList'), { code: 400, msg: '参数错误，缺少字段: target' });
    assert.deepEqual(await m.post('/sendGroupMessage', { target: LOBBY, messageChain: 'nope' }), { code: 400, msg: '无效参数' });
    const r = await m.get('/memberList', { target: LOBBY, _: 123, id: 5 });
    assert.equal(r.code, 0);
  });
});

describe('mirai HTTP: configuration-dependent behaviour', () => {
  test('single mode: verify gives SINGLE_SESSION, bind is unsupported (6), and any key reaches the bot', async () => {
    const m = await openMirai({ mirai: { singleMode: true } });
    try {
      assert.deepEqual(await m.post('/verify', { verifyKey: VERIFY_KEY }), { code: 0, session: 'SINGLE_SESSION' });
      assert.deepEqual(await m.post('/bind', { sessionKey: 'SINGLE_SESSION', qq: SELF }), { code: 6, msg: '指定操作不支持' });
      assert.equal((await m.get('/friendList', { sessionKey: 'whatever' })).code, 0);
      assert.equal((await m.raw('/friendList')).json.code, 0);
    } finally {
      await m.stop();
    }
  });

  test('a body over the size limit is refused with 413, and the server keeps serving', async () => {
    const m = await openMirai({ limits: { bodyBytes: 2048 } });
    try {
      const r = await m.raw('/sendGroupMessage', { method: 'POST', body: JSON.stringify({ sessionKey: m.key, target: LOBBY, messageChain: [{ type: 'Plain', text: 'x'.repeat(5000) }] }) });
      assert.equal(r.status, 413);
      assert.equal(r.json.code, 400);
      assert.equal((await m.get('/about')).code, 0);
    } finally {
      await m.stop();
    }
  });

  test('CORS: "*" allows any origin and the key headers in preflight; a listed host only allows itself (403 otherwise)', async () => {
    const open = await openMirai();
    try {
      const pre = await fetch(`${open.base}/friendList`, {
        method: 'OPTIONS', headers: { Origin: 'http://web.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'sessionkey' },
      });
      assert.equal(pre.status, 200);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*');
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /sessionKey/);
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
      const get = await fetch(`${open.base}/about`, { headers: { Origin: 'http://web.example' } });
      assert.equal(get.headers.get('access-control-allow-origin'), '*');
    } finally {
      await open.stop();
    }
    const strict = await openMirai({ mirai: { adapterSettings: { http: { cors: ['app.example:3000'] } } } });
    try {
      const ok = await fetch(`${strict.base}/about`, { headers: { Origin: 'https://app.example:3000' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example:3000');
      const no = await fetch(`${strict.base}/about`, { headers: { Origin: 'http://evil.example' } });
      assert.equal(no.status, 403);
      // No Origin: not a browser, not CORS.
      assert.equal((await fetch(`${strict.base}/about`)).status, 200);
    } finally {
      await strict.stop();
    }
  });

  test('with only the ws adapter on, the shared port serves the uploads but not the other routes', async () => {
    const bridge = await startBridge({ onebot: { port: 0 }, mirai: { adapters: ['ws'], verifyKey: VERIFY_KEY, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
    try {
      const base = `http://127.0.0.1:${bridge.ports.mirai}`;
      // A socket's session, made the way the WS face makes it.
      const session = bridge.mirai!.sessions.connect({ verifyKey: VERIFY_KEY, qq: SELF });
      const about = await fetch(`${base}/about`);
      assert.equal(about.status, 404);
      const form = new FormData();
      form.append('type', 'group');
      form.append('img', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])]), 'a.png');
      const r = await fetch(`${base}/uploadImage`, { method: 'POST', headers: { sessionKey: session.key }, body: form });
      assert.equal(r.status, 200);
      assert.match(((await r.json()) as { imageId: string }).imageId, /^\{[0-9A-F-]{36}\}\.png$/);
    } finally {
      await bridge.stop();
    }
  });
});

