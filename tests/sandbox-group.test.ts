/**
 * OneBot group actions on the sandbox, over the real OneBot HTTP face (envelopes) and the action
 * core (error kinds): every change shows through the other actions and emits the notice QQ sends.
 * Seed world: the bot (10000) owns 20001, is an admin of 20002 (owned by Bob 10002) and a plain
 * member of 20003 (owned by Carol 10003).
 */
import { test, beforeEach, afterEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Bridge } from '../src/app';
import type { OneBotEvent } from '../src/core/types';
import { notices as noticesOf, oneBotHttp, openSandbox, PNG_B64, pngFixture, type PngFixture } from './helpers';

const SELF = 10000, ALICE = 10001, BOB = 10002, CAROL = 10003, DAVE = 10004;
const OWNED = 20001, ADMINED = 20002, MEMBER_OF = 20003;

let bridge: Bridge;
let events: OneBotEvent[];
let png: PngFixture;

const { ok, fails, failsWith, play } = oneBotHttp(() => bridge);
const notices = (type: string, sub?: string) => noticesOf(events, type, sub);
const member = (group_id: number, user_id: number) => ok('get_group_member_info', { group_id, user_id });
const memberIds = async (group_id: number) => (await ok('get_group_member_list', { group_id })).map((m: any) => m.user_id).sort();
const nowS = () => Math.floor(Date.now() / 1000);

before(async () => {
  png = await pngFixture('portrait.png');
});
after(() => png?.close());
beforeEach(async () => {
  ({ bridge, events } = await openSandbox());
});
afterEach(() => bridge?.stop());

// ── queries ───────────────────────────────────────────────────────────────────────────────────

test('get_group_info answers the standard fields, the extensions and the groupConfig extras', async () => {
  const info = await ok('get_group_info', { group_id: String(OWNED) });
  assert.deepEqual(info, {
    group_id: OWNED, group_name: 'Sandbox Lobby', member_count: 4, max_member_count: 200,
    group_create_time: 1_700_000_000, group_level: 3, group_memo: 'welcome', group_all_shut: 0, group_remark: '',
    allow_member_invite: true, anonymous_chat: false,
  });
  await fails('get_group_info', { group_id: 99999 }, 1404);
  await fails('get_group_info', {}, 1400);
  await failsWith('get_group_info', { group_id: 99999 }, 'not_found');
});

test('get_group_list lists every group the account is in', async () => {
  const list = await ok('get_group_list');
  assert.deepEqual(list.map((g: any) => [g.group_id, g.member_count]), [[OWNED, 4], [ADMINED, 4], [MEMBER_OF, 4]]);
});

test('get_group_member_info has every member field, level as a string, and a standing mute', async () => {
  const carol = await member(ADMINED, CAROL);
  assert.deepEqual(Object.keys(carol).sort(), [
    'age', 'area', 'card', 'card_changeable', 'group_id', 'join_time', 'last_sent_time', 'level', 'nickname', 'role',
    'sex', 'shut_up_timestamp', 'title', 'title_expire_time', 'unfriendly', 'user_id',
  ]);
  assert.equal(carol.nickname, 'Carol');
  assert.equal(carol.sex, 'female');
  assert.equal(typeof carol.level, 'string');
  assert.equal(carol.role, 'member');
  assert.equal(carol.shut_up_timestamp, 4_000_000_000);
  const alice = await member(OWNED, ALICE);
  assert.equal(alice.role, 'admin');
  assert.equal(alice.title, 'Veteran');
  assert.equal(alice.card, 'Alice (admin)');
  assert.equal((await member(OWNED, SELF)).nickname, 'MahBot');
  await fails('get_group_member_info', { group_id: OWNED, user_id: CAROL }, 1404);
  await failsWith('get_group_member_info', { group_id: OWNED, user_id: CAROL }, 'not_found');
});

test('get_group_member_list lists the members with their roles', async () => {
  const list = await ok('get_group_member_list', { group_id: ADMINED });
  assert.deepEqual(list.map((m: any) => [m.user_id, m.role]), [[BOB, 'owner'], [SELF, 'admin'], [ALICE, 'member'], [CAROL, 'member']]);
  assert.ok(list.every((m: any) => m.group_id === ADMINED));
});

test('get_group_at_all_remain: admins may @all, plain members may not', async () => {
  assert.deepEqual(await ok('get_group_at_all_remain', { group_id: OWNED }), { can_at_all: true, remain_at_all_count_for_group: 10, remain_at_all_count_for_uin: 10 });
  assert.equal((await ok('get_group_at_all_remain', { group_id: MEMBER_OF })).can_at_all, false);
});

