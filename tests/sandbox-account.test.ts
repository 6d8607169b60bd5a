/**
 * The sandbox's account side beyond the seed page: the standard and live-page actions, and the
 * control ops that play the bot's contacts (and QQ itself) with the events they cause.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Bridge } from '../src/app';
import type { OneBotEvent } from '../src/core/types';
import { notices as noticesOf, oneBotHttp, openSandbox } from './helpers';

const SELF = 10000;
const ALICE = 10001; // friend, category 1, remark 'alice'
const BOB = 10002; // friend, category 0, no remark
const DAVE = 10004; // not a friend

let bridge: Bridge;
let events: OneBotEvent[];

beforeEach(async () => {
  ({ bridge, events } = await openSandbox());
});
afterEach(() => bridge?.stop());

const { post, ok, retcode, control: controlAs } = oneBotHttp(() => bridge);
/** POST /sandbox/<op> with a body, GET without one: status and answer. */
const control = (op: string, body?: Record<string, unknown>) => (body === undefined ? controlAs('GET', op) : controlAs('POST', op, body));
const notices = (type: string) => noticesOf(events, type);

// ── profiles ──────────────────────────────────────────────────────────────────────────────────

test('get_login_info gives exactly user_id and nickname', async () => {
  assert.deepEqual(await ok('get_login_info'), { user_id: SELF, nickname: 'MahBot' });
});

test('get_stranger_info gives the standard fields plus qid, level, login_days, area, long_nick, remark', async () => {
  const alice = await ok('get_stranger_info', { user_id: String(ALICE) });
  assert.deepEqual(
    { user_id: alice.user_id, nickname: alice.nickname, sex: alice.sex, age: alice.age, level: alice.level, long_nick: alice.long_nick, remark: alice.remark },
    { user_id: ALICE, nickname: 'Alice', sex: 'female', age: 24, level: 32, long_nick: 'hello', remark: 'alice' },
  );
  for (const k of ['qid', 'area']) assert.equal(typeof alice[k], 'string');
  assert.equal(typeof alice.login_days, 'number');
  assert.equal((await ok('get_stranger_info', { user_id: DAVE })).remark, ''); // not a friend: no remark
});

test('get_stranger_info: 1404 for someone the account has never seen, 1400 without user_id', async () => {
  assert.equal(await retcode('get_stranger_info', { user_id: 99999 }), 1404);
  assert.equal(await retcode('get_stranger_info', {}), 1400);
});

test('get_user_status: self by default (and for 0), other people by id, under the nc_ alias too', async () => {
  const self = await ok('get_user_status');
  assert.deepEqual(Object.keys(self).sort(), ['battery_status', 'ext_status', 'net_type', 'online_status', 'status', 'term_desc', 'term_type', 'user_id']);
  assert.equal(self.user_id, SELF);
  assert.equal(self.status, 11);
  assert.equal((await ok('get_user_status', { user_id: 0 })).user_id, SELF);
  assert.equal((await ok('nc_get_user_status', { user_id: String(ALICE) })).user_id, ALICE);
  assert.equal(await retcode('get_user_status', { user_id: 99999 }), 1404);
});

test('get_qq_avatar builds the user or the group avatar URL; user wins; 1400 with neither', async () => {
  assert.deepEqual(await ok('get_qq_avatar', { user_id: String(ALICE) }), { url: `https://q.qlogo.cn/g?b=qq&nk=${ALICE}&s=640` });
  assert.deepEqual(await ok('get_qq_avatar', { group_id: 20001 }), { url: 'https://p.qlogo.cn/gh/20001/20001/640' });
  assert.equal((await ok('get_qq_avatar', { user_id: ALICE, group_id: 20001 })).url, `https://q.qlogo.cn/g?b=qq&nk=${ALICE}&s=640`);
  assert.equal(await retcode('get_qq_avatar', {}), 1400);
});

test('send_like: 1404 for an unknown user, 1500 for liking oneself', async () => {
  assert.equal(await retcode('send_like', { user_id: 99999 }), 1404);
  assert.equal(await retcode('send_like', { user_id: SELF }), 1500);
  assert.equal(bridge.sandbox!.world.likes.size, 0);
});

