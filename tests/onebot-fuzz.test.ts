/**
 * Bad input over the OneBot faces never crashes the bridge or corrupts the sandbox world: wrong
 * types, numbers past 2^53, negative ids, deep nesting, prototype keys, invalid UTF-8, bodies that
 * are not objects. Every reply is an envelope (1400 / 1404), the server keeps serving, and the world
 * reads the same afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import { until, within } from './helpers';

const LOBBY = 20001;
const ALICE = 10001;
const BOB = 10002;

let bridge: Bridge;
let base: string;

before(async () => {
  bridge = await startBridge({
    logLevel: 'silent',
    mirai: { adapters: [] },
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } },
    limits: { bodyBytes: 256 * 1024, frameBytes: 256 * 1024 },
  });
  base = `http://127.0.0.1:${bridge.ports.onebot}`;
});
after(async () => {
  await bridge.stop();
});

/** POST raw bytes; the reply must be a OneBot envelope whatever was sent. */
async function postRaw(action: string, body: string | Buffer, contentType = 'application/json'): Promise<{ status: number; env: any }> {
  const res = await fetch(`${base}/${action}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  const text = await res.text();
  let env: any;
  assert.doesNotThrow(() => (env = JSON.parse(text)), `${action}: not JSON: ${text.slice(0, 120)}`);
  assert.ok(['ok', 'failed', 'async'].includes(env.status), `${action}: not an envelope: ${text.slice(0, 120)}`);
  assert.notEqual(env.message, 'internal error', `${action} ${String(body).slice(0, 160)}: internal error`);
  return { status: res.status, env };
}
const post = (action: string, params: unknown) => postRaw(action, JSON.stringify(params));

/** What the world looks like through the API: it must read the same before and after the fuzzing. */
async function snapshot(): Promise<unknown> {
  const read = async (action: string, params: unknown = {}) => (await post(action, params)).env.data;
  return {
    login: await read('get_login_info'),
    groups: await read('get_group_list'),
    // last_sent_time aside: the one message sent on purpose below moves the bot's.
    lobby: ((await read('get_group_member_list', { group_id: LOBBY })) as Record<string, unknown>[]).map(({ last_sent_time: _t, ...m }) => m),
    friends: await read('get_friend_list'),
    categories: await read('get_friends_with_category'),
    stamps: await read('get_roaming_stamp'),
    status: (await read('get_user_status')) as unknown,
    notices: await read('get_group_notice', { group_id: LOBBY }),
    files: await read('get_group_root_files', { group_id: LOBBY }),
    requests: await read('get_group_system_msg'),
  };
}

/** Valid params per action; each id key is then replaced by each bad value in turn. */
const TEMPLATES: [string, Record<string, unknown>, string[]][] = [
  ['send_group_msg', { group_id: LOBBY, message: 'hi' }, ['group_id']],
  ['send_private_msg', { user_id: ALICE, message: 'hi' }, ['user_id']],
  ['send_msg', { message_type: 'group', group_id: LOBBY, message: 'hi' }, ['group_id']],
  ['get_group_info', { group_id: LOBBY }, ['group_id']],
  ['get_group_member_info', { group_id: LOBBY, user_id: ALICE }, ['group_id', 'user_id']],
  ['set_group_ban', { group_id: LOBBY, user_id: BOB, duration: 60 }, ['group_id', 'user_id']],
  ['set_group_kick', { group_id: LOBBY, user_id: BOB }, ['group_id', 'user_id']],
  ['set_group_card', { group_id: LOBBY, user_id: BOB, card: 'x' }, ['group_id', 'user_id']],
  ['set_group_admin', { group_id: LOBBY, user_id: BOB }, ['group_id', 'user_id']],
  ['set_group_kick_members', { group_id: LOBBY, user_id: [BOB] }, ['group_id', 'user_id']],
  ['send_like', { user_id: ALICE }, ['user_id']],
  ['delete_friend', { user_id: BOB }, ['user_id']],
  ['get_stranger_info', { user_id: ALICE }, ['user_id']],
  ['group_poke', { group_id: LOBBY, user_id: ALICE }, ['group_id', 'user_id']],
  ['get_group_msg_history', { group_id: LOBBY }, ['group_id']],
  ['get_msg', { message_id: 1 }, ['message_id']],
  ['delete_msg', { message_id: 1 }, ['message_id']],
  ['set_essence_msg', { message_id: 1 }, ['message_id']],
  ['send_group_forward_msg', { group_id: LOBBY, messages: [{ type: 'node', data: { content: 'x' } }] }, ['group_id']],
  ['upload_private_file', { user_id: ALICE, file: 'base64://aGk=' }, ['user_id']],
];

/** Bad ids as raw JSON text (so 1e400 and 20-digit numbers reach the server unrounded by us). */
const BAD_IDS = ['{}', '[]', '[1,2]', '"abc"', '""', '-5', '"-5"', '0', '1.5', '1152921504606846976', '"99999999999999999999"', '1e400', '"1e400"', '{"__proto__":1}'];

describe('bad params over HTTP', () => {
  let before_: unknown;
  before(async () => {
    before_ = await snapshot();
  });

  test('every id param with a wrong type, a huge, negative or fractional value answers 1400 (HTTP 200)', async () => {
    for (const [action, valid, keys] of TEMPLATES) {
      for (const key of keys) {
        for (const bad of BAD_IDS) {
          if (bad === '[1,2]' && Array.isArray(valid[key])) continue; // a list of two plausible ids is fine there
          if (key === 'message_id' && ['-5', '"-5"', '0'].includes(bad)) continue; // int32 message ids may be negative (some upstreams)
          const json = JSON.stringify({ ...valid, [key]: '@BAD@' }).replace('"@BAD@"', bad);
          const { status, env } = await postRaw(action, json);
          assert.equal(env.retcode, 1400, `${action} ${key}=${bad}: ${JSON.stringify(env)}`);
          assert.equal(status, 200);
          assert.equal(env.data, null);
        }
      }
    }
  });

  test('a missing required param is 1400 naming the field; an explicit null counts as missing', async () => {
    for (const [action, valid, keys] of TEMPLATES) {
      const { env } = await post(action, { ...valid, [keys[0]]: null });
      assert.equal(env.retcode, 1400, action);
      assert.match(env.message, new RegExp(keys[0]), action);
    }
  });

  test('a message that is not a message is 1400: numbers, nested arrays, segments without type or with bad data', async () => {
    const bad: unknown[] = [[[{ type: 'text', data: { text: 'x' } }]], [null], [{ data: { text: 'x' } }], [{ type: 'text', data: [] }],
      [{ type: 'text', data: 'x' }], [{ type: '', data: {} }], [], '', [{ type: 'at', data: { qq: { x: 1 } } }],
      [{ type: 'reply', data: { id: '99999999' } }], [{ type: 'forward', data: { id: 'no-such' } }]];
    for (const message of bad) {
      const { env } = await post('send_group_msg', { group_id: LOBBY, message });
      assert.equal(env.retcode, 1400, `${JSON.stringify(message)}: ${JSON.stringify(env)}`);
    }
  });

  test('bodies that are not objects, not JSON or not UTF-8 are refused or read as text, never a crash', async () => {
    for (const body of ['[1,2]', '"str"', '12', 'true', '{"group_id":', '{\u0000}', 'null null']) {
      const { status, env } = await postRaw('get_group_info', body);
      assert.equal(env.retcode, 1400, body);
      assert.equal(status, 400, body);
    }
    // Invalid UTF-8 is decoded with replacement characters: a text message still goes out.
    const bytes = Buffer.concat([Buffer.from(`{"group_id":${LOBBY},"message":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const { env } = await postRaw('send_group_msg', bytes);
    assert.equal(env.retcode, 0);
    const m = (await post('get_msg', { message_id: env.data.message_id })).env.data;
    assert.equal(m.message[0].data.text, '\ufffd\ufffd\ufffd');
    const form = await postRaw('get_group_info', Buffer.concat([Buffer.from('group_id='), Buffer.from([0xff, 0x25, 0x46, 0x46])]), 'application/x-www-form-urlencoded');
    assert.equal(form.env.retcode, 1400);
  });

  test('deep nesting is 1400 (params and echo), and a body over the limit is 413 / 1400', async () => {
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    let r = await postRaw('send_group_msg', `{"group_id":${LOBBY},"message":${deepArray(20000)}}`);
    assert.equal(r.env.retcode, 1400);
    assert.match(r.env.message, /nested/);
    r = await postRaw('get_group_info', `{"group_id":${LOBBY},"extra":${deepObject(20000)}}`);
    assert.equal(r.env.retcode, 1400);
    r = await postRaw('get_login_info', `{"echo":${deepObject(20000)}}`);
    assert.equal(r.env.retcode, 1400);
    assert.equal(r.status, 400);
    r = await postRaw('send_group_msg', JSON.stringify({ group_id: LOBBY, message: 'x'.repeat(300 * 1024) }));
    assert.equal(r.status, 413);
    assert.equal(r.env.retcode, 1400);
  });

  test('the world reads the same after all of the above, bar the one message that was sent', async () => {
    assert.deepEqual(await snapshot(), before_);
  });
});

