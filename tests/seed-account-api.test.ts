/**
 * The user's own spec, the seed page "账号资料 API" (shared/seeds/onebot-account-api.txt), over the
 * real OneBot HTTP face: every request example gives its documented result, every documented bad
 * input its retcode. Each test gets a fresh bridge on the seed world.
 */
import { test, beforeEach, afterEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bridge } from '../src/app';
import { oneBotHttp, openSandbox, PNG_B64, pngFixture, type PngFixture } from './helpers';

const FRIEND = 10001; // Alice, a seed friend in category 1
const SELF = 10000;

let bridge: Bridge;
let png: PngFixture;

/** `ok` is the documented success: status ok, retcode 0, and the data (null unless the page gives a shape). */
const { ok, fails } = oneBotHttp(() => bridge);

before(async () => {
  png = await pngFixture('avatar.png');
  fs.writeFileSync(path.join(png.dir, 'notes.txt'), 'not an image at all');
});
after(() => png?.close());
beforeEach(async () => {
  ({ bridge } = await openSandbox());
});
afterEach(() => bridge?.stop());

// ── send_like ─────────────────────────────────────────────────────────────────────────────────

test('send_like: the example (string user_id, times 10) succeeds with null data and records the likes', async () => {
  assert.equal(await ok('send_like', { user_id: String(FRIEND), times: 10 }), null);
  assert.equal(bridge.sandbox!.world.likes.get(FRIEND), 10);
});

test('send_like: times defaults to 1 and a numeric user_id works as well', async () => {
  assert.equal(await ok('send_like', { user_id: FRIEND }), null);
  assert.equal(bridge.sandbox!.world.likes.get(FRIEND), 1);
});

test('send_like: 1400 without user_id, and for times above the limit of 20', async () => {
  await fails('send_like', { times: 10 }, 1400);
  await fails('send_like', { user_id: FRIEND, times: 21 }, 1400);
  await fails('send_like', { user_id: 'not-a-number' }, 1400);
  assert.equal(bridge.sandbox!.world.likes.get(FRIEND), undefined);
});

test('send_like: 1500 when the server refuses (the daily 20 are used up)', async () => {
  await ok('send_like', { user_id: FRIEND, times: 10 });
  await ok('send_like', { user_id: FRIEND, times: 10 });
  await fails('send_like', { user_id: FRIEND, times: 1 }, 1500);
});

// ── set_qq_profile ────────────────────────────────────────────────────────────────────────────

test('set_qq_profile: the example changes nickname and personal note, as get_login_info and get_stranger_info show', async () => {
  assert.equal(await ok('set_qq_profile', { nickname: '新昵称', personal_note: '新说明' }), null);
  assert.deepEqual(await ok('get_login_info'), { user_id: SELF, nickname: '新昵称' });
  const me = await ok('get_stranger_info', { user_id: SELF });
  assert.equal(me.nickname, '新昵称');
  assert.equal(me.personal_note, '新说明');
});

test('set_qq_profile: either field alone is enough', async () => {
  await ok('set_qq_profile', { personal_note: '只改说明' });
  assert.equal((await ok('get_login_info')).nickname, 'MahBot');
  assert.equal((await ok('get_stranger_info', { user_id: SELF })).personal_note, '只改说明');
  await ok('set_qq_profile', { nickname: '只改昵称' });
  assert.equal((await ok('get_login_info')).nickname, '只改昵称');
});

test('set_qq_profile: company, email and college are accepted with no effect', async () => {
  await ok('set_qq_profile', { nickname: 'N', company: 'ACME', email: 'new@example.com', college: 'MIT' });
  const me = await ok('get_stranger_info', { user_id: SELF });
  assert.equal(me.email, 'bot@example.com');
});

test('set_qq_profile: 1400 unless nickname or personal_note is given', async () => {
  await fails('set_qq_profile', {}, 1400);
  await fails('set_qq_profile', { company: 'ACME', email: 'a@b.c', college: 'MIT' }, 1400);
  assert.equal((await ok('get_login_info')).nickname, 'MahBot');
});