// ── friends ───────────────────────────────────────────────────────────────────────────────────

test('get_friend_list items carry user_id, nickname, remark plus sex, age, level, category_id', async () => {
  const list = await ok('get_friend_list');
  assert.deepEqual(list.map((f: any) => f.user_id).sort(), [10001, 10002, 10003]);
  assert.deepEqual(list.find((f: any) => f.user_id === ALICE), { user_id: ALICE, nickname: 'Alice', remark: 'alice', sex: 'female', age: 24, level: 32, category_id: 1 });
});

test('get_friends_with_category: sorted by id, snake_case and camelCase keys describe the same friends', async () => {
  const cats = await ok('get_friends_with_category');
  assert.deepEqual(cats.map((c: any) => c.category_id), [0, 1, 2]);
  for (const c of cats) {
    assert.equal(c.categoryId, c.category_id);
    assert.equal(c.categoryName, c.category_name);
    assert.equal(c.categoryMbCount, c.friends.length);
    assert.deepEqual(c.buddyList.map((f: any) => f.user_id), c.friends.map((f: any) => f.user_id));
    for (const f of c.friends) assert.deepEqual(Object.keys(f).sort(), ['nickname', 'remark', 'user_id']);
  }
  assert.deepEqual(cats[1].friends, [{ user_id: ALICE, nickname: 'Alice', remark: 'alice' }]);
});

test('set_friend_category moves a friend; a category that does not exist is accepted and listed nameless', async () => {
  assert.equal(await ok('add_friend_category', { name: 'new' }), null);
  const category_id = (await ok('get_friends_with_category')).find((c: any) => c.category_name === 'new').category_id;
  await ok('set_friend_category', { user_id: String(BOB), category_id: String(category_id) });
  let cats = await ok('get_friends_with_category');
  assert.deepEqual(cats.find((c: any) => c.category_id === category_id).friends.map((f: any) => f.user_id), [BOB]);
  await ok('set_friend_category', { user_id: BOB, category_id: 42 });
  cats = await ok('get_friends_with_category');
  assert.deepEqual(cats.at(-1), {
    category_id: 42, category_name: '', friends: [{ user_id: BOB, nickname: 'Bob', remark: '' }],
    categoryId: 42, categoryName: '', categoryMbCount: 1, buddyList: (await ok('get_friend_list')).filter((f: any) => f.user_id === BOB),
  });
  assert.equal(await retcode('set_friend_category', { user_id: DAVE, category_id: 0 }), 1404);
  assert.equal(await retcode('set_friend_category', { user_id: BOB }), 1400);
});

test('deleting a category moves its friends to the default one; the default cannot be deleted', async () => {
  await ok('delete_friend_category', { id: '1' });
  assert.equal((await ok('get_friend_list')).find((f: any) => f.user_id === ALICE).category_id, 0);
  assert.equal(await retcode('delete_friend_category', { id: 0 }), 1500);
  assert.equal(await retcode('delete_friend_category', { id: 77 }), 1404);
  assert.equal(await retcode('rename_friend_category', { id: 77, name: 'x' }), 1404);
});

test('set_friend_remark sets and (by default) clears the remark', async () => {
  await ok('set_friend_remark', { user_id: BOB, remark: 'bobby' });
  assert.equal((await ok('get_friend_list')).find((f: any) => f.user_id === BOB).remark, 'bobby');
  assert.equal((await ok('get_stranger_info', { user_id: BOB })).remark, 'bobby');
  await ok('set_friend_remark', { user_id: BOB });
  assert.equal((await ok('get_friend_list')).find((f: any) => f.user_id === BOB).remark, '');
  assert.equal(await retcode('set_friend_remark', { user_id: DAVE, remark: 'x' }), 1404);
});

