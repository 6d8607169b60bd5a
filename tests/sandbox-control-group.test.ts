/**
 * The group side of the sandbox control surface (`POST /sandbox/<op>` on the OneBot port): other
 * people join, leave, kick, mute, rename, ask to join and invite the bot; each op emits the notice
 * or request QQ would, shows through the OneBot actions, and answers 400 for bad input.
 * Seed: the bot (10000) owns 20001 (Alice 10001 admin), is an admin of 20002 (Bob 10002 owns it)
 * and a member of 20003 (Carol 10003 owns it).
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Bridge } from '../src/app';
import type { OneBotEvent } from '../src/core/types';
import { oneBotHttp, openSandbox } from './helpers';

const SELF = 10000, ALICE = 10001, BOB = 10002, CAROL = 10003, DAVE = 10004, EVE = 10005;
const OWNED = 20001, ADMINED = 20002, MEMBER_OF = 20003;

let bridge: Bridge;
let events: OneBotEvent[];

const { ok, failsWith, play, refused } = oneBotHttp(() => bridge);
/** Events of a kind, without the fields every event has. */
const seen = (type: string) =>
  events.filter((e) => e.notice_type === type || e.request_type === type).map(({ time, self_id, post_type, ...rest }) => rest);
const memberIds = async (group_id: number) => (await ok('get_group_member_list', { group_id })).map((m: any) => m.user_id).sort();
const groupIds = async () => (await ok('get_group_list')).map((g: any) => g.group_id);

beforeEach(async () => {
  ({ bridge, events } = await openSandbox());
});
afterEach(() => bridge?.stop());

test('member_join adds a newcomer (a new person when unknown) and emits group_increase', async () => {
  const m = await play('member_join', { group_id: OWNED, user_id: 30001, nickname: 'Newbie' });
  assert.equal(m.user_id, 30001);
  assert.equal(m.nickname, 'Newbie');
  assert.equal(m.role, 'member');
  assert.ok((await memberIds(OWNED)).includes(30001));
  assert.equal(bridge.sandbox!.world.people.get(30001)?.nickname, 'Newbie');
  await play('member_join', { group_id: String(MEMBER_OF), user_id: String(DAVE), operator_id: EVE, sub_type: 'invite' });
  assert.deepEqual(seen('group_increase'), [
    { notice_type: 'group_increase', sub_type: 'approve', group_id: OWNED, operator_id: SELF, user_id: 30001 },
    { notice_type: 'group_increase', sub_type: 'invite', group_id: MEMBER_OF, operator_id: EVE, user_id: DAVE },
  ]);
});

test('member_join refuses members, unknown groups, the bot, bad sub_types and bad ids', async () => {
  await refused('member_join', { group_id: OWNED, user_id: ALICE });
  await refused('member_join', { group_id: 99999, user_id: 30001 });
  await refused('member_join', { group_id: OWNED, user_id: SELF });
  await refused('member_join', { group_id: OWNED, user_id: 30001, sub_type: 'teleport' });
  await refused('member_join', { group_id: OWNED, user_id: 'abc' });
  await refused('member_join', { group_id: OWNED });
  assert.equal(events.length, 0);
});

test('member_leave: someone leaves (group_decrease leave, operator = themself); owners cannot', async () => {
  await play('member_leave', { group_id: OWNED, user_id: DAVE });
  assert.ok(!(await memberIds(OWNED)).includes(DAVE));
  assert.deepEqual(seen('group_decrease'), [{ notice_type: 'group_decrease', sub_type: 'leave', group_id: OWNED, operator_id: DAVE, user_id: DAVE }]);
  await refused('member_leave', { group_id: ADMINED, user_id: BOB });
  await refused('member_leave', { group_id: OWNED, user_id: DAVE });
});