// ── set_qq_avatar ─────────────────────────────────────────────────────────────────────────────

test('set_qq_avatar: a local file path (the example form) succeeds with null data', async () => {
  assert.equal(await ok('set_qq_avatar', { file: png.file }), null);
  assert.match(bridge.sandbox!.world.self.avatar, /^[0-9a-f]{40}$/);
});

test('set_qq_avatar: file://, base64:// and http:// sources are accepted', async () => {
  assert.equal(await ok('set_qq_avatar', { file: pathToFileURL(png.file).href }), null);
  const first = bridge.sandbox!.world.self.avatar;
  assert.equal(await ok('set_qq_avatar', { file: `base64://${PNG_B64}` }), null);
  assert.equal(await ok('set_qq_avatar', { file: png.url }), null);
  assert.equal(bridge.sandbox!.world.self.avatar, first); // the same picture each time
});

test('set_qq_avatar: 1400 without file', async () => {
  await fails('set_qq_avatar', {}, 1400);
});

test('set_qq_avatar: 1500 when the picture cannot be read or decoded', async () => {
  await fails('set_qq_avatar', { file: path.join(png.dir, 'missing.png') }, 1500);
  await fails('set_qq_avatar', { file: pathToFileURL(path.join(png.dir, 'missing.png')).href }, 1500);
  await fails('set_qq_avatar', { file: 'base64://%%% not base64 %%%' }, 1500);
  await fails('set_qq_avatar', { file: path.join(png.dir, 'notes.txt') }, 1500);
  await fails('set_qq_avatar', { file: `${png.base}/gone.png` }, 1500);
  assert.equal(bridge.sandbox!.world.self.avatar, '');
});

// ── set_self_longnick ─────────────────────────────────────────────────────────────────────────

test('set_self_longnick: the example sets the signature', async () => {
  assert.equal(await ok('set_self_longnick', { long_nick: '这是我的个性签名' }), null);
  assert.equal((await ok('get_stranger_info', { user_id: SELF })).long_nick, '这是我的个性签名');
});

test('set_self_longnick: the field name longNick is accepted too', async () => {
  assert.equal(await ok('set_self_longnick', { longNick: 'camel' }), null);
  assert.equal((await ok('get_stranger_info', { user_id: SELF })).long_nick, 'camel');
});

test('set_self_longnick: 1400 without long_nick (or longNick)', async () => {
  await fails('set_self_longnick', {}, 1400);
  await fails('set_self_longnick', { longnick: 'wrong case' }, 1400);
});

// ── set_online_status ─────────────────────────────────────────────────────────────────────────

test('set_online_status: the example (status 11) succeeds with null data', async () => {
  assert.equal(await ok('set_online_status', { status: 11 }), null);
  assert.equal((await ok('get_user_status', {})).status, 11);
});

test('set_online_status: every listed status, as number or string, takes effect', async () => {
  for (const s of [31, 41, 50, 60, 70, 11]) {
    await ok('set_online_status', { status: String(s) });
    assert.equal((await ok('get_user_status', { user_id: SELF })).status, s);
  }
});

test('set_online_status: ext_status and battery_status are accepted with no effect', async () => {
  await ok('set_online_status', { status: 50, ext_status: 1028, battery_status: 7 });
  const st = await ok('get_user_status', {});
  assert.equal(st.status, 50);
  assert.equal(st.ext_status, 0);
  assert.equal(st.battery_status, 100);
});

test('set_online_status: 1400 for a missing or unknown status', async () => {
  await fails('set_online_status', {}, 1400);
  await fails('set_online_status', { status: 12 }, 1400);
  await fails('set_online_status', { status: 'online' }, 1400);
});

// ── stamps ────────────────────────────────────────────────────────────────────────────────────