test('set_friend_msg_mask defaults to on; get_friend_msg_mask reads it back', async () => {
  assert.deepEqual(await ok('get_friend_msg_mask', { user_id: ALICE }), { user_id: ALICE, enable: false });
  await ok('set_friend_msg_mask', { user_id: String(ALICE) });
  assert.deepEqual(await ok('get_friend_msg_mask', { user_id: ALICE }), { user_id: ALICE, enable: true });
  await ok('set_friend_msg_mask', { user_id: ALICE, enable: false });
  assert.equal((await ok('get_friend_msg_mask', { user_id: ALICE })).enable, false);
  assert.equal(await retcode('get_friend_msg_mask', { user_id: DAVE }), 1404);
  assert.equal(await retcode('set_friend_msg_mask', {}), 1400);
});

test('delete_friend accepts id and friend_id for user_id, sends the deleter no notice, and 1404s a non-friend', async () => {
  await ok('delete_friend', { id: ALICE });
  await ok('delete_friend', { friend_id: String(BOB) });
  assert.deepEqual((await ok('get_friend_list')).map((f: any) => f.user_id), [10003]);
  assert.equal(await retcode('delete_friend', { user_id: DAVE }), 1404);
  assert.deepEqual(notices('friend_decrease'), []);
});

test('delete_friend blocks by default: the deleted friend can no longer send a request; block:false allows it', async () => {
  await ok('delete_friend', { user_id: ALICE });
  assert.equal((await control('friend_request', { user_id: ALICE })).status, 400);
  await ok('delete_friend', { user_id: BOB, block: false });
  assert.equal((await control('friend_request', { user_id: BOB })).status, 200);
});

test('get_roaming_stamp is also answered as fetch_custom_face, with count', async () => {
  assert.deepEqual(await ok('fetch_custom_face', { count: 1 }), ['https://sandbox.invalid/stamps/1001.gif']);
});

// ── friend requests ───────────────────────────────────────────────────────────────────────────

test('control friend_request emits a friend request event and returns its flag', async () => {
  const res = await control('friend_request', { user_id: 30001, nickname: 'Newcomer', comment: 'hi, add me', source: 'QQ号查找' });
  assert.equal(res.status, 200);
  const req = events.find((e) => e.post_type === 'request')!;
  assert.deepEqual(
    { ...req, time: 0 },
    { time: 0, self_id: SELF, post_type: 'request', request_type: 'friend', user_id: 30001, comment: 'hi, add me', flag: res.body.flag, nickname: 'Newcomer', source: 'QQ号查找' },
  );
  assert.ok(bridge.sandbox!.world.requests.has(res.body.flag));
});

test('approving a friend request (approve defaults to true) adds the friend with the remark and emits friend_add', async () => {
  const { body } = await control('friend_request', { user_id: 30001, nickname: 'Newcomer' });
  await ok('set_friend_add_request', { flag: body.flag, remark: 'new pal' });
  assert.deepEqual(notices('friend_add').map((e) => e.user_id), [30001]);
  assert.deepEqual((await ok('get_friend_list')).find((f: any) => f.user_id === 30001),
    { user_id: 30001, nickname: 'Newcomer', remark: 'new pal', sex: 'unknown', age: 0, level: 1, category_id: 0 });
  assert.equal(await retcode('set_friend_add_request', { flag: body.flag }), 1400); // handled once only
});

test('rejecting a friend request adds nobody; an unknown flag is 1400', async () => {
  const { body } = await control('friend_request', { user_id: DAVE, comment: '' });
  await ok('set_friend_add_request', { flag: body.flag, approve: 'false' });
  assert.deepEqual(notices('friend_add'), []);
  assert.ok(!(await ok('get_friend_list')).some((f: any) => f.user_id === DAVE));
  assert.equal(await retcode('set_friend_add_request', { flag: 'friend-nope' }), 1400);
  assert.equal(await retcode('set_friend_add_request', {}), 1400);
});

test('control friend_request refuses friends, the bot itself and bad ids with HTTP 400', async () => {
  assert.equal((await control('friend_request', { user_id: ALICE })).status, 400);
  assert.equal((await control('friend_request', { user_id: SELF })).status, 400);
  assert.equal((await control('friend_request', { user_id: 'abc' })).status, 400);
  assert.equal((await control('friend_request', {})).status, 400);
  assert.deepEqual(events.filter((e) => e.post_type === 'request'), []);
});