test('member_kick: an admin kicks a member; kicking the bot removes the group (kick_me)', async () => {
  await play('member_kick', { group_id: OWNED, user_id: DAVE, operator_id: ALICE });
  assert.ok(!(await memberIds(OWNED)).includes(DAVE));
  await refused('member_kick', { group_id: OWNED, user_id: SELF, operator_id: ALICE }); // an admin cannot kick the owner
  await refused('member_kick', { group_id: ADMINED, user_id: CAROL, operator_id: ALICE }); // Alice is a plain member there
  await play('member_kick', { group_id: ADMINED, user_id: SELF, operator_id: BOB });
  assert.deepEqual(await groupIds(), [OWNED, MEMBER_OF]);
  await failsWith('get_group_member_list', { group_id: ADMINED }, 'not_found');
  assert.deepEqual(seen('group_decrease'), [
    { notice_type: 'group_decrease', sub_type: 'kick', group_id: OWNED, operator_id: ALICE, user_id: DAVE },
    { notice_type: 'group_decrease', sub_type: 'kick_me', group_id: ADMINED, operator_id: BOB, user_id: SELF },
  ]);
});

test('member_mute: a mute of the bot shows in its member info and lifts with duration 0', async () => {
  const before = Math.floor(Date.now() / 1000);
  const m = await play('member_mute', { group_id: MEMBER_OF, user_id: SELF, operator_id: CAROL, duration: 300 });
  const after = Math.floor(Date.now() / 1000);
  assert.ok(m.shut_up_timestamp >= before + 300 && m.shut_up_timestamp <= after + 300);
  assert.equal((await ok('get_group_member_info', { group_id: MEMBER_OF, user_id: SELF })).shut_up_timestamp, m.shut_up_timestamp);
  await play('member_mute', { group_id: MEMBER_OF, user_id: SELF, operator_id: ALICE, duration: 0 });
  assert.equal((await ok('get_group_member_info', { group_id: MEMBER_OF, user_id: SELF })).shut_up_timestamp, 0);
  assert.deepEqual(seen('group_ban'), [
    { notice_type: 'group_ban', sub_type: 'ban', group_id: MEMBER_OF, operator_id: CAROL, user_id: SELF, duration: 300 },
    { notice_type: 'group_ban', sub_type: 'lift_ban', group_id: MEMBER_OF, operator_id: ALICE, user_id: SELF, duration: 0 },
  ]);
  await refused('member_mute', { group_id: MEMBER_OF, user_id: ALICE, operator_id: EVE, duration: 60 });
  await refused('member_mute', { group_id: MEMBER_OF, user_id: EVE, operator_id: ALICE, duration: -1 });
});

test('whole_ban: an admin mutes and unmutes the whole group', async () => {
  await play('whole_ban', { group_id: ADMINED, operator_id: BOB, enable: true });
  assert.equal((await ok('get_group_info', { group_id: ADMINED })).group_all_shut, -1);
  await play('whole_ban', { group_id: ADMINED, operator_id: BOB, enable: 'false' });
  assert.equal((await ok('get_group_info', { group_id: ADMINED })).group_all_shut, 0);
  assert.deepEqual(seen('group_ban').map((e) => [e.sub_type, e.user_id, e.duration, e.operator_id]), [['ban', 0, -1, BOB], ['lift_ban', 0, 0, BOB]]);
  await refused('whole_ban', { group_id: ADMINED, operator_id: CAROL });
});

test('member_card: a member changes their card (group_card notice)', async () => {
  const m = await play('member_card', { group_id: OWNED, user_id: DAVE, card: 'Dave the Brave' });
  assert.equal(m.card, 'Dave the Brave');
  assert.equal((await ok('get_group_member_info', { group_id: OWNED, user_id: DAVE })).card, 'Dave the Brave');
  assert.deepEqual(seen('group_card'), [{ notice_type: 'group_card', group_id: OWNED, user_id: DAVE, card_new: 'Dave the Brave', card_old: 'Dave' }]);
  await refused('member_card', { group_id: OWNED, user_id: CAROL, card: 'x' });
});