test('get_group_honor_info fills only the requested categories', async () => {
  await play('member_honor', { group_id: OWNED, user_id: BOB, honor_type: 'talkative' });
  await play('member_honor', { group_id: OWNED, user_id: DAVE, honor_type: 'performer' });
  const all = await ok('get_group_honor_info', { group_id: OWNED, type: 'all' });
  assert.equal(all.group_id, OWNED);
  assert.deepEqual(all.current_talkative, { user_id: BOB, nickname: 'Bob', avatar: all.current_talkative.avatar, day_count: 1 });
  assert.deepEqual(all.talkative_list.map((h: any) => h.user_id), [BOB]);
  assert.deepEqual(all.performer_list, [{ user_id: DAVE, nickname: 'Dave', avatar: all.performer_list[0].avatar, description: '群聊之火' }]);
  assert.deepEqual(all.legend_list, []);
  const performer = await ok('get_group_honor_info', { group_id: OWNED, type: 'performer' });
  assert.equal(performer.current_talkative, undefined);
  assert.deepEqual(performer.talkative_list, []);
  assert.equal(performer.performer_list.length, 1);
  await fails('get_group_honor_info', { group_id: OWNED, type: 'bogus' }, 1400);
});

// ── mutes ─────────────────────────────────────────────────────────────────────────────────────

test('set_group_ban mutes a member: member info and the shut list show it, and a group_ban notice goes out', async () => {
  const before = nowS();
  assert.equal(await ok('set_group_ban', { group_id: OWNED, user_id: BOB, duration: 600 }), null);
  const after = nowS();
  const ts = (await member(OWNED, BOB)).shut_up_timestamp;
  assert.ok(ts >= before + 600 && ts <= after + 600, `shut_up_timestamp ${ts}`);
  assert.deepEqual(await ok('get_group_shut_list', { group_id: OWNED }), [{ user_id: BOB, shut_up_timestamp: ts }]);
  assert.deepEqual(notices('group_ban').map(({ time, ...e }) => e), [
    { self_id: SELF, post_type: 'notice', notice_type: 'group_ban', sub_type: 'ban', group_id: OWNED, operator_id: SELF, user_id: BOB, duration: 600 },
  ]);
});

test('set_group_ban: duration 0 lifts the mute, the default is 1800 s, and 30 days is the most', async () => {
  await ok('set_group_ban', { group_id: OWNED, user_id: BOB });
  assert.equal(notices('group_ban', 'ban')[0].duration, 1800);
  await ok('set_group_ban', { group_id: OWNED, user_id: BOB, duration: 0 });
  assert.equal((await member(OWNED, BOB)).shut_up_timestamp, 0);
  assert.equal(notices('group_ban', 'lift_ban').length, 1);
  assert.deepEqual(await ok('get_group_shut_list', { group_id: OWNED }), []);
  await ok('set_group_ban', { group_id: OWNED, user_id: DAVE, duration: 90 * 24 * 3600 });
  assert.equal(notices('group_ban', 'ban')[1].duration, 30 * 24 * 3600);
  await fails('set_group_ban', { group_id: OWNED, user_id: DAVE, duration: -5 }, 1400);
});

test('set_group_ban needs an admin who outranks the target', async () => {
  await failsWith('set_group_ban', { group_id: MEMBER_OF, user_id: 10005 }, 'permission'); // the bot is a member there
  await failsWith('set_group_ban', { group_id: ADMINED, user_id: BOB }, 'permission'); // Bob owns 20002
  await failsWith('set_group_ban', { group_id: OWNED, user_id: SELF }, 'permission');
  await failsWith('set_group_ban', { group_id: OWNED, user_id: CAROL }, 'not_found');
  await fails('set_group_ban', { group_id: ADMINED, user_id: BOB }, 1500);
  await ok('set_group_ban', { group_id: ADMINED, user_id: ALICE, duration: 60 });
  await ok('set_group_ban', { group_id: OWNED, user_id: ALICE, duration: 60 }); // the owner outranks an admin
  assert.equal(events.length, 2);
});