describe('prototype keys', () => {
  test('__proto__ in params smuggles nothing: the required fields are still missing', async () => {
    const { env } = await postRaw('send_group_msg', `{"__proto__":{"group_id":${LOBBY},"message":"smuggled"}}`);
    assert.equal(env.retcode, 1400);
    assert.match(env.message, /group_id/);
    const nested = await postRaw('send_group_msg', `{"group_id":${LOBBY},"message":[{"type":"text","data":{"__proto__":{"text":"smuggled"}}}]}`);
    assert.equal(nested.env.retcode, 1400); // the segment has no text: an empty message
    assert.equal(({} as Record<string, unknown>).group_id, undefined);
    assert.equal(({} as Record<string, unknown>).text, undefined);
  });

  test('segments typed like Object.prototype members are unknown types: stored as sent, history keeps working', async () => {
    const types = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'];
    for (const type of types) {
      const { env } = await post('send_group_msg', { group_id: LOBBY, message: [{ type, data: { k: 'v' } }] });
      assert.equal(env.retcode, 0, `${type}: ${JSON.stringify(env)}`);
      const got = (await post('get_msg', { message_id: env.data.message_id })).env.data;
      assert.deepEqual(got.message, [{ type, data: { k: 'v' } }]);
      const cq = await post('send_group_msg', { group_id: LOBBY, message: `[CQ:${type},k=v]` });
      assert.equal(cq.env.retcode, 0, `CQ ${type}`);
    }
    const hist = (await post('get_group_msg_history', { group_id: LOBBY, count: 50 })).env;
    assert.equal(hist.retcode, 0);
    const seen = hist.data.messages.map((m: any) => m.message[0].type);
    for (const type of types) assert.ok(seen.includes(type), type);
  });

  test('flags, ids and names that are Object.prototype keys find nothing and change nothing', async () => {
    const cases: [string, Record<string, unknown>, number][] = [
      ['set_friend_add_request', { flag: '__proto__' }, 1400],
      ['set_friend_add_request', { flag: 'constructor' }, 1400],
      ['set_group_add_request', { flag: 'toString' }, 1400],
      ['get_forward_msg', { id: '__proto__' }, 1404],
      ['get_forward_msg', { id: 'constructor' }, 1404],
      ['get_image', { file: 'constructor' }, 1404],
      ['get_private_file_url', { file_id: '__proto__' }, 1404],
      ['del_group_notice', { group_id: LOBBY, notice_id: 'constructor' }, 1404],
      ['get_group_files_by_folder', { group_id: LOBBY, folder_id: '__proto__' }, 1404],
    ];
    for (const [action, params, code] of cases) {
      const { env } = await post(action, params);
      assert.ok(env.retcode === 1400 || env.retcode === 1404, `${action} ${JSON.stringify(params)}: ${JSON.stringify(env)}`);
      assert.equal(env.retcode, code, `${action} ${JSON.stringify(params)}`);
    }
    const { env } = await post('add_friend_category', { name: '__proto__' });
    assert.equal(env.retcode, 0);
    const cats = (await post('get_friends_with_category', {})).env.data;
    assert.ok(cats.some((c: any) => c.category_name === '__proto__'));
  });

  test('action names and control ops that are Object.prototype keys are unknown', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { status, env } = await post(name, {});
      assert.equal(status, 404);
      assert.equal(env.retcode, 1404);
      const ctl = await fetch(`${base}/sandbox/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(ctl.status, 404);
    }
  });
});

describe('the sandbox control surface', () => {
  test('every op answers bad input with a JSON {error} and HTTP 400 (404 for the wrong method), never 500 or an HTML stack', async () => {
    const bodies = ['{}', '{"user_id":{}}', '{"user_id":1e400,"group_id":1e400}', '{"user_id":"99999999999999999999","group_id":"-1"}',
      '{"__proto__":{"user_id":10001,"group_id":20001}}', '{"user_id":[10001],"group_id":[20001],"message_id":[1],"name":["x"]}', '{bad', '"x"', '[1]'];
    const ops = bridge.sandbox!.controlOps();
    assert.ok(ops.length >= 20);
    for (const op of ops) {
      for (const body of bodies) {
        const res = await fetch(`${base}/sandbox/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        const text = await res.text();
        assert.match(res.headers.get('content-type') ?? '', /json/, `${op} ${body}: ${text.slice(0, 80)}`);
        assert.ok(res.status < 500, `${op} ${body}: ${res.status} ${text.slice(0, 120)}`);
        assert.doesNotMatch(text, /\bat .*\.js:\d+/, 'no stack');
        if (res.status >= 400) assert.equal(typeof JSON.parse(text).error, 'string');
      }
    }
    const big = await fetch(`${base}/sandbox/message`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: ALICE, message: 'x'.repeat(300 * 1024) }) });
    assert.equal(big.status, 413);
    assert.deepEqual(await big.json(), { error: 'body too large' });
    assert.equal(({} as Record<string, unknown>).user_id, undefined);
  });
});