test('member_admin: the owner makes someone (the bot too) an admin and back', async () => {
  await play('member_admin', { group_id: MEMBER_OF, user_id: SELF, enable: true });
  assert.equal((await ok('get_group_member_info', { group_id: MEMBER_OF, user_id: SELF })).role, 'admin');
  await ok('set_group_ban', { group_id: MEMBER_OF, user_id: EVE, duration: 60 }); // now allowed
  await play('member_admin', { group_id: MEMBER_OF, user_id: SELF, enable: false });
  await failsWith('set_group_ban', { group_id: MEMBER_OF, user_id: EVE, duration: 60 }, 'permission');
  assert.deepEqual(seen('group_admin'), [
    { notice_type: 'group_admin', sub_type: 'set', group_id: MEMBER_OF, user_id: SELF },
    { notice_type: 'group_admin', sub_type: 'unset', group_id: MEMBER_OF, user_id: SELF },
  ]);
  await refused('member_admin', { group_id: MEMBER_OF, user_id: CAROL, enable: true });
});

test('member_title and member_honor: notify title / honor notices, visible in member and honor info', async () => {
  await play('member_title', { group_id: OWNED, user_id: BOB, title: 'Chatterbox' });
  assert.equal((await ok('get_group_member_info', { group_id: OWNED, user_id: BOB })).title, 'Chatterbox');
  await play('member_honor', { group_id: OWNED, user_id: BOB, honor_type: 'talkative' });
  assert.equal((await ok('get_group_honor_info', { group_id: OWNED, type: 'talkative' })).current_talkative.user_id, BOB);
  assert.deepEqual(seen('notify'), [
    { notice_type: 'notify', sub_type: 'title', group_id: OWNED, user_id: BOB, title: 'Chatterbox' },
    { notice_type: 'notify', sub_type: 'honor', group_id: OWNED, user_id: BOB, honor_type: 'talkative' },
  ]);
  await refused('member_honor', { group_id: OWNED, user_id: BOB, honor_type: 'best_dressed' });
  await refused('member_honor', { group_id: OWNED, user_id: CAROL, honor_type: 'emotion' });
});

test('group_name: an admin renames the group (notify group_name with name_new)', async () => {
  await play('group_name', { group_id: MEMBER_OF, operator_id: ALICE, name: 'Loud Room' });
  assert.equal((await ok('get_group_info', { group_id: MEMBER_OF })).group_name, 'Loud Room');
  assert.deepEqual(seen('notify'), [{ notice_type: 'notify', sub_type: 'group_name', group_id: MEMBER_OF, user_id: ALICE, name_new: 'Loud Room' }]);
  await refused('group_name', { group_id: MEMBER_OF, operator_id: EVE, name: 'x' });
  await refused('group_name', { group_id: MEMBER_OF, operator_id: ALICE, name: '' });
});

test('group_upload: a member uploads a file (group_upload notice) that lists in the group', async () => {
  const f = await play('group_upload', { group_id: OWNED, user_id: BOB, name: 'photo.jpg', size: 2048 });
  assert.equal(f.file_name, 'photo.jpg');
  assert.equal(f.uploader, BOB);
  const root = await ok('get_group_root_files', { group_id: OWNED });
  assert.ok(root.files.some((x: any) => x.file_id === f.file_id && x.file_size === 2048 && x.uploader_name === 'Bob'));
  assert.deepEqual(seen('group_upload'), [{ notice_type: 'group_upload', group_id: OWNED, user_id: BOB, file: { id: f.file_id, name: 'photo.jpg', size: 2048, busid: 102 } }]);
  await refused('group_upload', { group_id: OWNED, user_id: CAROL, name: 'x' });
  await refused('group_upload', { group_id: OWNED, user_id: BOB });
});

// ── requests ──────────────────────────────────────────────────────────────────────────────────