test('set_group_whole_ban mutes the whole group (user_id 0, duration -1) and lifts it', async () => {
  await ok('set_group_whole_ban', { group_id: OWNED });
  assert.equal((await ok('get_group_info', { group_id: OWNED })).group_all_shut, -1);
  await ok('set_group_whole_ban', { group_id: OWNED, enable: 'false' });
  assert.equal((await ok('get_group_info', { group_id: OWNED })).group_all_shut, 0);
  assert.deepEqual(notices('group_ban').map((e) => [e.sub_type, e.user_id, e.duration, e.operator_id]), [['ban', 0, -1, SELF], ['lift_ban', 0, 0, SELF]]);
  await failsWith('set_group_whole_ban', { group_id: MEMBER_OF }, 'permission');
});

// ── kicks ─────────────────────────────────────────────────────────────────────────────────────

test('set_group_kick removes the member and emits group_decrease kick', async () => {
  assert.equal(await ok('set_group_kick', { group_id: OWNED, user_id: DAVE }), null);
  assert.deepEqual(await memberIds(OWNED), [SELF, ALICE, BOB].sort());
  assert.equal((await ok('get_group_info', { group_id: OWNED })).member_count, 3);
  assert.deepEqual(notices('group_decrease').map((e) => [e.sub_type, e.group_id, e.operator_id, e.user_id]), [['kick', OWNED, SELF, DAVE]]);
  await failsWith('set_group_kick', { group_id: OWNED, user_id: DAVE }, 'not_found');
  await failsWith('set_group_kick', { group_id: ADMINED, user_id: BOB }, 'permission');
  await failsWith('set_group_kick', { group_id: MEMBER_OF, user_id: 10005 }, 'permission');
});

test('set_group_kick with reject_add_request refuses the person\'s later join requests', async () => {
  await ok('set_group_kick', { group_id: OWNED, user_id: BOB, reject_add_request: true });
  const res = await fetch(`http://127.0.0.1:${bridge.ports.onebot}/sandbox/join_request`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ group_id: OWNED, user_id: BOB }),
  });
  assert.equal(res.status, 400);
  await ok('set_group_kick', { group_id: OWNED, user_id: DAVE });
  assert.ok((await play('join_request', { group_id: OWNED, user_id: DAVE })).flag);
});

test('set_group_kick_members (and batch_delete_group_member with user_ids) kicks all or none', async () => {
  await failsWith('set_group_kick_members', { group_id: ADMINED, user_id: [ALICE, BOB] }, 'permission');
  assert.deepEqual(await memberIds(ADMINED), [SELF, ALICE, BOB, CAROL].sort());
  await ok('set_group_kick_members', { group_id: ADMINED, user_id: [ALICE, CAROL] });
  assert.deepEqual(await memberIds(ADMINED), [SELF, BOB].sort());
  await ok('batch_delete_group_member', { group_id: OWNED, user_ids: [String(BOB), DAVE] });
  assert.deepEqual(await memberIds(OWNED), [SELF, ALICE].sort());
  assert.equal(notices('group_decrease', 'kick').length, 4);
});

// ── roles, cards, titles, names ───────────────────────────────────────────────────────────────

test('set_group_admin (owner only) promotes and demotes with group_admin notices', async () => {
  await ok('set_group_admin', { group_id: OWNED, user_id: BOB });
  assert.equal((await member(OWNED, BOB)).role, 'admin');
  await ok('set_group_admin', { group_id: OWNED, user_id: BOB, enable: false });
  assert.equal((await member(OWNED, BOB)).role, 'member');
  assert.deepEqual(notices('group_admin').map((e) => [e.sub_type, e.group_id, e.user_id]), [['set', OWNED, BOB], ['unset', OWNED, BOB]]);
  await failsWith('set_group_admin', { group_id: ADMINED, user_id: ALICE }, 'permission');
  await failsWith('set_group_admin', { group_id: OWNED, user_id: SELF }, 'rejected');
  await failsWith('set_group_admin', { group_id: OWNED, user_id: CAROL }, 'not_found');
});

test('set_group_card changes cards (the bot\'s own too) with group_card notices; others\' cards need rank', async () => {
  await ok('set_group_card', { group_id: OWNED, user_id: DAVE, card: 'D.' });
  assert.equal((await member(OWNED, DAVE)).card, 'D.');
  await ok('set_group_card', { group_id: MEMBER_OF, user_id: SELF, card: 'Botty' });
  assert.equal((await member(MEMBER_OF, SELF)).card, 'Botty');
  await ok('set_group_card', { group_id: OWNED, user_id: DAVE }); // empty clears
  assert.equal((await member(OWNED, DAVE)).card, '');
  assert.deepEqual(notices('group_card').map((e) => [e.group_id, e.user_id, e.card_new, e.card_old]), [
    [OWNED, DAVE, 'D.', 'Dave'], [MEMBER_OF, SELF, 'Botty', ''], [OWNED, DAVE, '', 'D.'],
  ]);
  await failsWith('set_group_card', { group_id: MEMBER_OF, user_id: 10005, card: 'x' }, 'permission');
  assert.equal((await member(MEMBER_OF, SELF)).card_changeable, true);
  assert.equal((await member(MEMBER_OF, 10005)).card_changeable, false);
});

