/**
 * NapCat / LLOneBot extensions on the sandbox, over the real OneBot HTTP face: the recent-contact
 * list built from the message history, temporary group files made permanent (under both names),
 * and doubtful friend requests (played in with the `doubt_friend_request` control op).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notices, sandboxPerTest } from './helpers';
import { ALICE, BOB, CHATTER, DAVE, EVE, LOBBY, QUIET } from './helpers/world';

const sb = sandboxPerTest();
const SEVEN_DAYS = 7 * 24 * 3600;

// ── get_recent_contact ────────────────────────────────────────────────────────────────────────

test('get_recent_contact gives the newest message of each conversation, newest first, in NapCat’s shape', async () => {
  await sb.play('message', { user_id: ALICE, message: 'hi' });
  await sb.play('message', { group_id: LOBBY, user_id: BOB, message: 'lobby news' });
  const sent = await sb.ok('send_group_msg', { group_id: CHATTER, message: 'chatter news' });
  const again = await sb.play('message', { user_id: ALICE, message: 'hi again' });
  const temp = await sb.play('message', { group_id: QUIET, user_id: EVE, temp: true, message: 'psst' });

  const rows = await sb.ok('get_recent_contact');
  const lobby = rows.find((r: any) => r.peerUin === String(LOBBY));
  assert.ok(lobby);
  const strip = ({ lastestMsg, ...rest }: any) => rest;
  assert.deepEqual(rows.map(strip), [
    { peerUin: String(EVE), remark: '', msgTime: rows[0].msgTime, chatType: 100, msgId: String(temp.message_id), sendNickName: 'Eve', sendMemberName: '', peerName: 'Eve' },
    { peerUin: String(ALICE), remark: 'alice', msgTime: rows[1].msgTime, chatType: 1, msgId: String(again.message_id), sendNickName: 'Alice', sendMemberName: '', peerName: 'Alice' },
    { peerUin: String(CHATTER), remark: '', msgTime: rows[2].msgTime, chatType: 2, msgId: String(sent.message_id), sendNickName: 'MahBot', sendMemberName: 'Bot', peerName: 'Chatter' },
    { peerUin: String(LOBBY), remark: '', msgTime: rows[3].msgTime, chatType: 2, msgId: String(lobby.msgId), sendNickName: 'Bob', sendMemberName: '', peerName: 'Sandbox Lobby' },
  ]);
  for (const r of rows) assert.match(r.msgTime, /^\d+$/, 'NapCat sends the time as a string of unix seconds');
  // The newest message itself, exactly as get_msg answers it.
  for (const r of rows) assert.deepEqual(r.lastestMsg, await sb.ok('get_msg', { message_id: Number(r.msgId) }));
  assert.deepEqual(rows[1].lastestMsg.message, [{ type: 'text', data: { text: 'hi again' } }]);
});

test('get_recent_contact: count bounds the list (default 10, numeric strings accepted), 0 or junk is 1400', async () => {
  assert.deepEqual(await sb.ok('get_recent_contact'), [], 'no messages yet: no recent contacts');
  for (const [user_id, group_id] of [[ALICE], [BOB], [ALICE, LOBBY], [BOB, CHATTER]]) {
    await sb.play('message', { user_id, group_id, message: 'x' });
  }
  assert.equal((await sb.ok('get_recent_contact')).length, 4);
  assert.deepEqual((await sb.ok('get_recent_contact', { count: '2' })).map((r: any) => r.peerUin), [String(CHATTER), String(LOBBY)]);
  await sb.fails('get_recent_contact', { count: 0 }, 1400);
  await sb.fails('get_recent_contact', { count: 'many' }, 1400);
});

test('get_recent_contact: a recalled message gives way to the one before it', async () => {
  const first = await sb.ok('send_private_msg', { user_id: BOB, message: 'first' });
  const second = await sb.ok('send_private_msg', { user_id: BOB, message: 'second' });
  assert.equal((await sb.ok('get_recent_contact'))[0].msgId, String(second.message_id));
  await sb.ok('delete_msg', { message_id: second.message_id });
  const [row] = await sb.ok('get_recent_contact');
  assert.equal(row.msgId, String(first.message_id));
  assert.equal(row.sendNickName, 'MahBot');
  assert.deepEqual(row.lastestMsg.message, [{ type: 'text', data: { text: 'first' } }]);
});

// ── trans_group_file / set_group_file_forever ─────────────────────────────────────────────────

const fileIn = async (group_id: number, file_id: string) => (await sb.ok('get_group_root_files', { group_id })).files.find((f: any) => f.file_id === file_id);

test('a temporary group file (busid 104, dead_time set) becomes permanent through trans_group_file, which answers {ok:true}', async () => {
  const up = await sb.play('group_upload', { group_id: LOBBY, user_id: ALICE, name: 'slides.ppt', size: 99, temporary: true });
  assert.equal(up.busid, 104);
  assert.equal(up.dead_time, up.upload_time + SEVEN_DAYS);
  const [uploaded] = notices(sb.events, 'group_upload');
  assert.equal(uploaded.file.busid, 104, 'the upload notice tells a temporary file by its bus id');
  assert.deepEqual(await fileIn(LOBBY, up.file_id), up);

  assert.deepEqual(await sb.ok('trans_group_file', { group_id: String(LOBBY), file_id: up.file_id }), { ok: true });
  assert.deepEqual(await fileIn(LOBBY, up.file_id), { ...up, busid: 102, dead_time: 0 });
});

test('set_group_file_forever does the same and answers null; a permanent file stays as it is', async () => {
  const up = await sb.play('group_upload', { group_id: CHATTER, user_id: BOB, name: 'notes.txt', size: 5, temporary: 'true' });
  assert.equal((await fileIn(CHATTER, up.file_id)).busid, 104);
  assert.equal(await sb.ok('set_group_file_forever', { group_id: CHATTER, file_id: up.file_id }), null);
  assert.deepEqual(await fileIn(CHATTER, up.file_id), { ...up, busid: 102, dead_time: 0 });

  const readme = await fileIn(LOBBY, '/file-readme');
  assert.equal(await sb.ok('set_group_file_forever', { group_id: LOBBY, file_id: '/file-readme' }), null);
  assert.deepEqual(await sb.ok('trans_group_file', { group_id: LOBBY, file_id: '/file-readme' }), { ok: true });
  assert.deepEqual(await fileIn(LOBBY, '/file-readme'), readme);
});

test('trans_group_file / set_group_file_forever: an unknown group or file is 1404, a missing file_id 1400', async () => {
  for (const action of ['trans_group_file', 'set_group_file_forever']) {
    await sb.fails(action, { group_id: 99999, file_id: '/file-readme' }, 1404);
    await sb.fails(action, { group_id: LOBBY, file_id: '/nope' }, 1404);
    await sb.fails(action, { group_id: LOBBY }, 1400);
    await sb.fails(action, { group_id: 'lobby', file_id: '/file-readme' }, 1400);
  }
});

// ── doubtful friend requests ──────────────────────────────────────────────────────────────────

test('a doubtful friend request raises no event and is listed, newest first, in NapCat’s shape', async () => {
  const first = await sb.play('doubt_friend_request', { user_id: DAVE, comment: 'hi, I am Dave', group_id: LOBBY });
  const second = await sb.play('doubt_friend_request', { user_id: 30001, nickname: 'Stranger', reason: 'risky account', source: 'search' });
  assert.equal(sb.events.filter((e) => e.post_type === 'request').length, 0, 'QQ holds these back: no request event');

  const list = await sb.ok('get_doubt_friends_add_request');
  assert.deepEqual(list.map(({ time, ...rest }: any) => rest), [
    { flag: second.flag, uin: '30001', nick: 'Stranger', source: 'search', reason: 'risky account', msg: '', group_code: '0', type: 'doubt' },
    { flag: first.flag, uin: String(DAVE), nick: 'Dave', source: '群聊', reason: list[1].reason, msg: 'hi, I am Dave', group_code: String(LOBBY), type: 'doubt' },
  ]);
  for (const r of list) assert.match(r.time, /^\d+$/, 'the request time is a string of unix seconds');
  assert.equal(typeof list[1].reason, 'string');
  assert.deepEqual((await sb.ok('get_doubt_friends_add_request', { count: '1' })).map((r: any) => r.flag), [second.flag]);
  await sb.fails('get_doubt_friends_add_request', { count: 0 }, 1400);
  // Not an ordinary request: set_friend_add_request does not know its flag.
  await sb.fails('set_friend_add_request', { flag: first.flag }, 1400);
});

test('set_doubt_friends_add_request approves by default: a friend, the friend_add notice, the request gone', async () => {
  const { flag } = await sb.play('doubt_friend_request', { user_id: DAVE });
  assert.equal(await sb.ok('set_doubt_friends_add_request', { flag }), null);
  assert.deepEqual(notices(sb.events, 'friend_add').map((e) => e.user_id), [DAVE]);
  assert.ok((await sb.ok('get_friend_list')).some((f: any) => f.user_id === DAVE));
  assert.deepEqual(await sb.ok('get_doubt_friends_add_request'), []);
  await sb.fails('set_doubt_friends_add_request', { flag }, 1400);
});

test('set_doubt_friends_add_request with approve false drops the request: no friend, no notice', async () => {
  const { flag } = await sb.play('doubt_friend_request', { user_id: EVE });
  assert.equal(await sb.ok('set_doubt_friends_add_request', { flag, approve: 'false' }), null);
  assert.equal(notices(sb.events, 'friend_add').length, 0);
  assert.ok(!(await sb.ok('get_friend_list')).some((f: any) => f.user_id === EVE));
  assert.deepEqual(await sb.ok('get_doubt_friends_add_request'), []);
});

test('set_doubt_friends_add_request: an unknown or missing flag is 1400', async () => {
  await sb.fails('set_doubt_friends_add_request', { flag: 'doubt-404' }, 1400);
  await sb.fails('set_doubt_friends_add_request', {}, 1400);
});

test('doubt_friend_request: one request per person (the newest), friends and bad ids refused, a friend_add clears it', async () => {
  const old = await sb.play('doubt_friend_request', { user_id: DAVE, comment: 'one' });
  const now = await sb.play('doubt_friend_request', { user_id: DAVE, comment: 'two' });
  assert.deepEqual((await sb.ok('get_doubt_friends_add_request')).map((r: any) => [r.flag, r.msg]), [[now.flag, 'two']]);
  await sb.fails('set_doubt_friends_add_request', { flag: old.flag }, 1400);
  await sb.refused('doubt_friend_request', { user_id: ALICE });
  await sb.refused('doubt_friend_request', { user_id: 'dave' });
  await sb.refused('doubt_friend_request', { user_id: DAVE, group_id: 'x' });
  await sb.play('friend_add', { user_id: DAVE });
  assert.deepEqual(await sb.ok('get_doubt_friends_add_request'), []);
});
