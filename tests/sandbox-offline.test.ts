/**
 * The sandbox while QQ has the bot offline (control op `bot_offline`): actions that need QQ's servers
 * fail as on a real stack, local reads keep working, the other people's doings reach no bot until it
 * is back; and the control surface behind the OneBot access token.
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSandboxControl } from '../adapters/sandbox-control';
import { createSandbox, type SandboxBackend } from '../src/backends/sandbox';
import { OFFLINE_MESSAGE, SANDBOX_HANDLERS, WORKS_OFFLINE } from '../src/backends/sandbox/handlers';
import { isBridgeError } from '../src/errors';
import { createLogger } from '../src/log';
import { ALICE, BOB, DAVE, LOBBY, openMirai, openSandbox, PNG_B64, SELF, until, type Mirai, type Sandbox } from './helpers';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('an offline bot over the OneBot HTTP face', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await openSandbox();
  });
  afterEach(() => sb.stop());

  const goOffline = () => sb.play('bot_offline', { tag: 'kicked', message: 'logged in elsewhere' });
  const messagesFrom = (userId: number, text: string) =>
    sb.events.filter((e: Json) => e.post_type === 'message' && e.user_id === userId && e.raw_message === text);

  test('sending fails with retcode 1500 and says the bot is offline', async () => {
    await goOffline();
    for (const [action, body] of [
      ['send_group_msg', { group_id: LOBBY, message: 'hello?' }],
      ['send_private_msg', { user_id: ALICE, message: 'hello?' }],
      ['send_msg', { message_type: 'group', group_id: LOBBY, message: 'hello?' }],
    ] as const) {
      const env = await sb.fails(action, body, 1500);
      assert.equal(env.message, OFFLINE_MESSAGE, action);
    }
  });

  test('recalls, group admin, profile edits, uploads, friend operations, likes and pokes all fail with 1500', async () => {
    const { message_id } = await sb.ok('send_group_msg', { group_id: LOBBY, message: 'sent while online' });
    await goOffline();
    for (const [action, body] of [
      ['delete_msg', { message_id }],
      ['set_group_ban', { group_id: LOBBY, user_id: DAVE, duration: 60 }],
      ['set_group_kick', { group_id: LOBBY, user_id: DAVE }],
      ['set_group_card', { group_id: LOBBY, user_id: DAVE, card: 'x' }],
      ['set_group_name', { group_id: LOBBY, group_name: 'renamed' }],
      ['set_qq_profile', { nickname: 'Renamed' }],
      ['upload_group_file', { group_id: LOBBY, file: `base64://${PNG_B64}`, name: 'a.png' }],
      ['delete_friend', { user_id: BOB }],
      ['set_friend_remark', { user_id: BOB, remark: 'b' }],
      ['send_like', { user_id: ALICE, times: 1 }],
      ['friend_poke', { user_id: ALICE }],
      ['group_poke', { group_id: LOBBY, user_id: ALICE }],
      ['get_stranger_info', { user_id: ALICE }],
      ['get_cookies', { domain: 'qun.qq.com' }],
    ] as const) {
      const env = await sb.fails(action, body, 1500);
      assert.equal(env.message, OFFLINE_MESSAGE, action);
    }
    // Nothing was done: the world is as before.
    assert.equal((await sb.ok('get_login_info')).nickname, 'MahBot');
    assert.ok((await sb.ok('get_friend_list')).some((f: Json) => f.user_id === BOB));
    assert.equal((await sb.ok('get_msg', { message_id })).message_id, message_id);
  });

  test('local reads keep working; get_status says online false and can_send_* say no', async () => {
    const { message_id } = await sb.play('message', { user_id: ALICE, group_id: LOBBY, message: 'before the kick' });
    await goOffline();
    assert.deepEqual(await sb.ok('get_login_info'), { user_id: SELF, nickname: 'MahBot' });
    const status = await sb.ok('get_status');
    assert.equal(status.online, false);
    assert.equal(status.good, false);
    assert.equal((await sb.ok('get_version_info')).app_name, 'mah-bridge');
    assert.ok((await sb.ok('get_friend_list')).some((f: Json) => f.user_id === ALICE));
    assert.ok((await sb.ok('get_group_list')).some((g: Json) => g.group_id === LOBBY));
    assert.ok((await sb.ok('get_group_member_list', { group_id: LOBBY })).some((m: Json) => m.user_id === DAVE));
    assert.equal((await sb.ok('get_msg', { message_id })).raw_message, 'before the kick');
    assert.deepEqual(await sb.ok('can_send_image'), { yes: false });
    assert.deepEqual(await sb.ok('can_send_record'), { yes: false });
    assert.equal((await sb.ok('get_user_status')).status, 0);
  });

  test('an unknown action and bad params keep their own retcodes while offline', async () => {
    await goOffline();
    await sb.failsWith('no_such_action', {}, 'unknown_action');
    assert.equal(await sb.retcode('send_group_msg', { message: 'no group' }), 1400);
  });

  test('back online, sending works again and get_status says online', async () => {
    await goOffline();
    await sb.fails('send_group_msg', { group_id: LOBBY, message: 'lost' }, 1500);
    await sb.play('bot_online', {});
    assert.equal((await sb.ok('get_status')).online, true);
    assert.deepEqual(await sb.ok('can_send_image'), { yes: true });
    const { message_id } = await sb.ok('send_group_msg', { group_id: LOBBY, message: 'I am back' });
    assert.equal((await sb.ok('get_msg', { message_id })).raw_message, 'I am back');
    await sb.ok('send_private_msg', { user_id: ALICE, message: 'me too' });
  });

  test('what others do meanwhile is stored but never delivered: no event, then history shows it', async () => {
    await goOffline();
    const missed = await sb.play('message', { user_id: ALICE, group_id: LOBBY, message: 'while you were out' });
    await sb.play('member_join', { group_id: LOBBY, user_id: 30001, nickname: 'Newcomer' });
    await sb.play('friend_request', { user_id: 30002, comment: 'hi' });
    // The world changed, the bot heard nothing of it.
    assert.ok((await sb.ok('get_group_member_list', { group_id: LOBBY })).some((m: Json) => m.user_id === 30001));
    assert.equal((await sb.ok('get_msg', { message_id: missed.message_id })).raw_message, 'while you were out');
    assert.equal((await sb.control('GET', 'world')).body.missed_events, 3);

    await sb.play('bot_online', {});
    await sb.play('message', { user_id: ALICE, group_id: LOBBY, message: 'welcome back' });
    await until(() => messagesFrom(ALICE, 'welcome back').length === 1, 'the message after bot_online');
    // Events arrive in order: anything the offline bot had been told would be in the list by now.
    assert.deepEqual(messagesFrom(ALICE, 'while you were out'), []);
    assert.equal(sb.events.some((e: Json) => e.notice_type === 'group_increase' && e.user_id === 30001), false);
    assert.equal(sb.events.some((e: Json) => e.request_type === 'friend' && e.user_id === 30002), false);
    const offline = sb.events.findIndex((e: Json) => e.notice_type === 'bot_offline');
    const online = sb.events.findIndex((e: Json) => e.notice_type === 'bot_online');
    assert.ok(offline >= 0 && online > offline, 'both notices are delivered, in order');
    // The local history holds the missed message.
    const history = await sb.ok('get_group_msg_history', { group_id: LOBBY });
    assert.ok(history.messages.some((m: Json) => m.message_id === missed.message_id));
  });
});

describe('the offline table', () => {
  let sandbox: SandboxBackend;
  before(async () => {
    sandbox = createSandbox({ logger: createLogger('error', true) });
    await sandbox.start();
    await sandbox.control('bot_offline', 'POST', {});
  });
  after(() => sandbox.stop());

  const offlineRefusal = async (action: string): Promise<boolean> => {
    try {
      await sandbox.invoke(action, {});
      return false;
    } catch (e) {
      return isBridgeError(e) && e.kind === 'rejected' && e.message === OFFLINE_MESSAGE;
    }
  };

  test('every sandbox action outside the table is refused while offline', async () => {
    const refused = [...SANDBOX_HANDLERS.keys()].filter((a) => !WORKS_OFFLINE.has(a));
    assert.ok(refused.length > 50);
    for (const action of refused) assert.equal(await offlineRefusal(action), true, action);
  });

  test('no action in the table is refused for being offline', async () => {
    for (const action of WORKS_OFFLINE) {
      assert.ok(SANDBOX_HANDLERS.has(action), action);
      assert.equal(await offlineRefusal(action), false, action);
    }
  });
});

describe('an offline bot over the mirai HTTP face', () => {
  let m: Mirai;
  before(async () => {
    m = await openMirai();
  });
  after(() => m.stop());

  test('sendGroupMessage answers code 500 while offline, contact lists still answer, and sending works once back', async () => {
    await m.sandbox('bot_offline', { tag: 'kicked' });
    const refused = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'hello?' }] });
    assert.equal(refused.code, 500);
    assert.equal(refused.msg, OFFLINE_MESSAGE);
    const friend = await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Plain', text: 'hello?' }] });
    assert.equal(friend.code, 500);
    const friends = await m.get('/friendList');
    assert.equal(friends.code, 0);
    assert.ok(friends.data.some((f: Json) => f.id === ALICE));

    await m.sandbox('bot_online', {});
    const sent = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'back' }] });
    assert.equal(sent.code, 0);
    assert.equal(typeof sent.messageId, 'number');
  });
});

describe('the control surface behind the OneBot access token', () => {
  const TOKEN = 'c0ntrol';
  let sandbox: SandboxBackend;
  let server: http.Server;
  let base: string;
  before(async () => {
    sandbox = createSandbox({ logger: createLogger('error', true) });
    await sandbox.start();
    const app = express();
    app.use(createSandboxControl({ sandbox, logger: createLogger('error', true), bodyBytes: 4096, accessToken: TOKEN }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sandbox.stop();
  });

  const play = (headers: Record<string, string> = {}, query = '', body: unknown = { user_id: ALICE, message: 'hi' }) =>
    fetch(`${base}/sandbox/message${query}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('no token is 401 and plays nothing', async () => {
    const before = sandbox.world.messages.size;
    const res = await play();
    assert.equal(res.status, 401);
    assert.equal(typeof ((await res.json()) as Json).error, 'string');
    assert.equal(sandbox.world.messages.size, before);
  });

  test('a wrong token is 403, in a header or the query', async () => {
    assert.equal((await play({ Authorization: 'Bearer nope' })).status, 403);
    assert.equal((await play({}, '?access_token=nope')).status, 403);
    assert.equal((await fetch(`${base}/sandbox/world?access_token=nope`)).status, 403);
  });

  test('the right token passes as Bearer, as Token, or as ?access_token, and is no op parameter', async () => {
    for (const [headers, query] of [[{ Authorization: `Bearer ${TOKEN}` }, ''], [{ Authorization: `Token ${TOKEN}` }, ''], [{}, `?access_token=${TOKEN}`]] as const) {
      const res = await play(headers, query);
      assert.equal(res.status, 200, JSON.stringify(headers) + query);
      assert.equal(typeof ((await res.json()) as Json).message_id, 'number');
    }
    const conv = await fetch(`${base}/sandbox/messages?user_id=${ALICE}&access_token=${TOKEN}`);
    assert.equal(conv.status, 200);
    assert.ok(((await conv.json()) as Json[]).some((msg) => msg.raw_message === 'hi'));
  });

  test('the token is checked before the body is read: an oversized body without it is 401', async () => {
    assert.equal((await play({}, '', { user_id: ALICE, message: 'x'.repeat(10_000) })).status, 401);
  });
});

describe('the test helpers on a bridge with an access token', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await openSandbox({ onebot: { accessToken: 'helper-token' } });
  });
  after(() => sb.stop());

  test('play and control send the token', async () => {
    const { message_id } = await sb.play('message', { user_id: ALICE, message: 'through the helper' });
    assert.equal(typeof message_id, 'number');
    const world = await sb.control('GET', 'world');
    assert.equal(world.status, 200);
    assert.equal(world.body.self.user_id, SELF);
  });

  test('the bridge itself guards its control surface with the token', async () => {
    const url = `http://127.0.0.1:${sb.bridge.ports.onebot}/sandbox/world`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { Authorization: 'Bearer nope' } })).status, 403);
    assert.equal((await fetch(url, { headers: { Authorization: 'Bearer helper-token' } })).status, 200);
  });
});