test('set_group_name renames the group with a notify/group_name notice; members cannot', async () => {
  await ok('set_group_name', { group_id: ADMINED, group_name: 'Renamed' });
  assert.equal((await ok('get_group_info', { group_id: ADMINED })).group_name, 'Renamed');
  assert.deepEqual(notices('notify', 'group_name').map((e) => [e.group_id, e.user_id, e.name_new]), [[ADMINED, SELF, 'Renamed']]);
  await failsWith('set_group_name', { group_id: MEMBER_OF, group_name: 'x' }, 'permission');
  await fails('set_group_name', { group_id: ADMINED }, 1400);
});

test('set_group_special_title (owner only) sets the title with a notify/title notice', async () => {
  await ok('set_group_special_title', { group_id: OWNED, user_id: BOB, special_title: 'Builder' });
  const bob = await member(OWNED, BOB);
  assert.equal(bob.title, 'Builder');
  assert.equal(bob.title_expire_time, 0);
  assert.deepEqual(notices('notify', 'title').map((e) => [e.group_id, e.user_id, e.title]), [[OWNED, BOB, 'Builder']]);
  await failsWith('set_group_special_title', { group_id: ADMINED, user_id: ALICE, special_title: 'x' }, 'permission');
});

test('set_group_remark sets the bot\'s private remark', async () => {
  await ok('set_group_remark', { group_id: MEMBER_OF, remark: 'the quiet one' });
  assert.equal((await ok('get_group_info', { group_id: MEMBER_OF })).group_remark, 'the quiet one');
  await failsWith('set_group_remark', { group_id: 99999, remark: 'x' }, 'not_found');
});

test('send_group_sign (alias set_group_sign) checks in with a notify/group_sign notice', async () => {
  await ok('send_group_sign', { group_id: MEMBER_OF });
  await ok('set_group_sign', { group_id: OWNED });
  assert.deepEqual(notices('notify', 'group_sign').map((e) => [e.group_id, e.user_id, e.nick]), [[MEMBER_OF, SELF, 'MahBot'], [OWNED, SELF, 'MahBot']]);
  await fails('send_group_sign', { group_id: 99999 }, 1404);
});

test('set_group_anonymous switches anonymous chat; set_group_anonymous_ban needs it on and a flag', async () => {
  await failsWith('set_group_anonymous_ban', { group_id: OWNED, anonymous_flag: 'anon-1' }, 'rejected');
  await ok('set_group_anonymous', { group_id: OWNED });
  assert.equal((await ok('get_group_info', { group_id: OWNED })).anonymous_chat, true);
  await ok('set_group_anonymous_ban', { group_id: OWNED, anonymous: { id: 1, name: 'x', flag: 'anon-1' }, duration: 60 });
  await ok('set_group_anonymous_ban', { group_id: OWNED, flag: 'anon-1' });
  await fails('set_group_anonymous_ban', { group_id: OWNED }, 1400);
  await failsWith('set_group_anonymous', { group_id: MEMBER_OF, enable: false }, 'permission');
});

test('set_group_allow_member_invite (bridge extension) sets what get_group_info reports; admins only', async () => {
  await ok('set_group_allow_member_invite', { group_id: ADMINED, enable: false });
  assert.equal((await ok('get_group_info', { group_id: ADMINED })).allow_member_invite, false);
  await ok('set_group_allow_member_invite', { group_id: ADMINED });
  assert.equal((await ok('get_group_info', { group_id: ADMINED })).allow_member_invite, true);
  await failsWith('set_group_allow_member_invite', { group_id: MEMBER_OF, enable: false }, 'permission');
});

// ── leaving ───────────────────────────────────────────────────────────────────────────────────

test('set_group_leave: the bot leaves a group it does not own (group_decrease leave)', async () => {
  await ok('set_group_leave', { group_id: ADMINED });
  assert.deepEqual((await ok('get_group_list')).map((g: any) => g.group_id), [OWNED, MEMBER_OF]);
  await fails('get_group_info', { group_id: ADMINED }, 1404);
  assert.deepEqual(notices('group_decrease').map((e) => [e.sub_type, e.group_id, e.operator_id, e.user_id]), [['leave', ADMINED, SELF, SELF]]);
});

