/**
 * The twenty things real mirai-api-http clients depend on (shared/spec/mirai-clients.md), one test
 * per point, each over the real wire: HTTP through fetch, WebSocket through `ws`, the sandbox as the
 * QQ account on the other side.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge } from '../src/app';
import { openMirai, qs, ALICE, BOB, DAVE, LOBBY, QUIET, SELF, VERIFY_KEY, MEMBER_KEYS, PROFILE_KEYS, type Json, type Mirai, FrameClient } from './helpers';
import { MAH_EVENT_TYPES, SCENARIO, playScenario } from './mirai-event-scenario';

const T = { timeout: 20_000 };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const IMAGE_KEYS = ['type', 'imageId', 'url', 'path', 'base64', 'width', 'height', 'size', 'imageType', 'isEmoji'];

/** A hand-written multipart body, so the test controls every header byte (as odd clients send them). */
function multipart(parts: { name: string; filename?: string; disposition?: string; type?: string; data: Buffer | string }[]) {
  const boundary = '----compat' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = p.disposition ?? `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

/** Every key and value of a JSON value, recursively (to find strings where numbers belong). */
function walk(v: unknown, visit: (key: string, value: unknown) => void, key = ''): void {
  visit(key, v);
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit, key));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, visit, k);
}
const ID_KEYS = new Set(['id', 'target', 'qq', 'group', 'memberId', 'fromId', 'senderId', 'targetId', 'groupId', 'authorId', 'eventId', 'messageId', 'time']);

describe('what real mirai clients depend on', () => {
  let m: Mirai;
  let wsBase: string;
  const opened: FrameClient[] = [];
  /** A socket for the test, closed in `after`. */
  const open = async (path: string, headers?: Record<string, string>) => {
    const c = await FrameClient.open(wsBase + path, headers);
    opened.push(c);
    return c;
  };
  const raw = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => m.raw(path, init);
  const postRaw = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  /** A fresh HTTP session (verify + bind), as most clients start. */
  const newSession = async () => {
    const key = (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session as string;
    assert.deepEqual((await postRaw('/bind', { sessionKey: key, qq: SELF })).json, { code: 0, msg: 'success' });
    return key;
  };

  before(async () => {
    m = await openMirai();
    wsBase = m.base.replace(/^http/, 'ws');
  });
  after(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await m.stop();
  });

  test('1. the sessionKey is found in the body, the query, a form field, a sessionKey header and Authorization: session', T, async () => {
    const key = await newSession();
    const chain = [{ type: 'Plain', text: 'where is my key' }];
    // JSON body (most clients) and query (GET routes).
    assert.equal((await postRaw('/sendFriendMessage', { sessionKey: key, target: ALICE, messageChain: chain })).json.code, 0);
    assert.equal((await raw(`/friendList?sessionKey=${key}`)).json.code, 0);
    // YiriMirai: only the header, on GET and POST.
    assert.equal((await raw('/friendList', { headers: { sessionKey: key } })).json.code, 0);
    assert.equal((await postRaw('/sendFriendMessage', { target: ALICE, messageChain: chain }, { sessionKey: key })).json.code, 0);
    // Mirai.Net: only Authorization, on GET and POST.
    assert.equal((await raw('/groupList', { headers: { Authorization: `session ${key}` } })).json.code, 0);
    assert.equal((await postRaw('/sendGroupMessage', { target: LOBBY, messageChain: chain }, { Authorization: `session ${key}` })).json.code, 0);
    // mirai-ts: botProfile with the header alone answers the bare profile.
    const profile = (await raw('/botProfile', { headers: { sessionKey: key } })).json;
    assert.deepEqual(Object.keys(profile), PROFILE_KEYS);
    // A multipart form field.
    const form = multipart([{ name: 'sessionKey', data: key }, { name: 'type', data: 'group' }, { name: 'img', filename: 'a.png', type: 'image/png', data: PNG }]);
    const up = (await raw('/uploadImage', { method: 'POST', headers: form.headers, body: form.body })).json;
    assert.equal(typeof up.imageId, 'string', JSON.stringify(up));
    // A dead key in a header does not hide a live one in the body; with no key at all it is 3.
    assert.equal((await postRaw('/sendFriendMessage', { sessionKey: key, target: ALICE, messageChain: chain }, { sessionKey: 'deadbeef' })).json.code, 0);
    assert.deepEqual((await raw('/friendList')).json, { code: 3, msg: 'Session失效或不存在' });
  });

  test('2. every number may come as a JSON string (Mirai.Net): qq, target, quote, messageId, At target, faceId', T, async () => {
    const key = (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session as string;
    assert.deepEqual((await postRaw('/bind', { sessionKey: key, qq: String(SELF) })).json, { code: 0, msg: 'success' });
    const auth = { Authorization: `session ${key}` };
    const first = (await postRaw('/sendGroupMessage', {
      target: String(LOBBY),
      messageChain: [{ type: 'At', target: String(ALICE), display: '' }, { type: 'Plain', text: ' hi ' }, { type: 'Face', faceId: '14', name: '' }],
    }, auth)).json;
    assert.equal(first.code, 0, JSON.stringify(first));
    assert.ok(isInt(first.messageId));
    const quoted = (await postRaw('/sendGroupMessage', { group: String(LOBBY), quote: String(first.messageId), messageChain: [{ type: 'Plain', text: 'again' }] }, auth)).json;
    assert.equal(quoted.code, 0, JSON.stringify(quoted));
    const got = (await raw(`/messageFromId?${qs({ target: String(LOBBY), messageId: String(quoted.messageId) })}`, { headers: auth })).json;
    assert.equal(got.code, 0);
    const [source, quote] = got.data.messageChain;
    assert.deepEqual(source, { type: 'Source', id: quoted.messageId, time: source.time });
    assert.equal(quote.type, 'Quote');
    assert.equal(quote.id, first.messageId);
    const origin = quote.origin as Json[];
    assert.deepEqual(origin.find((e) => e.type === 'At'), { type: 'At', target: ALICE, display: '' });
    assert.equal(origin.find((e) => e.type === 'Face').faceId, 14);
    // Every id in what comes back is a JSON number, whatever came in.
    walk(got.data, (k, v) => {
      if (ID_KEYS.has(k) && v !== null && typeof v !== 'object') assert.equal(typeof v, 'number', `${k} is ${JSON.stringify(v)}`);
    });
    assert.equal((await postRaw('/sendFriendMessage', { qq: String(ALICE), messageChain: [{ type: 'Plain', text: 'x' }] }, auth)).json.code, 0);
    assert.deepEqual((await postRaw('/mute', { target: String(LOBBY), memberId: String(DAVE), time: '60' }, auth)).json, { code: 0, msg: 'success' });
    assert.deepEqual((await postRaw('/unmute', { target: String(LOBBY), memberId: String(DAVE) }, auth)).json, { code: 0, msg: 'success' });
    assert.deepEqual((await postRaw('/sendNudge', { target: String(ALICE), subject: String(LOBBY), kind: 'Group' }, auth)).json, { code: 0, msg: 'success' });
    assert.deepEqual((await postRaw('/recall', { target: String(LOBBY), messageId: String(quoted.messageId) }, auth)).json, { code: 0, msg: 'success' });
    // The same over WS content.
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const ws = await c.command('1', 'sendFriendMessage', { target: String(ALICE), messageChain: [{ type: 'Face', faceId: '76' }] });
    assert.equal(ws.data!.code, 0, JSON.stringify(ws));
    const info = await c.command('2', 'memberInfo', { target: String(LOBBY), memberId: String(ALICE) }, 'get');
    assert.equal(info.data!.id, ALICE);
  });

  test('3. null and blank media fields mean absent; imageId wins over url, path and base64', T, async () => {
    const form = multipart([{ name: 'type', data: 'group' }, { name: 'img', filename: 'img.jpg', data: PNG }]);
    const { imageId } = (await raw('/uploadImage', { method: 'POST', headers: { ...form.headers, sessionKey: m.key }, body: form.body })).json;
    const fileOf = async (messageId: number) => ((await m.bridge.core.call('get_msg', { message_id: messageId })) as Json).message.find((s: Json) => s.type === 'image').data.file as string;
    const send = async (image: Record<string, unknown>) => {
      const r = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Image', ...image }] });
      assert.equal(r.code, 0, `${JSON.stringify(image)} → ${JSON.stringify(r)}`);
      return fileOf(r.messageId);
    };
    const uploaded = await send({ imageId });
    // mirai-ts: every other source null.
    assert.equal(await send({ imageId, url: null, path: null, base64: null }), uploaded);
    // node-mirai-sdk: url "" beside the imageId.
    assert.equal(await send({ imageId, url: '' }), uploaded);
    assert.equal(await send({ imageId, url: '', path: '', base64: '' }), uploaded);
    // imageId first, even when a url or base64 is given too.
    assert.equal(await send({ imageId, url: 'https://example.com/other.gif', base64: Buffer.from('GIF89a').toString('base64') }), uploaded);
    // With the id null or blank, the next source in order is used.
    const byUrl = await send({ imageId: null, url: 'https://example.com/pic.gif', path: null, base64: null });
    assert.notEqual(byUrl, uploaded);
    assert.equal(await send({ imageId: '', url: 'https://example.com/pic.gif', base64: PNG.toString('base64') }), byUrl);
    assert.equal(await send({ imageId: null, url: null, path: null, base64: PNG.toString('base64') }), uploaded, 'same bytes, same picture');
    // Nothing usable: the element is dropped, and an otherwise empty chain is refused, not sent.
    const empty = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Image', imageId: null, url: '', path: null, base64: null }] });
    assert.equal(empty.code, 400);
    assert.equal(typeof empty.msg, 'string');
  });

  test('4. on WS connect, verifyKey, qq and sessionKey are read from the headers first, then the query', T, async () => {
    const headerWins = await open(`/all?verifyKey=wrong&qq=1`, { verifyKey: VERIFY_KEY, qq: String(SELF) });
    assert.equal((await headerWins.handshake()).data!.code, 0);
    const wrongHeader = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`, { verifyKey: 'wrong' });
    assert.deepEqual((await wrongHeader.handshake()).data, { code: 1, msg: 'Auth Key错误' });
    assert.equal((await wrongHeader.waitClosed()).code, 1000);
    const queryOnly = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    assert.equal((await queryOnly.handshake()).data!.code, 0);
    // A header sessionKey attaches to that session even with a qq in the query.
    const key = await newSession();
    const attach = await open(`/event?qq=${SELF}&verifyKey=${VERIFY_KEY}`, { sessionKey: key });
    assert.deepEqual((await attach.handshake()).data, { code: 0, session: key });
  });

  test('5. HTTP and WS share one port: the HTTP base URL with ws:// is the socket endpoint', T, async () => {
    const port = new URL(m.base).port;
    assert.equal((await raw('/about')).json.data.version, '2.10.0');
    for (const path of ['/all', '/message', '/event']) {
      const c = await open(`${path}?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
      assert.equal(new URL(c.ws.url).port, port);
      assert.equal((await c.handshake()).data!.code, 0, path);
      assert.equal((await c.command('about', 'about')).data!.code, 0);
    }
  });

  test('6. a WS opened with an HTTP session key and no qq reuses that session, and the HTTP session outlives the socket', T, async () => {
    const key = await newSession();
    // mirai-js: sessionKey + verifyKey in the query, no qq.
    const a = await open(`/all?sessionKey=${key}&verifyKey=${VERIFY_KEY}`);
    assert.deepEqual((await a.handshake()).data, { code: 0, session: key });
    const b = await open(`/message?sessionKey=${key}&verifyKey=${VERIFY_KEY}`);
    assert.deepEqual((await b.handshake()).data, { code: 0, session: key });
    // The socket speaks for the same session: the HTTP queue still gets events it also pushes.
    const from = a.frames.length;
    await m.sandbox('message', { user_id: ALICE, message: 'to both' });
    await a.next((f) => f.syncId === '-1' && f.data?.type === 'FriendMessage', from);
    await a.close();
    await b.close();
    const info = (await raw(`/sessionInfo?sessionKey=${key}`)).json;
    assert.equal(info.code, 0, 'the HTTP session is alive after its sockets closed');
    assert.equal(info.data.sessionKey, key);
    const queued = (await raw(`/fetchMessage?sessionKey=${key}&count=10`)).json;
    assert.ok(queued.data.some((e: Json) => e.type === 'FriendMessage'));
    // Release ends it for good.
    assert.deepEqual((await postRaw('/release', { sessionKey: key, qq: SELF })).json, { code: 0, msg: 'success' });
    assert.equal((await raw(`/sessionInfo?sessionKey=${key}`)).json.code, 3);
  });

  test('7. the first WS frame is exactly {"syncId":"","data":{"code":0,"session":"…"}}', T, async () => {
    // YiriMirai: headers, then it waits for syncId "".
    const c = await open('/all', { verifyKey: VERIFY_KEY, qq: String(SELF) });
    await c.handshake();
    assert.match(c.raw[0], /^\{"syncId":"","data":\{"code":0,"session":"[A-Za-z0-9]{8}"\}\}$/);
    // Single mode answers the same shape with SINGLE_SESSION.
    const single = await startBridge({ onebot: { enable: false }, mirai: { verifyKey: VERIFY_KEY, singleMode: true, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
    try {
      const s = await FrameClient.open(`ws://127.0.0.1:${single.ports.mirai}/all?verifyKey=${VERIFY_KEY}`);
      await s.handshake();
      assert.equal(s.raw[0], '{"syncId":"","data":{"code":0,"session":"SINGLE_SESSION"}}');
      await s.close();
    } finally {
      await single.stop();
    }
  });

  test('8. syncId is echoed exactly as sent: url-safe tokens, decimal strings and plain numbers', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const cases: [unknown, string, Record<string, unknown>?][] = [
      ['q8Zr-_x0AbC', 'about'], // Ariadne
      ['17', 'friendList'], // YiriMirai
      [1234567, 'groupList'], // node-mirai-sdk, mirai-js v3
      [0, 'botList'],
      [987654, 'noSuchCommand', {}], // errors echo it too
      ['42', 'memberList', { target: 999 }],
    ];
    for (const [syncId, command, content] of cases) {
      const from = c.raw.length;
      const reply = await c.command(syncId, command, content);
      assert.strictEqual(reply.syncId, syncId);
      assert.ok(c.raw.slice(from).some((r) => r.startsWith(`{"syncId":${JSON.stringify(syncId)},"data":`)), `${command}: ${JSON.stringify(syncId)}`);
    }
  });

  test('9. pushed events carry syncId "-1" (a string), or the configured reservedSyncId', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const from = c.raw.length;
    await m.sandbox('message', { user_id: BOB, group_id: LOBBY, message: 'push me' });
    const push = await c.next((f) => f.data?.type === 'GroupMessage', from);
    assert.strictEqual(push.syncId, '-1');
    assert.ok(c.raw.slice(from).every((r) => r.startsWith('{"syncId":"-1","data":{"type":')));
    const other = await startBridge({ onebot: { port: 0 }, mirai: { verifyKey: VERIFY_KEY, adapterSettings: { http: { port: 0 }, ws: { reservedSyncId: 'evt' } } }, logLevel: 'silent' });
    try {
      const o = await FrameClient.open(`ws://127.0.0.1:${other.ports.mirai}/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
      await o.handshake();
      const res = await fetch(`http://127.0.0.1:${other.ports.onebot}/sandbox/message`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: ALICE, message: 'hi' }),
      });
      assert.equal(res.status, 200);
      assert.equal((await o.next((f) => f.data?.type === 'FriendMessage')).syncId, 'evt');
      await o.close();
    } finally {
      await other.stop();
    }
  });

  test('10. no WS frame has a top-level code, and no send result or bare object has a data key', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const commands: [string, Record<string, unknown> | undefined, string?][] = [
      ['sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'ten' }] }],
      ['sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'ten' }] }],
      ['sendTempMessage', { qq: DAVE, group: LOBBY, messageChain: [{ type: 'Plain', text: 'ten' }] }],
      ['botProfile', undefined], ['friendProfile', { target: ALICE }], ['memberProfile', { target: LOBBY, memberId: BOB }], ['userProfile', { target: DAVE }],
      ['memberInfo', { target: LOBBY, memberId: ALICE }, 'get'], ['groupConfig', { target: LOBBY }, 'get'],
      // Errors of every kind.
      ['sendFriendMessage', { target: 1, messageChain: [{ type: 'Plain', text: 'x' }] }], ['noSuchCommand', {}], ['memberList', {}],
      ['groupConfig', { target: LOBBY }], ['mute', { target: QUIET, memberId: ALICE, time: 60 }],
    ];
    let n = 0;
    for (const [command, content, sub] of commands) {
      const r = await c.command(`c${n++}`, command, content, sub);
      if (command.startsWith('send') && r.data!.code === 0) {
        assert.deepEqual(Object.keys(r.data!), ['code', 'msg', 'messageId'], command);
        assert.ok(isInt(r.data!.messageId));
      }
      if (/Profile$/.test(command) || sub === 'get') {
        assert.equal('data' in r.data!, false, command);
        assert.equal('code' in r.data!, false, command);
      }
    }
    await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'an event too' });
    await c.next((f) => f.data?.type === 'GroupMessage');
    for (const f of c.frames) assert.equal('code' in f, false, JSON.stringify(f));
    // Over HTTP the same: sends have messageId at the top, bare objects no data.
    const sent = await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'ten' }] });
    assert.deepEqual(Object.keys(sent), ['code', 'msg', 'messageId']);
    for (const [path, q] of [['/botProfile', {}], ['/friendProfile', { target: ALICE }], ['/memberInfo', { target: LOBBY, memberId: ALICE }], ['/groupConfig', { target: LOBBY }]] as const) {
      const r = await m.get(path, q);
      assert.equal('data' in r, false, path);
      assert.equal('code' in r, false, path);
    }
    const form = multipart([{ name: 'type', data: 'friend' }, { name: 'img', filename: 'a.png', data: PNG }]);
    const up = (await raw('/uploadImage', { method: 'POST', headers: { ...form.headers, sessionKey: m.key }, body: form.body })).json;
    assert.deepEqual(Object.keys(up), ['imageId', 'url']);
  });

  test('11. reply shapes: Restful for lists, queues, messageFromId and about; {code,msg,messageId} for sends; bare objects elsewhere', T, async () => {
    const restful = (r: Json, what: string) => {
      assert.deepEqual(Object.keys(r), ['code', 'msg', 'data'], what);
      assert.equal(r.code, 0, what);
      assert.equal(r.msg, '', what);
    };
    for (const [path, q] of [
      ['/friendList', {}], ['/groupList', {}], ['/memberList', { target: LOBBY }], ['/latestMemberList', { target: LOBBY }],
      ['/countMessage', {}], ['/fetchMessage', { count: 1 }], ['/fetchLatestMessage', { count: 1 }], ['/peekMessage', { count: 1 }],
      ['/peekLatestMessage', { count: 1 }], ['/about', {}], ['/botList', {}], ['/sessionInfo', {}], ['/file/list', { target: LOBBY }], ['/anno/list', { id: LOBBY }],
    ] as const) restful(await m.get(path, q), path);
    assert.ok(Array.isArray((await m.get('/friendList')).data));
    assert.ok(isInt((await m.get('/countMessage')).data));
    const sent = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'shape' }] });
    assert.deepEqual(sent, { code: 0, msg: 'success', messageId: sent.messageId });
    restful(await m.get('/messageFromId', { target: LOBBY, messageId: sent.messageId }), 'messageFromId');
    assert.deepEqual(await m.post('/recall', { target: LOBBY, messageId: sent.messageId }), { code: 0, msg: 'success' });
    for (const [path, q, keys] of [
      ['/botProfile', {}, PROFILE_KEYS], ['/friendProfile', { target: ALICE }, PROFILE_KEYS], ['/memberProfile', { target: LOBBY, memberId: BOB }, PROFILE_KEYS],
      ['/userProfile', { target: DAVE }, PROFILE_KEYS], ['/memberInfo', { target: LOBBY, memberId: ALICE }, MEMBER_KEYS],
      ['/groupConfig', { target: LOBBY }, ['name', 'confessTalk', 'allowMemberInvite', 'autoApprove', 'anonymousChat', 'muteAll']],
    ] as const) assert.deepEqual(Object.keys(await m.get(path, q)), keys, path);
    // WS answers the same shapes in data.
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    restful((await c.command('a', 'friendList')).data, 'ws friendList');
    restful((await c.command('b', 'about')).data, 'ws about');
    assert.deepEqual(Object.keys((await c.command('c', 'botProfile')).data!), PROFILE_KEYS);
  });

  test('12. msg is always a string; profiles always carry nickname, email, age, level, sign and sex', T, async () => {
    const checkProfile = (p: Json, what: string) => {
      assert.deepEqual(Object.keys(p), PROFILE_KEYS, what);
      for (const k of ['nickname', 'email', 'sign']) assert.equal(typeof p[k], 'string', `${what}.${k}`);
      assert.ok(isInt(p.age) && isInt(p.level), what);
      assert.ok(['UNKNOWN', 'MALE', 'FEMALE'].includes(p.sex), `${what}.sex ${p.sex}`);
    };
    checkProfile(await m.get('/botProfile'), 'bot');
    checkProfile(await m.get('/friendProfile', { target: ALICE }), 'friend');
    checkProfile(await m.get('/memberProfile', { target: LOBBY, memberId: DAVE }), 'member');
    checkProfile(await m.get('/userProfile', { target: DAVE }), 'user');
    assert.equal((await m.get('/friendProfile', { target: ALICE })).sex, 'FEMALE');
    // Someone the world knows almost nothing about still has every field.
    await m.sandbox('friend_request', { user_id: 30999 });
    checkProfile(await m.get('/userProfile', { target: 30999 }), 'stranger');
    // Every kind of answer has a string msg, errors included.
    const answers = [
      (await postRaw('/verify', { verifyKey: 'wrong' })).json,
      (await postRaw('/bind', { sessionKey: (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session, qq: 1 })).json,
      (await raw('/friendList?sessionKey=nope')).json,
      await m.get('/friendProfile', { target: 1 }),
      await m.get('/memberList'),
      await m.post('/sendOtherClientMessage', { target: 1, messageChain: [] }),
      await m.post('/mute', { target: QUIET, memberId: ALICE, time: 60 }),
      (await raw('/sendFriendMessage', { method: 'POST', body: '---' })).json,
      await m.get('/about'),
      await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'ok' }] }),
    ];
    for (const a of answers) assert.equal(typeof a.msg, 'string', JSON.stringify(a));
    assert.deepEqual(answers.map((a) => a.code), [1, 2, 3, 5, 400, 6, 10, 400, 0, 0]);
  });

  test('13. /about answers a plain X.Y.Z version of at least 2.6.0, with no session', T, async () => {
    const r = await raw('/about');
    assert.equal(r.status, 200);
    assert.match(r.type ?? '', /^application\/json/);
    assert.deepEqual(r.json, { code: 0, msg: '', data: { version: r.json.data.version } });
    const version = r.json.data.version as string;
    assert.match(version, /^\d+\.\d+\.\d+$/);
    const [major, minor] = version.split('.').map(Number);
    assert.ok(major > 2 || (major === 2 && minor >= 6), version);
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    assert.equal(((await c.command('v', 'about')).data!.data as Json).version, version);
  });

  test('14. errors are HTTP 200 with the code in the body; after 3 or 4 a client can verify and bind again', T, async () => {
    const fresh = (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session as string;
    const cases: [string, RequestInit & { headers?: Record<string, string> }, number][] = [
      ['/verify', { method: 'POST', body: JSON.stringify({ verifyKey: 'bad' }) }, 1],
      ['/bind', { method: 'POST', body: JSON.stringify({ sessionKey: fresh, qq: 424242 }) }, 2],
      ['/friendList?sessionKey=unknown', {}, 3],
      ['/friendProfile?' + qs({ sessionKey: m.key, target: 1 }), {}, 5],
      ['/sendOtherClientMessage', { method: 'POST', body: JSON.stringify({ sessionKey: m.key, target: 1, messageChain: [{ type: 'Plain', text: 'x' }] }) }, 6],
      ['/mute', { method: 'POST', body: JSON.stringify({ sessionKey: m.key, target: QUIET, memberId: ALICE, time: 60 }) }, 10],
      ['/memberList?sessionKey=' + m.key, {}, 400],
      ['/sendFriendMessage', { method: 'POST', body: 'not json' }, 400],
    ];
    for (const [path, init, code] of cases) {
      const r = await raw(path, init);
      assert.equal(r.status, 200, path);
      assert.equal(r.json.code, code, `${path}: ${r.text}`);
    }
    const unbound = (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session as string;
    const r4 = await raw(`/friendList?sessionKey=${unbound}`);
    assert.deepEqual([r4.status, r4.json], [200, { code: 4, msg: 'Session未认证' }]);
    // mirai-ts: on 3 it verifies and binds again, then carries on.
    const key = await newSession();
    await postRaw('/release', { sessionKey: key, qq: SELF });
    assert.equal((await raw('/friendList', { headers: { sessionKey: key } })).json.code, 3);
    const again = await newSession();
    assert.equal((await raw('/friendList', { headers: { sessionKey: again } })).json.code, 0);
  });

  test('15. messageChain[0] is Source{id,time} pushed and in messageFromId; the bot\'s own messages come back with the bot as sender', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const from = c.frames.length;
    const { message_id } = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'source first' });
    const push = (await c.next((f) => f.data?.type === 'GroupMessage', from)).data as Json;
    const source = push.messageChain[0];
    assert.deepEqual(Object.keys(source), ['type', 'id', 'time']);
    assert.deepEqual(source, { type: 'Source', id: message_id, time: source.time });
    assert.ok(isInt(source.time) && source.time > 1_600_000_000 && source.time < 10_000_000_000, 'epoch seconds');
    const fetched = (await m.get('/messageFromId', { target: LOBBY, messageId: message_id })).data;
    assert.deepEqual(fetched, push);
    // The bot's own group message: a GroupMessage from the bot as a member of that group.
    const g = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'mine' }] });
    const own = (await m.get('/messageFromId', { target: LOBBY, messageId: g.messageId })).data;
    assert.equal(own.type, 'GroupMessage');
    assert.deepEqual(own.messageChain[0], { type: 'Source', id: g.messageId, time: own.messageChain[0].time });
    assert.deepEqual(own.messageChain.slice(1), [{ type: 'Plain', text: 'mine' }]);
    assert.deepEqual(Object.keys(own.sender), MEMBER_KEYS);
    assert.equal(own.sender.id, SELF);
    assert.equal(own.sender.permission, 'OWNER');
    assert.equal(own.sender.group.id, LOBBY);
    // To a friend: a FriendMessage whose sender is the bot as a Friend.
    const f = await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'mine too' }] });
    const ownF = (await m.get('/messageFromId', { target: ALICE, messageId: f.messageId })).data;
    assert.equal(ownF.type, 'FriendMessage');
    assert.equal(ownF.messageChain[0].type, 'Source');
    assert.deepEqual(ownF.sender, { id: SELF, nickname: 'MahBot', remark: '' });
  });

  test('16. received Image elements: string imageId, integer width and height, url an http(s) URL or null, never ""', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    const check = (el: Json, what: string) => {
      assert.deepEqual(Object.keys(el), IMAGE_KEYS, what);
      assert.match(el.imageId, /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}\.(jpg|png|gif|bmp)$/, what);
      assert.ok(isInt(el.width) && isInt(el.height) && isInt(el.size), what);
      assert.ok(el.url === null || /^https?:\/\//.test(el.url), `${what}: url ${JSON.stringify(el.url)}`);
      assert.equal(el.path, null);
      assert.equal(el.base64, null);
      assert.equal(typeof el.isEmoji, 'boolean');
    };
    const from = c.frames.length;
    const { message_id } = await m.sandbox('message', {
      user_id: ALICE,
      message: [{ type: 'image', data: { file: `base64://${PNG.toString('base64')}` } }, { type: 'image', data: { file: `base64://${PNG.toString('base64')}`, type: 'flash' } }],
    });
    const push = (await c.next((f) => f.data?.type === 'FriendMessage', from)).data as Json;
    const [img, flash] = push.messageChain.slice(1);
    assert.equal(img.type, 'Image');
    assert.equal(flash.type, 'FlashImage');
    check(img, 'pushed Image');
    check(flash, 'pushed FlashImage');
    assert.equal(img.imageType, 'PNG');
    const again = (await m.get('/messageFromId', { target: ALICE, messageId: message_id })).data;
    check(again.messageChain[1], 'messageFromId Image');
    // The picture a friend sent can be sent on by its imageId; the bot's own message shows the same id.
    const sent = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Image', imageId: img.imageId }] });
    assert.equal(sent.code, 0);
    const own = (await m.get('/messageFromId', { target: LOBBY, messageId: sent.messageId })).data;
    check(own.messageChain[1], 'own Image');
    assert.equal(own.messageChain[1].imageId, img.imageId);
    // An uploaded picture keeps its imageId in the bot's own message, and equals the id of the same bytes received.
    const form = multipart([{ name: 'type', data: 'group' }, { name: 'img', filename: 'img', data: PNG }]);
    const up = (await raw('/uploadImage', { method: 'POST', headers: { ...form.headers, sessionKey: m.key }, body: form.body })).json;
    assert.equal(up.imageId, img.imageId, 'an image id names its content');
    const byUpload = await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Image', imageId: up.imageId }, { type: 'Image', base64: PNG.toString('base64') }] });
    const ownF = (await m.get('/messageFromId', { target: ALICE, messageId: byUpload.messageId })).data;
    for (const el of ownF.messageChain.slice(1)) {
      check(el, 'own uploaded Image');
      assert.equal(el.imageId, up.imageId);
    }
  });

  test('17. multipart: session from headers or a form field; a raw UTF-8 filename beside a malformed filename* is kept', T, async () => {
    const upload = async (path: string, parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}) => {
      const form = multipart(parts);
      const r = await raw(path, { method: 'POST', headers: { ...form.headers, ...headers }, body: form.body });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    // YiriMirai (header), Mirai.Net (Authorization), mirai-js (form field); aiohttp names the file part after its field.
    for (const [how, headers, extra] of [
      ['header', { sessionKey: m.key }, []], ['Authorization', { Authorization: `session ${m.key}` }, []], ['form field', {}, [{ name: 'sessionKey', data: m.key }]],
    ] as const) {
      const r = await upload('/uploadImage', [...extra, { name: 'type', data: 'group' }, { name: 'img', filename: 'img', data: PNG }], headers);
      assert.deepEqual(Object.keys(r), ['imageId', 'url'], how);
    }
    // A text field stays a field: type is read, not mistaken for a file.
    const voice = await upload('/uploadVoice', [{ name: 'type', data: 'friend' }, { name: 'voice', filename: 'voice.slk', type: 'application/octet-stream', data: '#!SILK_V3' }], { sessionKey: m.key });
    assert.deepEqual(Object.keys(voice), ['voiceId']);
    // Mirai.Net: the raw UTF-8 name, and a filename* it did not encode properly.
    const name = '季度报告 v2.txt';
    const fileParts = (disposition: string) => [
      { name: 'type', data: 'group' }, { name: 'target', data: String(LOBBY) }, { name: 'path', data: '' },
      { name: 'file', disposition, type: 'text/plain', data: 'report' },
    ];
    const dotnet = await upload('/file/upload', fileParts(`form-data; name=file; filename="${name}"; filename*=utf-8''${name}`), { Authorization: `session ${m.key}` });
    assert.equal(dotnet.code, 0, JSON.stringify(dotnet));
    assert.equal(dotnet.data.name, name);
    // A filename* that is well formed wins; an RFC 2047 encoded filename is decoded.
    const star = await upload('/file/upload', fileParts(`form-data; name="file"; filename="x.txt"; filename*=UTF-8''${encodeURIComponent('星.txt')}`), { sessionKey: m.key });
    assert.equal(star.data.name, '星.txt');
    const mime = await upload('/file/upload', fileParts(`form-data; name="file"; filename="=?utf-8?B?${Buffer.from('月报.txt').toString('base64')}?="; filename*=utf-8''%E6%9C%88%E6`), { sessionKey: m.key });
    assert.equal(mime.data.name, '月报.txt');
    const listed = (await m.get('/file/list', { target: LOBBY })).data.map((f: Json) => f.name);
    for (const n of [name, '星.txt', '月报.txt']) assert.ok(listed.includes(n), n);
  });

  test('18. polling: from before /bind a stream of 3/4 answers; peek does not consume, fetch does; count then fetch', T, async () => {
    // node-mirai-sdk polls before it has a key, then before the key is bound.
    for (let i = 0; i < 3; i++) {
      const none = await raw('/fetchMessage?count=10');
      assert.deepEqual([none.status, none.json], [200, { code: 3, msg: 'Session失效或不存在' }]);
    }
    const key = (await postRaw('/verify', { verifyKey: VERIFY_KEY })).json.session as string;
    for (let i = 0; i < 3; i++) {
      const early = await raw(`/fetchMessage?sessionKey=${key}&count=10`);
      assert.deepEqual([early.status, early.json], [200, { code: 4, msg: 'Session未认证' }]);
    }
    await postRaw('/bind', { sessionKey: key, qq: SELF });
    const ids: number[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await m.sandbox('message', { user_id: ALICE, message: text })).message_id);
    const get = async (path: string, q: Record<string, unknown> = {}) => (await raw(`${path}?${qs({ sessionKey: key, ...q })}`)).json;
    for (let i = 0; i < 200 && (await get('/countMessage')).data < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const sourceIds = (events: Json[]) => events.map((e) => e.messageChain[0].id);
    assert.deepEqual(sourceIds((await get('/peekMessage', { count: 10 })).data), ids);
    assert.deepEqual(sourceIds((await get('/peakMessage', { count: 2 })).data), ids.slice(0, 2));
    assert.deepEqual(sourceIds((await get('/peekLatestMessage', { count: 10 })).data), [...ids].reverse());
    assert.equal((await get('/countMessage')).data, 3, 'peek does not consume');
    // YiriMirai: countMessage, then fetchMessage?count=n.
    const n = (await get('/countMessage')).data;
    assert.deepEqual(sourceIds((await get('/fetchMessage', { count: n })).data), ids);
    assert.equal((await get('/countMessage')).data, 0, 'fetch consumes');
    assert.deepEqual((await get('/fetchMessage', { count: 10 })).data, []);
  });

  test('19. only MAH\'s own event types go out, whatever the account does', { timeout: 60_000 }, async () => {
    // A bridge of its own: the script changes the world (renames, kicks, the bot leaves groups).
    const own = await openMirai();
    const c = await FrameClient.open(`${own.base.replace(/^http/, 'ws')}/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    try {
      await c.handshake();
      const steps = await playScenario(own, c, SCENARIO);
      const pushed = c.frames.filter((f) => f.syncId === '-1').map((f) => f.data!.type as string);
      assert.equal(pushed.length, steps.reduce((n, s) => n + s.events.length, 0));
      assert.ok(pushed.length >= 40, `${pushed.length} events`);
      for (const t of pushed) assert.ok(MAH_EVENT_TYPES.has(t), `not a MAH event type: ${t}`);
      // The HTTP queue of the same bot got the same events, in the same order.
      const queued = (await own.get('/fetchMessage', { count: 1000 })).data as Json[];
      assert.deepEqual(queued.map((e) => e.type), pushed);
    } finally {
      await c.close();
      await own.stop();
    }
  });

  test('20. WS commands without content or subCommand; groupConfig/memberInfo by get/update; names with _ for /', T, async () => {
    const c = await open(`/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    // node-mirai-sdk: no content key at all, no subCommand.
    for (const command of ['about', 'botList', 'friendList', 'groupList', 'botProfile', 'sessionInfo']) {
      const r = await c.command(`nc-${command}`, command);
      assert.notEqual(r.data!.code ?? 0, 400, command);
      assert.ok(!('code' in r.data!) || r.data!.code === 0, `${command}: ${JSON.stringify(r.data)}`);
    }
    c.ws.send(JSON.stringify({ syncId: 'nul', command: 'friendList', subCommand: null, content: null }));
    assert.equal((await c.next((f) => f.syncId === 'nul')).data!.code, 0);
    assert.equal((await c.command('send', 'sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'no sub' }] })).data!.code, 0);
    // groupConfig and memberInfo need get or update.
    assert.deepEqual((await c.command('gc', 'groupConfig', { target: LOBBY })).data, { code: 6, msg: '指定操作不支持' });
    assert.deepEqual((await c.command('mi', 'memberInfo', { target: LOBBY, memberId: DAVE })).data, { code: 6, msg: '指定操作不支持' });
    assert.equal((await c.command('gcg', 'groupConfig', { target: LOBBY }, 'get')).data!.name, 'Sandbox Lobby');
    assert.deepEqual((await c.command('gcu', 'groupConfig', { target: LOBBY, config: { name: 'Lobby 20' } }, 'update')).data, { code: 0, msg: 'success' });
    assert.equal((await m.get('/groupConfig', { target: LOBBY })).name, 'Lobby 20');
    assert.deepEqual((await c.command('miu', 'memberInfo', { target: LOBBY, memberId: DAVE, info: { name: 'Dave 20' } }, 'update')).data, { code: 0, msg: 'success' });
    assert.equal((await c.command('mig', 'memberInfo', { target: LOBBY, memberId: DAVE }, 'get')).data!.memberName, 'Dave 20');
    // `_` for `/`: the same data as the HTTP route.
    const list = await c.command('fl', 'file_list', { target: LOBBY });
    assert.deepEqual(list.data, await m.get('/file/list', { target: LOBBY }));
    assert.deepEqual((await c.command('an', 'anno_list', { id: LOBBY })).data, await m.get('/anno/list', { id: LOBBY }));
    const from = c.frames.length;
    await m.sandbox('friend_request', { user_id: 31020, comment: 'add me' });
    const req = (await c.next((f) => f.data?.type === 'NewFriendRequestEvent', from)).data as Json;
    // Mirai.Net's strings here too.
    const resp = await c.command('resp', 'resp_newFriendRequestEvent', { eventId: String(req.eventId), fromId: String(req.fromId), groupId: String(req.groupId), operate: '0', message: '' });
    assert.deepEqual(resp.data, { code: 0, msg: 'success' });
    assert.ok((await m.get('/friendList')).data.some((f: Json) => f.id === 31020));
  });
});
