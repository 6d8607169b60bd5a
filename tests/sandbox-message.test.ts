/**
 * The sandbox's message actions: sends, reads, recalls, forwards, history, read marks, pokes, essence,
 * reactions, media and quick operations — each checked through the world changes other actions see.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALICE, BOB, CAROL, CHATTER, DAVE, EVE, LOBBY, QUIET, SELF, notices, sandboxPerTest, rejectsWith } from './helpers';

const h = sandboxPerTest();

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex').toUpperCase();
const text = (t: string) => [{ type: 'text', data: { text: t } }];

// ---- sending and reading -------------------------------------------------------------------

test('send_group_msg over HTTP stores a message that get_msg returns in full OneBot shape', async () => {
  const { message_id } = await h.ok('send_group_msg', { group_id: String(LOBBY), message: 'hi [CQ:face,id=14] &#91;x&#93;' });
  assert.equal(typeof message_id, 'number');
  const m = await h.ok('get_msg', { message_id: String(message_id) });
  assert.deepEqual(m.message, [
    { type: 'text', data: { text: 'hi ' } },
    { type: 'face', data: { id: '14' } },
    { type: 'text', data: { text: ' [x]' } },
  ]);
  assert.equal(m.raw_message, 'hi [CQ:face,id=14] &#91;x&#93;');
  assert.equal(m.self_id, SELF);
  assert.equal(m.post_type, 'message');
  assert.equal(m.message_type, 'group');
  assert.equal(m.sub_type, 'normal');
  assert.equal(m.message_id, message_id);
  assert.equal(m.real_id, message_id);
  assert.equal(typeof m.message_seq, 'number');
  assert.equal(m.user_id, SELF);
  assert.equal(m.group_id, LOBBY);
  assert.equal(m.target_id, LOBBY);
  assert.equal(m.font, 0);
  assert.deepEqual(m.sender, { user_id: SELF, nickname: 'MahBot', card: '', sex: 'unknown', age: 3, area: '', level: '1', role: 'owner', title: '' });
  // The bot's own API sends are not echoed as events.
  assert.equal(h.events.filter((e) => e.post_type === 'message' || e.post_type === 'message_sent').length, 0);
});

test('send_private_msg reaches a friend; the private sender shape has no group fields', async () => {
  const { message_id } = await h.ok('send_private_msg', { user_id: ALICE, message: text('hello') });
  const m = await h.ok('get_msg', { message_id });
  assert.equal(m.message_type, 'private');
  assert.equal(m.sub_type, 'friend');
  assert.equal(m.target_id, ALICE);
  assert.equal(m.group_id, undefined);
  assert.deepEqual(m.sender, { user_id: SELF, nickname: 'MahBot', sex: 'unknown', age: 3 });
  const hist = await h.ok('get_friend_msg_history', { user_id: ALICE });
  assert.deepEqual(hist.messages.map((x: any) => x.message_id), [message_id]);
});

test('send_private_msg with group_id opens a temp session with a member who is not a friend', async () => {
  await rejectsWith(h.call('send_private_msg', { user_id: DAVE, message: 'hi' }), 'not_found');
  const { message_id } = await h.call('send_private_msg', { user_id: DAVE, group_id: LOBBY, message: 'hi' });
  const m = await h.call('get_msg', { message_id });
  assert.equal(m.sub_type, 'group');
  assert.equal(m.sender.group_id, LOBBY);
  // Eve is not in the Lobby; unknown groups are not found either.
  await rejectsWith(h.call('send_private_msg', { user_id: EVE, group_id: LOBBY, message: 'hi' }), 'not_found');
  await rejectsWith(h.call('send_private_msg', { user_id: EVE, group_id: 29999, message: 'hi' }), 'not_found');
});

test('send_msg routes by message_type, else by group_id, else by user_id', async () => {
  const g = await h.call('send_msg', { group_id: LOBBY, user_id: ALICE, message: 'g' });
  assert.equal((await h.call('get_msg', g)).message_type, 'group');
  const p = await h.call('send_msg', { user_id: ALICE, message: 'p' });
  assert.equal((await h.call('get_msg', p)).message_type, 'private');
  const typed = await h.call('send_msg', { message_type: 'private', user_id: BOB, group_id: LOBBY, message: 'x' });
  assert.equal((await h.call('get_msg', typed)).user_id, SELF);
  await rejectsWith(h.call('send_msg', { message_type: 'group', user_id: ALICE, message: 'x' }), 'bad_params', /group_id/);
  await rejectsWith(h.call('send_msg', { message: 'x' }), 'bad_params');
});

test('auto_escape sends a CQ-looking string as plain text', async () => {
  const { message_id } = await h.ok('send_group_msg', { group_id: LOBBY, message: '[CQ:face,id=1]', auto_escape: 'true' });
  const m = await h.ok('get_msg', { message_id });
  assert.deepEqual(m.message, text('[CQ:face,id=1]'));
  assert.equal(m.raw_message, '&#91;CQ:face,id=1&#93;');
});

test('segments are normalised: ids become strings, location lng becomes lon, unknown types pass through', async () => {
  const { message_id } = await h.call('send_group_msg', {
    group_id: LOBBY,
    message: [
      { type: 'at', data: { qq: ALICE } },
      { type: 'face', data: { id: 14 } },
      { type: 'location', data: { lat: 1.5, lng: 2.5, title: 't' } },
      { type: 'json', data: { data: { app: 'x' } } },
      { type: 'dice', data: {} },
      { type: 'brand_new', data: { anything: [1, { a: 2 }] } },
    ],
  });
  const m = (await h.call('get_msg', { message_id })).message;
  assert.deepEqual(m[0], { type: 'at', data: { qq: String(ALICE) } });
  assert.deepEqual(m[1], { type: 'face', data: { id: '14' } });
  assert.deepEqual(m[2], { type: 'location', data: { lat: 1.5, lon: 2.5, title: 't' } });
  assert.deepEqual(m[3], { type: 'json', data: { data: '{"app":"x"}' } });
  assert.ok(['1', '2', '3', '4', '5', '6'].includes(m[4].data.result));
  assert.deepEqual(m[5], { type: 'brand_new', data: { anything: [1, { a: 2 }] } });
});

test('errors: unknown group, empty message, bad at, over-long text', async () => {
  assert.equal((await h.post('send_group_msg', { group_id: 29999, message: 'x' })).retcode, 1404);
  assert.equal((await h.post('send_group_msg', { group_id: LOBBY, message: '' })).retcode, 1400);
  assert.equal((await h.post('send_group_msg', { group_id: LOBBY })).retcode, 1400);
  await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: text('') }), 'bad_params', /empty/);
  await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'at', data: { qq: 'bob' } }] }), 'bad_params');
  await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: 'x'.repeat(4501) }), 'too_long');
  await h.call('send_group_msg', { group_id: LOBBY, message: 'x'.repeat(4500) });
  await rejectsWith(h.call('send_private_msg', { user_id: 10999, message: 'x' }), 'not_found');
});

test('a muted bot cannot speak: its own mute, or a whole-group ban while it is a plain member', async () => {
  const world = h.bridge.sandbox!.world;
  world.groups.get(QUIET)!.whole_ban = true;
  await rejectsWith(h.call('send_group_msg', { group_id: QUIET, message: 'x' }), 'muted');
  assert.equal((await h.post('send_group_msg', { group_id: QUIET, message: 'x' })).retcode, 1500);
  // An admin is not silenced by a whole-group ban.
  world.groups.get(CHATTER)!.whole_ban = true;
  await h.call('send_group_msg', { group_id: CHATTER, message: 'x' });
  world.groups.get(CHATTER)!.members.get(SELF)!.shut_up_timestamp = Math.floor(Date.now() / 1000) + 600;
  await rejectsWith(h.call('send_group_msg', { group_id: CHATTER, message: 'x' }), 'muted');
  await rejectsWith(h.call('send_group_forward_msg', { group_id: CHATTER, messages: [{ type: 'node', data: { content: 'x' } }] }), 'muted');
});

test('reply segments must name an existing message', async () => {
  await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'reply', data: { id: 987654 } }, ...text('x')] }), 'bad_params');
  const { message_id } = await h.call('send_group_msg', { group_id: LOBBY, message: 'first' });
  const r = await h.call('send_group_msg', { group_id: LOBBY, message: `[CQ:reply,id=${message_id}]second` });
  assert.deepEqual((await h.call('get_msg', r)).message[0], { type: 'reply', data: { id: String(message_id) } });
});

// ---- recall --------------------------------------------------------------------------------

test('delete_msg recalls: the message leaves get_msg and history, and group_recall names the bot', async () => {
  const a = await h.call('send_group_msg', { group_id: LOBBY, message: 'a' });
  const b = await h.call('send_group_msg', { group_id: LOBBY, message: 'b' });
  assert.equal((await h.post('delete_msg', { message_id: a.message_id })).retcode, 0);
  assert.equal((await h.post('get_msg', { message_id: a.message_id })).retcode, 1400);
  const hist = await h.call('get_group_msg_history', { group_id: LOBBY });
  assert.deepEqual(hist.messages.map((m: any) => m.message_id), [b.message_id]);
  assert.deepEqual(notices(h.events, 'group_recall').map(({ time: _t, ...e }) => e), [
    { self_id: SELF, post_type: 'notice', notice_type: 'group_recall', group_id: LOBBY, user_id: SELF, operator_id: SELF, message_id: a.message_id },
  ]);
  // Unknown or already recalled ids are bad params, as the OneBot digest says.
  assert.equal((await h.post('delete_msg', { message_id: a.message_id })).retcode, 1400);
  await rejectsWith(h.call('delete_msg', { message_id: 999999 }), 'bad_params');
});

test('recalling another member needs the bot to outrank them', async () => {
  const fromAlice = (await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: 'by alice' })).body.message_id;
  await h.call('delete_msg', { message_id: fromAlice }); // owner over admin
  const fromBob = (await h.control('POST', 'message', { user_id: BOB, group_id: CHATTER, message: 'by the owner' })).body.message_id;
  await rejectsWith(h.call('delete_msg', { message_id: fromBob }), 'permission'); // admin under owner
  const fromAlice2 = (await h.control('POST', 'message', { user_id: ALICE, group_id: QUIET, message: 'x' })).body.message_id;
  await rejectsWith(h.call('delete_msg', { message_id: fromAlice2 }), 'permission'); // plain member
  assert.equal((await h.call('get_msg', { message_id: fromBob })).message_id, fromBob);
});

test('private recall: only the bot\'s own messages; friend_recall carries the operator', async () => {
  const fromAlice = (await h.control('POST', 'message', { user_id: ALICE, message: 'hi' })).body.message_id;
  await rejectsWith(h.call('delete_msg', { message_id: fromAlice }), 'permission');
  const mine = await h.call('send_private_msg', { user_id: ALICE, message: 'oops' });
  await h.call('delete_msg', mine);
  const [ev] = notices(h.events, 'friend_recall');
  assert.equal(ev.user_id, ALICE);
  assert.equal(ev.operator_id, SELF);
  assert.equal(ev.message_id, mine.message_id);
});

// ---- media ---------------------------------------------------------------------------------

test('images are uploaded as <MD5>.<ext> with a sandbox URL, can be sent again by name, and get_image finds them', async () => {
  const { message_id } = await h.ok('send_group_msg', { group_id: LOBBY, message: [{ type: 'image', data: { file: `base64://${PNG.toString('base64')}`, cache: 0 } }] });
  const seg = (await h.ok('get_msg', { message_id })).message[0];
  const name = `${md5(PNG)}.png`;
  assert.deepEqual(seg, { type: 'image', data: { file: name, url: `http://sandbox.invalid/media/${name}`, file_size: PNG.length } });
  const again = await h.call('send_group_msg', { group_id: LOBBY, message: `[CQ:image,file=${name}]` });
  assert.equal((await h.call('get_msg', again)).message[0].data.file, name);
  const img = await h.ok('get_image', { file: name });
  assert.deepEqual({ ...img, file: undefined }, { file: undefined, filename: name, url: `http://sandbox.invalid/media/${name}`, size: PNG.length, file_size: PNG.length });
  assert.equal((await h.post('get_image', { file: 'NOPE.png' })).retcode, 1404);
  // The sandbox is offline: a URL source is named after the URL itself.
  const url = 'https://example.invalid/pics/cat.gif?x=1';
  const web = await h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'image', data: { file: url } }] });
  assert.equal((await h.call('get_msg', web)).message[0].data.file, `${md5(Buffer.from(url))}.gif`);
});

test('local media: a path or file:// URL is read; a missing file is file_missing; bad base64 is bad_params', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-msg-'));
  try {
    const voice = Buffer.from('#!AMR\nsandbox-voice');
    const file = path.join(dir, 'v.amr');
    fs.writeFileSync(file, voice);
    const a = await h.call('send_private_msg', { user_id: ALICE, message: [{ type: 'record', data: { file: pathToFileURL(file).href } }] });
    const seg = (await h.call('get_msg', a)).message[0];
    assert.equal(seg.data.file, `${md5(voice)}.amr`);
    assert.equal(seg.data.file_size, voice.length);
    const rec = await h.call('get_record', { file: seg.data.file, out_format: 'mp3' });
    assert.equal(rec.file, `${md5(voice)}.mp3`);
    const doc = await h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'file', data: { file } }] });
    const fseg = (await h.call('get_msg', doc)).message[0];
    assert.equal(fseg.data.name, 'v.amr');
    const missing = path.join(dir, 'missing.png');
    await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'image', data: { file: missing } }] }), 'file_missing', new RegExp(`file not found: ${missing.replace(/[\\.]/g, '\\$&')}`));
    await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'image', data: { file: 'base64://***' } }] }), 'bad_params');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('can_send_image and can_send_record answer yes', async () => {
  assert.deepEqual(await h.ok('can_send_image'), { yes: true });
  assert.deepEqual(await h.ok('can_send_record'), { yes: true });
});

// ---- forwards ------------------------------------------------------------------------------

test('send_group_forward_msg stores a forward message; get_forward_msg returns its nodes by id or message_id', async () => {
  const quoted = await h.call('send_group_msg', { group_id: LOBBY, message: 'quoted' });
  const r = await h.ok('send_group_forward_msg', {
    group_id: LOBBY,
    messages: [
      { type: 'node', data: { uin: String(ALICE), name: 'A', content: 'custom [CQ:face,id=1]' } },
      { type: 'node', data: { user_id: BOB, nickname: 'B', message: text('second'), time: 1700000000 } },
      { type: 'node', data: { id: String(quoted.message_id) } },
    ],
  });
  assert.equal(typeof r.message_id, 'number');
  assert.equal(typeof r.forward_id, 'string');
  assert.equal(r.res_id, r.forward_id);
  const m = await h.ok('get_msg', { message_id: r.message_id });
  assert.deepEqual(m.message, [{ type: 'forward', data: { id: r.forward_id } }]);
  const f = await h.ok('get_forward_msg', { id: r.forward_id });
  assert.deepEqual(f.messages.map((n: any) => [n.user_id, n.nickname, n.sender.user_id]), [[ALICE, 'A', ALICE], [BOB, 'B', BOB], [SELF, 'MahBot', SELF]]);
  assert.deepEqual(f.messages[0].content, [{ type: 'text', data: { text: 'custom ' } }, { type: 'face', data: { id: '1' } }]);
  assert.deepEqual(f.messages[0].message, f.messages[0].content);
  assert.equal(f.messages[1].time, 1700000000);
  assert.deepEqual(f.messages[2].content, text('quoted'));
  assert.deepEqual(f.message[1], { type: 'node', data: { user_id: BOB, nickname: 'B', content: text('second') } });
  // The alias message_id works, with the forward id or the id of the message holding it.
  assert.deepEqual(await h.ok('get_forward_msg', { message_id: r.forward_id }), f);
  assert.deepEqual(await h.ok('get_forward_msg', { message_id: r.message_id }), f);
  assert.equal((await h.post('get_forward_msg', { id: 'no-such-forward' })).retcode, 1404);
});

test('forwards: private and routed sends, nested nodes, a node-only message becomes a forward, bad nodes fail', async () => {
  const p = await h.call('send_private_forward_msg', { user_id: ALICE, messages: [{ type: 'node', data: { content: 'x' } }] });
  assert.equal((await h.call('get_msg', p)).message_type, 'private');
  const s = await h.call('send_forward_msg', { user_id: BOB, message: [{ type: 'node', data: { content: 'y' } }] });
  assert.equal((await h.call('get_msg', s)).user_id, SELF);
  const inner = [{ type: 'node', data: { content: 'inner' } }];
  const nested = await h.call('send_group_forward_msg', { group_id: LOBBY, messages: [{ type: 'node', data: { content: inner } }] });
  const outer = await h.call('get_forward_msg', { id: nested.forward_id });
  const innerId = outer.messages[0].content[0].data.id;
  assert.equal(outer.messages[0].content[0].type, 'forward');
  assert.deepEqual((await h.call('get_forward_msg', { id: innerId })).messages[0].content, text('inner'));
  const viaSend = await h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'node', data: { content: 'n' } }] });
  assert.equal((await h.call('get_msg', viaSend)).message[0].type, 'forward');
  await rejectsWith(h.call('send_group_msg', { group_id: LOBBY, message: [{ type: 'node', data: { content: 'n' } }, ...text('x')] }), 'bad_params');
  await rejectsWith(h.call('send_group_forward_msg', { group_id: LOBBY, messages: [{ type: 'node', data: { id: 424242 } }] }), 'bad_params');
  await rejectsWith(h.call('send_group_forward_msg', { group_id: LOBBY, messages: [{ type: 'text', data: { text: 'x' } }] }), 'bad_params');
  await rejectsWith(h.call('send_private_forward_msg', { user_id: DAVE, messages: [{ type: 'node', data: { content: 'x' } }] }), 'not_found');
  assert.equal((await h.post('send_group_forward_msg', { group_id: LOBBY, messages: [] })).retcode, 1400);
});

// ---- history and read marks ----------------------------------------------------------------

test('history pages by message_seq or message_id, oldest first, honours count and reverse_order, skips recalled', async () => {
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push((await h.call('send_group_msg', { group_id: LOBBY, message: `m${i}` })).message_id);
  await h.call('send_group_msg', { group_id: CHATTER, message: 'elsewhere' });
  await h.call('delete_msg', { message_id: ids[4] });
  const all = (await h.ok('get_group_msg_history', { group_id: LOBBY })).messages;
  assert.deepEqual(all.map((m: any) => m.message_id), [ids[0], ids[1], ids[2], ids[3], ids[5]]);
  assert.ok(all.every((m: any, i: number) => i === 0 || m.message_seq > all[i - 1].message_seq));
  const last2 = (await h.ok('get_group_msg_history', { group_id: LOBBY, count: '2' })).messages;
  assert.deepEqual(last2.map((m: any) => m.message_id), [ids[3], ids[5]]);
  const bySeq = (await h.ok('get_group_msg_history', { group_id: LOBBY, message_seq: all[2].message_seq, count: 2 })).messages;
  assert.deepEqual(bySeq.map((m: any) => m.message_id), [ids[1], ids[2]]);
  const byId = (await h.ok('get_group_msg_history', { group_id: LOBBY, message_id: ids[1], count: 5 })).messages;
  assert.deepEqual(byId.map((m: any) => m.message_id), [ids[0], ids[1]]);
  const rev = (await h.ok('get_group_msg_history', { group_id: LOBBY, count: 3, reverseOrder: true })).messages;
  assert.deepEqual(rev.map((m: any) => m.message_id), [ids[5], ids[3], ids[2]]);
  assert.equal((await h.post('get_group_msg_history', { group_id: 29999 })).retcode, 1404);
  await rejectsWith(h.call('get_group_msg_history', { group_id: LOBBY, message_id: 987654 }), 'not_found');
});

test('friend history holds both directions; strangers have none', async () => {
  await h.control('POST', 'message', { user_id: BOB, message: 'from bob' });
  await h.call('send_private_msg', { user_id: BOB, message: 'to bob' });
  const msgs = (await h.call('get_friend_msg_history', { user_id: BOB })).messages;
  assert.deepEqual(msgs.map((m: any) => [m.user_id, m.raw_message]), [[BOB, 'from bob'], [SELF, 'to bob']]);
  await rejectsWith(h.call('get_friend_msg_history', { user_id: DAVE }), 'not_found');
});

test('mark_*_as_read clears the unread count the control surface reports', async () => {
  await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: '1' });
  const second = (await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: '2' })).body.message_id;
  await h.control('POST', 'message', { user_id: ALICE, message: 'dm' });
  const unread = async (q: Record<string, number>) => (await h.control('GET', 'unread', q)).body.unread;
  assert.equal(await unread({ group_id: LOBBY }), 2);
  await h.ok('mark_group_msg_as_read', { group_id: LOBBY });
  assert.equal(await unread({ group_id: LOBBY }), 0);
  await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: '3' });
  await h.ok('mark_msg_as_read', { message_id: second });
  assert.equal(await unread({ group_id: LOBBY }), 0);
  assert.equal(await unread({ user_id: ALICE }), 1);
  await h.ok('mark_private_msg_as_read', { user_id: ALICE });
  assert.equal(await unread({ user_id: ALICE }), 0);
  await h.control('POST', 'message', { user_id: BOB, message: 'dm' });
  await h.control('POST', 'message', { user_id: BOB, group_id: CHATTER, message: 'g' });
  await h.ok('_mark_all_as_read');
  assert.equal(await unread({ user_id: BOB }), 0);
  assert.equal(await unread({ group_id: CHATTER }), 0);
  assert.equal((await h.post('mark_msg_as_read', {})).retcode, 1400);
  await rejectsWith(h.call('mark_group_msg_as_read', { group_id: 29999 }), 'not_found');
});

test('forward_friend_single_msg and forward_group_single_msg copy a message to another chat', async () => {
  const src = (await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: 'pass it on [CQ:face,id=5]' })).body.message_id;
  const f = await h.ok('forward_friend_single_msg', { message_id: src, user_id: BOB });
  const g = await h.ok('forward_group_single_msg', { message_id: src, group_id: CHATTER });
  const copy1 = await h.call('get_msg', f);
  const copy2 = await h.call('get_msg', g);
  assert.equal(copy1.raw_message, 'pass it on [CQ:face,id=5]');
  assert.equal(copy1.user_id, SELF);
  assert.equal(copy1.target_id, BOB);
  assert.equal(copy2.group_id, CHATTER);
  assert.equal(copy2.raw_message, 'pass it on [CQ:face,id=5]');
  await rejectsWith(h.call('forward_friend_single_msg', { message_id: 999999, user_id: BOB }), 'bad_params');
  await rejectsWith(h.call('forward_friend_single_msg', { message_id: src, user_id: DAVE }), 'not_found');
});

// ---- pokes, essence, reactions -------------------------------------------------------------

test('pokes emit the notify/poke notice QQ shows', async () => {
  await h.ok('send_poke', { user_id: ALICE, group_id: LOBBY });
  await h.ok('group_poke', { group_id: LOBBY, user_id: DAVE });
  await h.ok('friend_poke', { user_id: BOB });
  await h.ok('send_poke', { user_id: CAROL });
  const pokes = notices(h.events, 'notify').map(({ time: _t, self_id: _s, post_type: _p, notice_type: _n, ...e }) => e);
  assert.deepEqual(pokes, [
    { sub_type: 'poke', group_id: LOBBY, user_id: SELF, target_id: ALICE },
    { sub_type: 'poke', group_id: LOBBY, user_id: SELF, target_id: DAVE },
    { sub_type: 'poke', user_id: SELF, sender_id: SELF, target_id: BOB },
    { sub_type: 'poke', user_id: SELF, sender_id: SELF, target_id: CAROL },
  ]);
  await rejectsWith(h.call('group_poke', { group_id: LOBBY, user_id: EVE }), 'not_found');
  await rejectsWith(h.call('friend_poke', { user_id: DAVE }), 'not_found');
});

test('essence: set and delete change the list (with content) and emit notices; plain members may not', async () => {
  const src = (await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: 'wise words' })).body.message_id;
  await h.ok('set_essence_msg', { message_id: src });
  const [item] = await h.ok('get_essence_msg_list', { group_id: LOBBY });
  assert.equal(item.sender_id, ALICE);
  assert.equal(item.sender_nick, 'Alice (admin)');
  assert.equal(item.operator_id, SELF);
  assert.equal(item.operator_nick, 'MahBot');
  assert.equal(item.message_id, src);
  assert.equal(typeof item.sender_time, 'number');
  assert.equal(typeof item.operator_time, 'number');
  assert.equal(typeof item.msg_seq, 'number');
  assert.deepEqual(item.content, text('wise words'));
  assert.deepEqual(notices(h.events, 'essence').map((e) => [e.sub_type, e.group_id, e.sender_id, e.operator_id, e.message_id]), [['add', LOBBY, ALICE, SELF, src]]);
  await h.ok('delete_essence_msg', { message_id: src });
  assert.deepEqual(await h.ok('get_essence_msg_list', { group_id: LOBBY }), []);
  await rejectsWith(h.call('delete_essence_msg', { message_id: src }), 'not_found');
  const quiet = (await h.control('POST', 'message', { user_id: EVE, group_id: QUIET, message: 'x' })).body.message_id;
  await rejectsWith(h.call('set_essence_msg', { message_id: quiet }), 'permission');
  const dm = await h.call('send_private_msg', { user_id: ALICE, message: 'dm' });
  await rejectsWith(h.call('set_essence_msg', dm), 'bad_params');
  await rejectsWith(h.call('get_essence_msg_list', { group_id: 29999 }), 'not_found');
});

test('a recalled message drops out of the essence list', async () => {
  const { message_id } = await h.call('send_group_msg', { group_id: LOBBY, message: 'keep?' });
  await h.call('set_essence_msg', { message_id });
  await h.call('delete_msg', { message_id });
  assert.deepEqual(await h.call('get_essence_msg_list', { group_id: LOBBY }), []);
});

test('set_msg_emoji_like and unset_msg_emoji_like emit group_msg_emoji_like with sub_type and is_add', async () => {
  const { message_id } = await h.call('send_group_msg', { group_id: LOBBY, message: 'react to me' });
  await h.ok('set_msg_emoji_like', { message_id, emoji_id: 76 });
  await h.ok('set_msg_emoji_like', { message_id, emoji_id: '76' }); // already there: nothing changes
  await h.ok('unset_msg_emoji_like', { message_id, emoji_id: '76' });
  await h.ok('set_msg_emoji_like', { message_id, emoji_id: '128516', set: false }); // not there: nothing changes
  const evs = notices(h.events, 'group_msg_emoji_like');
  assert.deepEqual(evs.map((e) => [e.sub_type, e.is_add, e.group_id, e.user_id, e.message_id, e.likes]), [
    ['add', true, LOBBY, SELF, message_id, [{ emoji_id: '76', count: 1 }]],
    ['remove', false, LOBBY, SELF, message_id, [{ emoji_id: '76', count: 0 }]],
  ]);
  const dm = await h.call('send_private_msg', { user_id: ALICE, message: 'dm' });
  await rejectsWith(h.call('set_msg_emoji_like', { ...dm, emoji_id: '76' }), 'bad_params');
  await rejectsWith(h.call('set_msg_emoji_like', { message_id: 999999, emoji_id: '76' }), 'bad_params');
});

// ---- quick operations ----------------------------------------------------------------------

test('.handle_quick_operation replies with @sender in groups, and can recall the triggering message', async () => {
  await h.control('POST', 'message', { user_id: DAVE, group_id: LOBBY, message: 'spam' });
  const ctx = h.events.find((e) => e.post_type === 'message')!;
  const r = await h.ok('.handle_quick_operation', { context: ctx, operation: { reply: 'no spam', delete: true } });
  const sent = await h.call('get_msg', r);
  assert.deepEqual(sent.message, [{ type: 'at', data: { qq: String(DAVE) } }, { type: 'text', data: { text: ' no spam' } }]);
  assert.equal((await h.post('get_msg', { message_id: ctx.message_id })).retcode, 1400);
  const r2 = await h.ok('handle_quick_operation', { context: ctx, operation: { reply: '[CQ:face,id=1]', at_sender: false, auto_escape: true } });
  assert.deepEqual((await h.call('get_msg', r2)).message, text('[CQ:face,id=1]'));
});

test('handle_quick_operation replies privately, and does nothing for notices', async () => {
  await h.control('POST', 'message', { user_id: ALICE, message: 'ping' });
  const ctx = h.events.find((e) => e.post_type === 'message')!;
  const r = await h.call('handle_quick_operation', { context: ctx, operation: { reply: 'pong' } });
  const m = await h.call('get_msg', r);
  assert.equal(m.target_id, ALICE);
  assert.equal(m.raw_message, 'pong');
  assert.equal(await h.call('handle_quick_operation', { context: { post_type: 'notice', notice_type: 'x' }, operation: { reply: 'x' } }), null);
  await rejectsWith(h.call('handle_quick_operation', { context: { post_type: 'bogus' }, operation: {} }), 'bad_params');
  await rejectsWith(h.call('handle_quick_operation', { operation: {} }), 'bad_params');
});

test('handle_quick_operation kick and ban act through the group handlers', async () => {
  await h.control('POST', 'message', { user_id: DAVE, group_id: LOBBY, message: 'x' });
  await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: 'y' });
  const [fromDave, fromBob] = h.events.filter((e) => e.post_type === 'message');
  await h.call('handle_quick_operation', { context: fromBob, operation: { ban: true, ban_duration: 60 } });
  const bob = h.bridge.sandbox!.world.groups.get(LOBBY)!.members.get(BOB)!;
  assert.ok(bob.shut_up_timestamp > Date.now() / 1000 && bob.shut_up_timestamp <= Date.now() / 1000 + 61);
  await h.call('handle_quick_operation', { context: fromDave, operation: { kick: true } });
  assert.equal(h.bridge.sandbox!.world.groups.get(LOBBY)!.members.has(DAVE), false);
});

test('handle_quick_operation approves a friend request through the account handlers', async () => {
  const world = h.bridge.sandbox!.world;
  world.requests.set('flag-q', { flag: 'flag-q', request_type: 'friend', sub_type: 'add', user_id: DAVE, group_id: 0, comment: 'hi', time: 1 });
  const ctx = { post_type: 'request', request_type: 'friend', user_id: DAVE, comment: 'hi', flag: 'flag-q' };
  assert.equal(await h.call('handle_quick_operation', { context: ctx, operation: {} }), null);
  assert.equal(world.friends.has(DAVE), false);
  await h.call('handle_quick_operation', { context: ctx, operation: { approve: true, remark: 'dave' } });
  assert.equal(world.friends.get(DAVE)?.remark, 'dave');
});