// ── other control ops ─────────────────────────────────────────────────────────────────────────

test('control friend_add makes a friend and emits friend_add; twice is a 400', async () => {
  assert.equal((await control('friend_add', { user_id: String(DAVE) })).status, 200);
  assert.deepEqual(notices('friend_add').map((e) => e.user_id), [DAVE]);
  assert.ok((await ok('get_friend_list')).some((f: any) => f.user_id === DAVE));
  assert.equal((await control('friend_add', { user_id: DAVE })).status, 400);
});

test('control friend_delete: the friend removes the bot, friend_decrease is emitted', async () => {
  assert.equal((await control('friend_delete', { user_id: ALICE })).status, 200);
  assert.deepEqual(notices('friend_decrease').map((e) => e.user_id), [ALICE]);
  assert.ok(!(await ok('get_friend_list')).some((f: any) => f.user_id === ALICE));
  assert.equal((await control('friend_delete', { user_id: ALICE })).status, 400);
});

test('control input_status emits notify/input_status', async () => {
  await control('input_status', { user_id: ALICE, event_type: 1 });
  await control('input_status', { user_id: ALICE, event_type: '0' });
  const got = events.filter((e) => e.sub_type === 'input_status');
  assert.deepEqual(got.map((e) => [e.notice_type, e.user_id, e.group_id, e.event_type]), [['notify', ALICE, 0, 1], ['notify', ALICE, 0, 0]]);
  assert.equal(typeof got[0].status_text, 'string');
  assert.equal((await control('input_status', { user_id: ALICE, event_type: 5 })).status, 400);
});

test('control profile_like emits notify/profile_like with the liker and count', async () => {
  await control('profile_like', { user_id: BOB, times: 3 });
  const e = events.find((x) => x.sub_type === 'profile_like')!;
  assert.deepEqual([e.notice_type, e.operator_id, e.operator_nick, e.times], ['notify', BOB, 'Bob', 3]);
  assert.equal((await control('profile_like', { user_id: 99999 })).status, 400);
});

test('control bot_offline / bot_online: notices, and get_status follows', async () => {
  assert.equal((await control('bot_offline', { tag: 'kicked', message: 'logged in elsewhere' })).status, 200);
  const off = notices('bot_offline')[0];
  assert.deepEqual([off.user_id, off.tag, off.message], [SELF, 'kicked', 'logged in elsewhere']);
  let status = await ok('get_status');
  assert.equal(status.online, false);
  assert.equal(status.good, false);
  assert.equal(status.stat.disconnect_times, 1);
  assert.equal((await ok('get_user_status')).status, 0);
  assert.equal((await control('bot_offline', {})).status, 400);

  assert.equal((await control('bot_online', {})).status, 200);
  assert.equal(notices('bot_online').length, 1);
  status = await ok('get_status');
  assert.equal(status.online, true);
  assert.equal(status.good, true);
  assert.equal((await control('bot_online', {})).status, 400);
});

test('GET /sandbox/world summarises the world', async () => {
  await control('friend_add', { user_id: DAVE });
  const { status, body } = await control('world');
  assert.equal(status, 200);
  assert.equal(body.self.user_id, SELF);
  assert.equal(body.self.online, true);
  assert.deepEqual(body.friends.sort(), [10001, 10002, 10003, 10004]);
  assert.deepEqual(body.groups.sort(), [20001, 20002, 20003]);
});

test('an account control op with the wrong method is a 404', async () => {
  assert.equal((await control('world', {})).status, 404);
  assert.equal((await control('friend_add')).status, 404);
});

// ── system ────────────────────────────────────────────────────────────────────────────────────