test('get_roaming_stamp: data is a bare array of URL strings', async () => {
  const data = await ok('get_roaming_stamp', {});
  assert.ok(Array.isArray(data));
  assert.deepEqual(data, ['https://sandbox.invalid/stamps/1001.gif', 'https://sandbox.invalid/stamps/1002.png']);
});

test('delete_stamp: the example (an id array) succeeds with null data', async () => {
  assert.equal(await ok('delete_stamp', { id: ['123', '456'] }), null);
  assert.equal((await ok('get_roaming_stamp')).length, 2); // neither id exists: nothing removed
});

test('delete_stamp: a single id string deletes that stamp', async () => {
  await ok('delete_stamp', { id: '1001' });
  assert.deepEqual(await ok('get_roaming_stamp'), ['https://sandbox.invalid/stamps/1002.png']);
  await ok('delete_stamp', { id: ['1002'] });
  assert.deepEqual(await ok('get_roaming_stamp'), []);
});

test('delete_stamp: 1400 without id', async () => {
  await fails('delete_stamp', {}, 1400);
  await fails('delete_stamp', { id: [] }, 1400);
});

// ── friend categories ─────────────────────────────────────────────────────────────────────────

test('the category examples in order: add 同事 gives id 3, rename 3 to 老同事, delete 3', async () => {
  assert.equal(await ok('add_friend_category', { name: '同事' }), null);
  let cats = await ok('get_friends_with_category');
  assert.deepEqual(cats.find((c: any) => c.category_id === 3), {
    category_id: 3, category_name: '同事', friends: [], categoryId: 3, categoryName: '同事', categoryMbCount: 0, buddyList: [],
  });

  assert.equal(await ok('rename_friend_category', { id: 3, name: '老同事' }), null);
  cats = await ok('get_friends_with_category');
  assert.equal(cats.find((c: any) => c.category_id === 3).category_name, '老同事');

  assert.equal(await ok('delete_friend_category', { id: 3 }), null);
  cats = await ok('get_friends_with_category');
  assert.equal(cats.find((c: any) => c.category_id === 3), undefined);
});

test('add_friend_category: 1400 without name', async () => {
  await fails('add_friend_category', {}, 1400);
  await fails('add_friend_category', { name: '' }, 1400);
});

test('delete_friend_category: 1400 without id', async () => {
  await fails('delete_friend_category', {}, 1400);
  await fails('delete_friend_category', { id: 'three' }, 1400);
});

test('rename_friend_category: 1400 without id or name', async () => {
  await fails('rename_friend_category', { name: '老同事' }, 1400);
  await fails('rename_friend_category', { id: 2 }, 1400);
  assert.equal((await ok('get_friends_with_category')).find((c: any) => c.category_id === 2).category_name, '同事');
});

// ── friends ───────────────────────────────────────────────────────────────────────────────────

test('delete_friend: the example removes the friend from get_friend_list', async () => {
  assert.ok((await ok('get_friend_list')).some((f: any) => f.user_id === FRIEND));
  assert.equal(await ok('delete_friend', { user_id: String(FRIEND), block: true }), null);
  assert.ok(!(await ok('get_friend_list')).some((f: any) => f.user_id === FRIEND));
});

test('delete_friend: 1400 without user_id', async () => {
  await fails('delete_friend', { block: true }, 1400);
  assert.equal((await ok('get_friend_list')).length, 3);
});

test('get_unidirectional_friend_list: a bare array of {user_id, nickname, source}', async () => {
  const data = await ok('get_unidirectional_friend_list', {});
  assert.deepEqual(data, [{ user_id: 10005, nickname: 'Eve', source: '群聊' }]);
});

// ── unsupported ───────────────────────────────────────────────────────────────────────────────

for (const action of ['delete_unidirectional_friend', 'set_model_show', '_set_model_show', 'get_model_show', '_get_model_show', 'qidian_get_account_info']) {
  test(`${action}: 1404 with data.not_supported`, async () => {
    const env = await fails(action, { user_id: FRIEND }, 1404);
    assert.equal(env.data.not_supported, true);
  });
}