describe('bad frames over WS', () => {
  test('every bad frame gets a 1400/1404 reply (deep echoes included) and the socket keeps serving', async (t) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.ports.onebot}/api`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    t.after(() => ws.terminate());
    await within(new Promise((r) => ws.once('open', r)), 'the socket to open');
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const sent = [
      '[1,2,3]', 'null', '"str"', '{"action":', '{"action":["get_login_info"]}', '{"action":"get_login_info","params":[1]}',
      `{"action":"get_group_info","params":{"group_id":1e400},"echo":"inf"}`,
      `{"action":"get_group_info","params":{"group_id":"99999999999999999999"},"echo":"big"}`,
      `{"action":"send_group_msg","params":{"group_id":${LOBBY},"message":${'['.repeat(20000)}${']'.repeat(20000)}},"echo":"deep"}`,
      `{"action":"get_login_info","echo":${deepObject(20000)}}`,
      `{"action":"__proto__","echo":"proto"}`,
      `{"action":"send_group_msg","params":{"__proto__":{"group_id":${LOBBY},"message":"x"}},"echo":"smuggle"}`,
    ];
    for (const s of sent) ws.send(s);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    // Frames are answered in any order: wait for one reply per frame.
    await until(() => frames.length >= sent.length + 1, 'one reply per frame');
    assert.equal(frames.length, sent.length + 1);
    for (const f of frames) assert.ok(f.retcode === 1400 || f.retcode === 1404, JSON.stringify(f));
    const byEcho = (e: string) => frames.find((f) => f.echo === e);
    assert.equal(byEcho('inf').retcode, 1400);
    assert.equal(byEcho('big').retcode, 1400);
    assert.equal(byEcho('deep').retcode, 1400);
    assert.equal(byEcho('proto').retcode, 1404);
    assert.equal(byEcho('smuggle').retcode, 1400);
    assert.ok(frames.some((f) => f.echo === undefined && /nested too deeply/.test(f.message)));
    // Still serving on the same socket.
    ws.send(JSON.stringify({ action: 'get_login_info', echo: 'after' }));
    await until(() => !!byEcho('after'), 'the reply after the bad frames');
    assert.equal(byEcho('after').retcode, 0);
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });
});
