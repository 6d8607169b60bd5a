/**
 * The message side of the sandbox control surface (`/sandbox/<op>` on the OneBot port): the other
 * people write, recall, poke and react, and the bot writes from another device — with the events QQ shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, BOB, CAROL, CHATTER, DAVE, EVE, LOBBY, QUIET, SELF, notices, sandboxPerTest } from './helpers';

const h = sandboxPerTest();

const messages = (post_type = 'message') => h.events.filter((e) => e.post_type === post_type) as any[];
const strip = ({ time: _t, ...e }: any) => e;

test('POST message from a friend emits a private message event and returns its id', async () => {
  const r = await h.control('POST', 'message', { user_id: ALICE, message: [{ type: 'text', data: { text: 'hi bot' } }] });
  assert.equal(r.status, 200);
  const [ev] = messages();
  assert.equal(typeof ev.time, 'number');
  assert.deepEqual(strip(ev), {
    self_id: SELF, post_type: 'message', message_type: 'private', sub_type: 'friend',
    message_id: r.body.message_id, real_id: r.body.message_id, message_seq: ev.message_seq,
    user_id: ALICE, target_id: SELF, message: [{ type: 'text', data: { text: 'hi bot' } }], message_format: 'array', raw_message: 'hi bot', font: 0,
    sender: { user_id: ALICE, nickname: 'Alice', sex: 'female', age: 24 },
  });
  // The event and get_msg describe the same message.
  assert.deepEqual(await h.ok('get_msg', { message_id: r.body.message_id }), ev);
});

test('POST message in a group emits a group message with the member\'s card, role and title, and updates last_sent_time', async () => {
  const r = await h.control('POST', 'message', { user_id: String(ALICE), group_id: String(LOBBY), message: 'hello [CQ:at,qq=10000]' });
  assert.equal(r.status, 200);
  const [ev] = messages();
  assert.equal(ev.message_type, 'group');
  assert.equal(ev.sub_type, 'normal');
  assert.equal(ev.group_id, LOBBY);
  assert.equal(ev.target_id, LOBBY);
  assert.equal(ev.anonymous, null);
  assert.equal(ev.group_name, h.bridge.sandbox!.world.groups.get(LOBBY)!.group_name);
  assert.deepEqual(ev.message, [{ type: 'text', data: { text: 'hello ' } }, { type: 'at', data: { qq: String(SELF) } }]);
  assert.deepEqual(ev.sender, { user_id: ALICE, nickname: 'Alice', card: 'Alice (admin)', sex: 'female', age: 24, area: '', level: '1', role: 'admin', title: 'Veteran' });
  const member = h.bridge.sandbox!.world.groups.get(LOBBY)!.members.get(ALICE)!;
  assert.equal(member.last_sent_time, ev.time);
});

test('POST message with temp:true is a temp private message carrying its group in sender', async () => {
  const r = await h.control('POST', 'message', { user_id: DAVE, group_id: LOBBY, temp: true, message: 'psst' });
  assert.equal(r.status, 200);
  const [ev] = messages();
  assert.equal(ev.message_type, 'private');
  assert.equal(ev.sub_type, 'group');
  assert.equal(ev.temp_source, 0, 'a temp session started from a group');
  assert.equal(ev.group_id, undefined);
  assert.deepEqual(ev.sender, { user_id: DAVE, nickname: 'Dave', sex: 'male', age: 19, group_id: LOBBY });
});

test('POST message refuses people who cannot write there, muted members and bad messages', async () => {
  const bad = async (body: Record<string, unknown>) => {
    const r = await h.control('POST', 'message', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(typeof r.body.error, 'string');
  };
  await bad({ user_id: DAVE, message: 'not a friend' });
  await bad({ user_id: EVE, group_id: LOBBY, message: 'not a member' });
  await bad({ user_id: EVE, group_id: LOBBY, temp: true, message: 'not a member' });
  await bad({ user_id: ALICE, group_id: 29999, message: 'no such group' });
  await bad({ user_id: CAROL, group_id: CHATTER, message: 'muted' });
  await bad({ user_id: ALICE, temp: true, message: 'temp needs a group' });
  await bad({ user_id: ALICE, message: '' });
  await bad({ user_id: ALICE });
  await bad({ user_id: 'alice', message: 'x' });
  await bad({ user_id: ALICE, message: 'x'.repeat(4501) });
  h.bridge.sandbox!.world.blocked.add(BOB);
  await bad({ user_id: BOB, message: 'blocked' });
  assert.equal(messages().length, 0);
  assert.deepEqual((await h.control('GET', 'messages', { user_id: ALICE })).body, []);
});

test('received images keep their file and url, and get_image finds them', async () => {
  const url = 'https://multimedia.example/download?fileid=abc';
  await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: [{ type: 'image', data: { file: 'ABCDEF.jpg', url, file_size: '2048' } }] });
  const [ev] = messages();
  assert.deepEqual(ev.message, [{ type: 'image', data: { file: 'ABCDEF.jpg', url, file_size: '2048' } }]);
  const img = await h.ok('get_image', { file: 'ABCDEF.jpg' });
  assert.equal(img.url, url);
  assert.equal(img.size, 2048);
  // The bot can send it on by name.
  const again = await h.call('send_group_msg', { group_id: CHATTER, message: '[CQ:image,file=ABCDEF.jpg]' });
  assert.equal((await h.call('get_msg', again)).message[0].data.url, url);
});

test('GET messages lists one conversation oldest first, the bot\'s own included and recalled ones excluded', async () => {
  const a = (await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: 'a' })).body.message_id;
  const b = (await h.call('send_group_msg', { group_id: LOBBY, message: 'b' })).message_id;
  const c = (await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: 'c' })).body.message_id;
  await h.control('POST', 'message', { user_id: ALICE, message: 'private' });
  await h.control('POST', 'recall', { message_id: c });
  const r = await h.control('GET', 'messages', { group_id: LOBBY });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((m: any) => [m.message_id, m.user_id, m.raw_message]), [[a, ALICE, 'a'], [b, SELF, 'b']]);
  assert.deepEqual(r.body[1], await h.call('get_msg', { message_id: b }));
  const dm = await h.control('GET', 'messages', { user_id: ALICE });
  assert.deepEqual(dm.body.map((m: any) => m.raw_message), ['private']);
  assert.equal((await h.control('GET', 'messages', {})).status, 400);
  assert.equal((await h.control('POST', 'messages', { group_id: LOBBY })).status, 404);
});

test('POST recall: the sender by default, or someone who outranks them; others are refused', async () => {
  const byBob = (await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: 'x' })).body.message_id;
  const byBob2 = (await h.control('POST', 'message', { user_id: BOB, group_id: LOBBY, message: 'y' })).body.message_id;
  const byAlice = (await h.control('POST', 'message', { user_id: ALICE, group_id: LOBBY, message: 'z' })).body.message_id;
  assert.equal((await h.control('POST', 'recall', { message_id: byBob })).status, 200);
  assert.equal((await h.control('POST', 'recall', { message_id: byBob2, operator_id: ALICE })).status, 200);
  assert.equal((await h.control('POST', 'recall', { message_id: byAlice, operator_id: BOB })).status, 400);
  assert.equal((await h.control('POST', 'recall', { message_id: byBob })).status, 400);
  assert.deepEqual(notices(h.events, 'group_recall').map(strip), [
    { self_id: SELF, post_type: 'notice', notice_type: 'group_recall', group_id: LOBBY, user_id: BOB, operator_id: BOB, message_id: byBob },
    { self_id: SELF, post_type: 'notice', notice_type: 'group_recall', group_id: LOBBY, user_id: BOB, operator_id: ALICE, message_id: byBob2 },
  ]);
  assert.equal((await h.post('get_msg', { message_id: byBob })).retcode, 1400);
});

test('POST recall of a friend\'s message emits friend_recall', async () => {
  const id = (await h.control('POST', 'message', { user_id: CAROL, message: 'oops' })).body.message_id;
  assert.equal((await h.control('POST', 'recall', { message_id: id })).status, 200);
  assert.deepEqual(notices(h.events, 'friend_recall').map(strip), [
    { self_id: SELF, post_type: 'notice', notice_type: 'friend_recall', user_id: CAROL, operator_id: CAROL, message_id: id },
  ]);
  assert.deepEqual(await h.call('get_friend_msg_history', { user_id: CAROL }), { messages: [] });
});

test('POST poke pokes the bot by default, in a group or a private chat', async () => {
  assert.equal((await h.control('POST', 'poke', { user_id: ALICE })).status, 200);
  assert.equal((await h.control('POST', 'poke', { user_id: DAVE, group_id: LOBBY, target_id: BOB })).status, 200);
  assert.equal((await h.control('POST', 'poke', { user_id: EVE, group_id: LOBBY })).status, 400);
  assert.equal((await h.control('POST', 'poke', { user_id: DAVE })).status, 400);
  assert.deepEqual(notices(h.events, 'notify').map(strip), [
    { self_id: SELF, post_type: 'notice', notice_type: 'notify', sub_type: 'poke', user_id: ALICE, sender_id: ALICE, target_id: SELF },
    { self_id: SELF, post_type: 'notice', notice_type: 'notify', sub_type: 'poke', group_id: LOBBY, user_id: DAVE, target_id: BOB },
  ]);
});

test('POST self_message stores the bot\'s message from another device and reports it as message_sent', async () => {
  const g = await h.control('POST', 'self_message', { group_id: LOBBY, message: 'from my phone' });
  const p = await h.control('POST', 'self_message', { user_id: BOB, message: [{ type: 'face', data: { id: 1 } }] });
  assert.equal(g.status, 200);
  assert.equal(p.status, 200);
  const sent = messages('message_sent');
  assert.equal(messages().length, 0);
  assert.deepEqual(sent.map((e) => [e.message_type, e.user_id, e.target_id, e.message_id, e.raw_message]), [
    ['group', SELF, LOBBY, g.body.message_id, 'from my phone'],
    ['private', SELF, BOB, p.body.message_id, '[CQ:face,id=1]'],
  ]);
  assert.equal(sent[0].sender.role, 'owner');
  const hist = await h.call('get_friend_msg_history', { user_id: BOB });
  assert.deepEqual(hist.messages.map((m: any) => [m.message_id, m.post_type]), [[p.body.message_id, 'message']]);
  assert.equal((await h.control('POST', 'self_message', { message: 'nowhere' })).status, 400);
  assert.equal((await h.control('POST', 'self_message', { user_id: DAVE, message: 'stranger' })).status, 400);
  h.bridge.sandbox!.world.groups.get(QUIET)!.whole_ban = true;
  assert.equal((await h.control('POST', 'self_message', { group_id: QUIET, message: 'muted' })).status, 400);
});

test('POST reaction emits group_msg_emoji_like for add and remove', async () => {
  const id = (await h.call('send_group_msg', { group_id: LOBBY, message: 'react' })).message_id;
  assert.equal((await h.control('POST', 'reaction', { group_id: LOBBY, message_id: id, user_id: ALICE, emoji_id: '76' })).status, 200);
  assert.equal((await h.control('POST', 'reaction', { group_id: LOBBY, message_id: id, user_id: BOB, emoji_id: 76 })).status, 200);
  assert.equal((await h.control('POST', 'reaction', { group_id: LOBBY, message_id: id, user_id: ALICE, emoji_id: '76', is_add: false })).status, 200);
  assert.equal((await h.control('POST', 'reaction', { group_id: CHATTER, message_id: id, user_id: ALICE, emoji_id: '76' })).status, 400);
  assert.equal((await h.control('POST', 'reaction', { group_id: LOBBY, message_id: id, user_id: EVE, emoji_id: '76' })).status, 400);
  const evs = notices(h.events, 'group_msg_emoji_like');
  assert.deepEqual(evs.map((e) => [e.sub_type, e.is_add, e.user_id, e.message_id, e.group_id, e.likes]), [
    ['add', true, ALICE, id, LOBBY, [{ emoji_id: '76', count: 1 }]],
    ['add', true, BOB, id, LOBBY, [{ emoji_id: '76', count: 2 }]],
    ['remove', false, ALICE, id, LOBBY, [{ emoji_id: '76', count: 1 }]],
  ]);
});