test('join_request → request event and system message; approving adds the member (group_increase approve)', async () => {
  const { flag } = await play('join_request', { group_id: ADMINED, user_id: DAVE, comment: 'let me in' });
  assert.equal(typeof flag, 'string');
  assert.deepEqual(seen('group'), [{
    request_type: 'group', sub_type: 'add', group_id: ADMINED, user_id: DAVE, comment: 'let me in', flag, group_name: 'Chatter', nickname: 'Dave',
  }]);
  const sys = await ok('get_group_system_msg');
  assert.deepEqual(sys, {
    invited_requests: [],
    join_requests: [{ request_id: Number(flag), requester_uin: DAVE, requester_nick: 'Dave', message: 'let me in', group_id: ADMINED, group_name: 'Chatter', checked: false, actor: 0 }],
  });
  assert.equal(await ok('set_group_add_request', { flag }), null);
  assert.ok((await memberIds(ADMINED)).includes(DAVE));
  assert.deepEqual(seen('group_increase'), [{ notice_type: 'group_increase', sub_type: 'approve', group_id: ADMINED, operator_id: SELF, user_id: DAVE }]);
  assert.deepEqual((await ok('get_group_system_msg')).join_requests, []);
  await failsWith('set_group_add_request', { flag }, 'bad_params'); // handled once only
});

test('rejecting a join request (sub_type given as type) drops it without adding anyone', async () => {
  const { flag } = await play('join_request', { group_id: OWNED, user_id: 30002, nickname: 'Stranger' });
  await ok('set_group_add_request', { flag, type: 'add', approve: false, reason: 'no' });
  assert.ok(!(await memberIds(OWNED)).includes(30002));
  assert.equal(seen('group_increase').length, 0);
  await failsWith('set_group_add_request', { flag, approve: true }, 'bad_params');
  await failsWith('set_group_add_request', { flag: 'never-issued' }, 'bad_params');
});

test('join_request needs the bot to be an admin and the person to be outside the group', async () => {
  await refused('join_request', { group_id: MEMBER_OF, user_id: DAVE }); // the bot is a plain member there
  await refused('join_request', { group_id: OWNED, user_id: ALICE });
  await refused('join_request', { group_id: 99999, user_id: DAVE });
});

test('group_invite → invite request; approving puts the bot in the group (group_increase invite)', async () => {
  const { flag } = await play('group_invite', { group_id: 20099, group_name: 'New Friends', user_id: ALICE });
  assert.deepEqual(seen('group'), [{
    request_type: 'group', sub_type: 'invite', group_id: 20099, user_id: ALICE, comment: '', flag, group_name: 'New Friends', nickname: 'Alice',
  }]);
  assert.deepEqual((await ok('get_group_system_msg')).invited_requests, [
    { request_id: Number(flag), invitor_uin: ALICE, invitor_nick: 'Alice', group_id: 20099, group_name: 'New Friends', checked: false, actor: 0 },
  ]);
  await ok('set_group_add_request', { flag, sub_type: 'invite', approve: 'true' });
  assert.deepEqual(await groupIds(), [OWNED, ADMINED, MEMBER_OF, 20099]);
  assert.equal((await ok('get_group_info', { group_id: 20099 })).group_name, 'New Friends');
  assert.deepEqual(await memberIds(20099), [SELF, ALICE].sort());
  assert.deepEqual(seen('group_increase'), [{ notice_type: 'group_increase', sub_type: 'invite', group_id: 20099, operator_id: ALICE, user_id: SELF }]);
  await refused('group_invite', { group_id: 20099, user_id: BOB }); // already in it
});

test('a declined invitation leaves the bot outside the group', async () => {
  const { flag } = await play('group_invite', { group_id: 20098, user_id: BOB });
  await ok('set_group_add_request', { flag, approve: false });
  assert.deepEqual(await groupIds(), [OWNED, ADMINED, MEMBER_OF]);
  assert.deepEqual(await ok('get_group_system_msg'), { invited_requests: [], join_requests: [] });
});

test('unknown control ops answer 404; GET is not a way to run these ops', async () => {
  await refused('member_teleport', { group_id: OWNED }, 404);
  const res = await fetch(`http://127.0.0.1:${bridge.ports.onebot}/sandbox/member_join?group_id=${OWNED}&user_id=30003`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
});