test('set_group_leave: the owner can only leave by dissolving the group', async () => {
  await failsWith('set_group_leave', { group_id: OWNED }, 'permission');
  await fails('set_group_leave', { group_id: OWNED, is_dismiss: false }, 1500);
  assert.equal((await ok('get_group_info', { group_id: OWNED })).group_id, OWNED);
  await ok('set_group_leave', { group_id: OWNED, is_dismiss: true });
  await failsWith('get_group_info', { group_id: OWNED }, 'not_found');
  assert.equal(notices('group_decrease', 'leave').length, 1);
});

// ── portrait ──────────────────────────────────────────────────────────────────────────────────

test('set_group_portrait takes a path, file://, base64:// or http(s) picture', async () => {
  const sha1 = createHash('sha1').update(Buffer.from(PNG_B64, 'base64')).digest('hex');
  assert.equal(await ok('set_group_portrait', { group_id: OWNED, file: png.file }), null);
  assert.equal(bridge.sandbox!.world.groups.get(OWNED)!.portrait, sha1);
  await ok('set_group_portrait', { group_id: OWNED, file: `file://${png.file}` });
  await ok('set_group_portrait', { group_id: ADMINED, file: `base64://${PNG_B64}`, cache: 0 });
  await ok('set_group_portrait', { group_id: ADMINED, file: png.url });
  assert.equal(bridge.sandbox!.world.groups.get(ADMINED)!.portrait, sha1);
});

test('set_group_portrait: 1500 for a missing file or undecodable data, 1400 without file, admins only', async () => {
  await failsWith('set_group_portrait', { group_id: OWNED, file: path.join(png.dir, 'missing.png') }, 'file_missing');
  await fails('set_group_portrait', { group_id: OWNED, file: path.join(png.dir, 'missing.png') }, 1500);
  await fails('set_group_portrait', { group_id: OWNED, file: 'base64://%%% not base64 %%%' }, 1500);
  await fails('set_group_portrait', { group_id: OWNED }, 1400);
  await failsWith('set_group_portrait', { group_id: MEMBER_OF, file: png.file }, 'permission');
  assert.equal(bridge.sandbox!.world.groups.get(OWNED)!.portrait, undefined);
});

// ── announcements ─────────────────────────────────────────────────────────────────────────────

test('send_group_notice publishes an announcement that get_group_notice lists, newest first', async () => {
  assert.equal(await ok('send_group_notice', { group_id: OWNED, content: 'Meeting at 5', pinned: 1, confirm_required: false }), null);
  await ok('_send_group_notice', { group_id: OWNED, content: 'with picture', image: `base64://${PNG_B64}` });
  const list = await ok('get_group_notice', { group_id: OWNED });
  assert.equal(list.length, 3);
  const texts = list.map((n: any) => n.message.text);
  assert.ok(texts.includes('Meeting at 5') && texts.includes('with picture') && texts.at(-1) === 'Welcome to the sandbox');
  const meeting = list.find((n: any) => n.message.text === 'Meeting at 5');
  assert.match(meeting.notice_id, /^[0-9a-f]{32}$/);
  assert.equal(meeting.sender_id, SELF);
  assert.equal(meeting.read_num, 0);
  assert.deepEqual(meeting.message.images, []);
  assert.deepEqual(meeting.settings, { is_show_edit_card: 0, remind_ts: 0, tip_window_type: 0, confirm_required: 0 });
  assert.equal(list.find((n: any) => n.message.text === 'with picture').message.images.length, 1);
  assert.deepEqual(await ok('_get_group_notice', { group_id: MEMBER_OF }), []);
});

test('del_group_notice (and its _del/_delete aliases) removes announcements; admins only', async () => {
  await ok('send_group_notice', { group_id: OWNED, content: 'a' });
  const id = (await ok('get_group_notice', { group_id: OWNED })).find((n: any) => n.message.text === 'a').notice_id;
  await ok('_delete_group_notice', { group_id: OWNED, notice_id: id });
  await ok('_del_group_notice', { group_id: OWNED, notice_id: 'notice-1' });
  assert.deepEqual(await ok('get_group_notice', { group_id: OWNED }), []);
  await fails('del_group_notice', { group_id: OWNED, notice_id: 'notice-1' }, 1404);
  await failsWith('send_group_notice', { group_id: MEMBER_OF, content: 'x' }, 'permission');
  await fails('send_group_notice', { group_id: OWNED }, 1400);
});