test('get_status: online and good plus app_* and snake_case stat', async () => {
  const s = await ok('get_status');
  assert.deepEqual({ online: s.online, good: s.good, app_initialized: s.app_initialized, app_enabled: s.app_enabled, app_good: s.app_good },
    { online: true, good: true, app_initialized: true, app_enabled: true, app_good: true });
  assert.deepEqual(Object.keys(s.stat).sort(),
    ['disconnect_times', 'last_message_time', 'lost_times', 'message_received', 'message_sent', 'packet_lost', 'packet_received', 'packet_sent']);
});

test('get_version_info names the bridge and protocol v11', async () => {
  const v = await ok('get_version_info');
  assert.equal(v.app_name, 'mah-bridge');
  assert.equal(v.protocol_version, 'v11');
  assert.match(v.app_version, /^\d+\.\d+\.\d+/);
  assert.equal(v.version, v.app_version);
  assert.equal(v.runtime_version, process.version);
  assert.equal(typeof v.app_full_name, 'string');
  assert.equal(v.runtime_os, process.platform);
});

test('cookies, csrf token and credentials agree with each other', async () => {
  const { token } = await ok('get_csrf_token');
  assert.ok(Number.isInteger(token) && token > 0 && token < 2 ** 31);
  const c = await ok('get_cookies');
  assert.match(c.cookies, /(^|; )uin=o10000(;|$)/);
  assert.match(c.cookies, /(^|; )skey=[^;]+/);
  assert.doesNotMatch(c.cookies, /p_skey/);
  assert.equal(c.bkn, token);
  const withDomain = await ok('get_cookies', { domain: 'qun.qq.com' });
  assert.match(withDomain.cookies, /(^|; )p_skey=[^;]+/);
  assert.deepEqual(await ok('get_credentials', { domain: 'qun.qq.com' }), { cookies: withDomain.cookies, csrf_token: token, token });
});

test('get_clientkey gives a hex key and a future expiry', async () => {
  const k = await ok('get_clientkey');
  assert.match(k.clientkey, /^[0-9A-F]{64}$/);
  assert.ok(k.expire_time > Date.now() / 1000);
});

test('set_restart and clean_cache answer null; get_online_clients lists no other device', async () => {
  assert.equal(await ok('set_restart', { delay: 0 }), null);
  assert.equal(await ok('clean_cache'), null);
  assert.deepEqual(await ok('get_online_clients', { no_cache: true }), { clients: [] });
  assert.equal(await retcode('set_restart', { delay: -1 }), 1400);
});

test('check_url_safely: 1 safe, 2 unknown, 3 dangerous; 1400 without url', async () => {
  assert.deepEqual(await ok('check_url_safely', { url: 'https://example.com/x' }), { level: 1 });
  assert.deepEqual(await ok('check_url_safely', { url: 'ftp://example.com/x' }), { level: 2 });
  assert.deepEqual(await ok('check_url_safely', { url: 'not a url' }), { level: 2 });
  assert.deepEqual(await ok('check_url_safely', { url: 'http://evil.dangerous.invalid/' }), { level: 3 });
  assert.equal(await retcode('check_url_safely', {}), 1400);
});

test('get_supported_actions lists the account actions that run and none of the stubs', async () => {
  const list: string[] = await ok('get_supported_actions');
  for (const a of ['send_like', 'set_qq_profile', 'get_friends_with_category', 'get_status', 'get_supported_actions']) assert.ok(list.includes(a), a);
  for (const a of ['delete_unidirectional_friend', 'set_model_show', 'get_model_show', 'qidian_get_account_info', 'get_word_slices']) assert.ok(!list.includes(a), a);
});

test('get_word_slices, dotted or not, is a registered stub', async () => {
  for (const a of ['get_word_slices', '.get_word_slices']) {
    const env = await post(a, { content: 'hello' });
    assert.equal(env.retcode, 1404);
    assert.equal(env.data.not_supported, true);
  }
});

test('actions also answer through the core directly with the same data', async () => {
  assert.deepEqual(await bridge.core.call('get_login_info'), await ok('get_login_info'));
  await assert.rejects(bridge.core.call('send_like', {}), (e: any) => e.kind === 'bad_params');
});
