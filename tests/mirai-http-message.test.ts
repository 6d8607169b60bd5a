/** mirai HTTP: sending (chains, quotes, forwards, temp, images), messageFromId, recall, nudges, roaming, and their status codes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openMirai, miraiPerSuite, ALICE, BOB, CAROL, DAVE, LOBBY, QUIET, SELF, type Json } from './helpers';

const plain = (text: string) => [{ type: 'Plain', text }];

describe('mirai HTTP: messages', () => {
  const m = miraiPerSuite();

  const stored = (id: number): Promise<Json> => m.bridge.core.call('get_msg', { message_id: id }) as Promise<Json>;

  test('sendGroupMessage sends a mixed chain and answers exactly {code, msg, messageId}', async () => {
    const r = await m.post('/sendGroupMessage', {
      target: LOBBY,
      messageChain: [
        { type: 'Plain', text: 'hello ' }, { type: 'At', target: ALICE, display: '' }, { type: 'Face', faceId: 14 },
        { type: 'Image', url: 'https://example.com/cat.png', imageId: null, path: null, base64: null },
      ],
    });
    assert.deepEqual(Object.keys(r), ['code', 'msg', 'messageId']);
    assert.equal(r.code, 0);
    assert.equal(r.msg, 'success');
    assert.ok(Number.isInteger(r.messageId) && r.messageId > 0);
    const msg = await stored(r.messageId);
    assert.equal(msg.group_id, LOBBY);
    assert.deepEqual(msg.message.map((s: Json) => s.type), ['text', 'at', 'face', 'image']);
    assert.equal(msg.message[0].data.text, 'hello ');
    assert.equal(String(msg.message[1].data.qq), String(ALICE));
    assert.equal(String(msg.message[2].data.id), '14');
  });

  test('sendFriendMessage takes target or qq; sendGroupMessage takes target or group', async () => {
    for (const [path, body, peer] of [
      ['/sendFriendMessage', { target: ALICE }, ALICE], ['/sendFriendMessage', { qq: String(BOB) }, BOB],
      ['/sendGroupMessage', { group: LOBBY }, LOBBY],
    ] as const) {
      const r = await m.post(path, { ...body, messageChain: plain('x') });
      assert.equal(r.code, 0, `${path} ${JSON.stringify(body)} → ${JSON.stringify(r)}`);
      const msg = await stored(r.messageId);
      assert.equal(path === '/sendGroupMessage' ? msg.group_id : msg.target_id ?? msg.user_id, peer);
    }
  });

  test('unknown or absent targets are code 5', async () => {
    assert.deepEqual(await m.post('/sendGroupMessage', { target: 99999, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendFriendMessage', { target: 98765, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendFriendMessage', { messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendTempMessage', { qq: DAVE, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendTempMessage', { qq: 98765, group: LOBBY, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
  });

  test('sendTempMessage reaches a group member who is not a friend', async () => {
    const r = await m.post('/sendTempMessage', { qq: DAVE, group: LOBBY, messageChain: plain('psst') });
    assert.equal(r.code, 0);
    const msg = await stored(r.messageId);
    assert.equal(msg.message_type, 'private');
    assert.equal(msg.message[0].data.text, 'psst');
  });

  test('quote becomes a reply and shows as a Quote in messageFromId; a quote from another context is 5', async () => {
    const heard = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'quote me' });
    await m.drain(1);
    const r = await m.post('/sendGroupMessage', { target: LOBBY, quote: heard.message_id, messageChain: plain('quoted') });
    assert.equal(r.code, 0);
    const msg = await stored(r.messageId);
    assert.equal(msg.message[0].type, 'reply');
    assert.equal(String(msg.message[0].data.id), String(heard.message_id));
    const packet = (await m.get('/messageFromId', { target: LOBBY, messageId: r.messageId })).data;
    assert.deepEqual(packet.messageChain[1], { type: 'Quote', id: heard.message_id, senderId: ALICE, targetId: LOBBY, groupId: LOBBY, origin: plain('quote me') });
    assert.deepEqual(packet.messageChain[2], { type: 'Plain', text: 'quoted' });
    assert.deepEqual(await m.post('/sendFriendMessage', { target: ALICE, quote: heard.message_id, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendGroupMessage', { target: LOBBY, quote: 1999999999, messageChain: plain('x') }), { code: 5, msg: '指定对象不存在' });
  });

  test('messageFromId: a received message is its packet; the bot\'s own is sent by the bot; id alias and no target work', async () => {
    const heard = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'find me' });
    const [pushed] = await m.drain(1);
    const got = await m.get('/messageFromId', { target: LOBBY, messageId: heard.message_id });
    assert.deepEqual(got, { code: 0, msg: '', data: pushed });
    assert.deepEqual((await m.get('/messageFromId', { id: heard.message_id })).data, pushed);
    const mine = await m.post('/sendFriendMessage', { target: ALICE, messageChain: plain('from me') });
    const own = (await m.get('/messageFromId', { target: ALICE, messageId: mine.messageId })).data;
    assert.equal(own.type, 'FriendMessage');
    assert.deepEqual(own.messageChain[0], { type: 'Source', id: mine.messageId, time: own.messageChain[0].time });
    assert.ok(Number.isInteger(own.messageChain[0].time));
    assert.deepEqual(own.messageChain.slice(1), plain('from me'));
    assert.deepEqual(own.sender, { id: SELF, nickname: 'MahBot', remark: '' });
    assert.deepEqual(await m.get('/messageFromId', { target: BOB, messageId: heard.message_id }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.get('/messageFromId', { target: LOBBY, messageId: 1999999999 }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.get('/messageFromId', { target: LOBBY }), { code: 400, msg: '参数错误，缺少字段: messageId' });
  });

  test('a Forward chain is sent as a merged forward; its nodes show in messageFromId', async () => {
    const first = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: plain('node by id') });
    const r = await m.post('/sendGroupMessage', {
      target: LOBBY,
      messageChain: [{
        type: 'Forward',
        nodeList: [{ senderId: ALICE, senderName: 'Alice', time: 1700000000, messageChain: plain('node one') }, { messageId: first.messageId }],
      }],
    });
    assert.equal(r.code, 0);
    const fwd = (await m.get('/messageFromId', { target: LOBBY, messageId: r.messageId })).data.messageChain[1];
    assert.equal(fwd.type, 'Forward');
    assert.deepEqual(fwd.nodeList[0], { senderId: ALICE, time: 1700000000, senderName: 'Alice', messageChain: plain('node one'), messageId: null, messageRef: null });
    assert.deepEqual(fwd.nodeList[1].messageChain, plain('node by id'));
  });

  test('recall: the bot recalls its own and (as owner) others\' messages; refused is 10; unknown is 5', async () => {
    const seen: Json[] = [];
    const mine = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: plain('oops') });
    assert.deepEqual(await m.post('/recall', { target: LOBBY, messageId: mine.messageId }), { code: 0, msg: 'success' });
    const alice = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'spam' });
    seen.push(...(await m.drain(2)));
    assert.deepEqual(await m.post('/recall', { target: LOBBY, messageId: alice.message_id }), { code: 0, msg: 'success' });
    const carol = await m.sandbox('message', { user_id: CAROL, group_id: QUIET, message: 'owner talks' });
    seen.push(...(await m.drain(2)));
    assert.deepEqual(await m.post('/recall', { target: QUIET, messageId: carol.message_id }), { code: 10, msg: '无操作权限' });
    assert.deepEqual(await m.post('/recall', { target: LOBBY, messageId: 1999999999 }), { code: 5, msg: '指定对象不存在' });
    // Recalled messages are gone from the account; recalling again finds nothing.
    await assert.rejects(stored(alice.message_id));
    await assert.rejects(stored(mine.messageId));
    assert.deepEqual(await m.post('/recall', { target: LOBBY, messageId: mine.messageId }), { code: 5, msg: '指定对象不存在' });
    const recalls = seen.filter((e) => e.type === 'GroupRecallEvent');
    assert.deepEqual(recalls.map((e) => [e.messageId, e.authorId, e.operator]), [[mine.messageId, SELF, null], [alice.message_id, ALICE, null]]);
  });

  test('sendNudge: Group and Friend nudge; an unknown subject is 5; any other kind is a no-op success', async () => {
    assert.deepEqual(await m.post('/sendNudge', { target: ALICE, subject: LOBBY, kind: 'Group' }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/sendNudge', { target: ALICE, subject: ALICE, kind: 'Friend' }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/sendNudge', { target: ALICE, subject: 99999, kind: 'Group' }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendNudge', { target: ALICE, subject: 99999, kind: 'friend' }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/sendNudge', { target: ALICE, subject: 99999, kind: 'Whatever' }), { code: 0, msg: 'success' });
    await m.drain(0);
  });

  test('sendImageMessage answers the image ids under data; with no target it is 400', async () => {
    const r = await m.post('/sendImageMessage', { group: LOBBY, urls: ['https://example.com/a.jpg', 'https://example.com/b.jpg'] });
    assert.equal(r.code, 0);
    assert.equal(r.msg, '');
    assert.equal(r.data.length, 2);
    for (const id of r.data) assert.match(id, /^\{[0-9A-F-]{36}\}\.jpg$/);
    assert.deepEqual(await m.post('/sendImageMessage', { urls: ['https://example.com/a.jpg'] }), { code: 400, msg: 'target、qq、group不可全为null' });
  });

  test('sendOtherClientMessage is unsupported here (6); an empty chain is 400', async () => {
    assert.deepEqual(await m.post('/sendOtherClientMessage', { target: 1, messageChain: plain('x') }), { code: 6, msg: '指定操作不支持' });
    assert.equal((await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [] })).code, 400);
  });

  test('a message over QQ\'s length is 30; sending where the bot is muted is 20', async () => {
    assert.deepEqual(await m.post('/sendGroupMessage', { target: LOBBY, messageChain: plain('x'.repeat(20000)) }), { code: 30, msg: '消息过长' });
    await m.sandbox('member_mute', { group_id: QUIET, user_id: SELF, duration: 600 });
    assert.deepEqual(await m.post('/sendGroupMessage', { target: QUIET, messageChain: plain('can I speak?') }), { code: 20, msg: 'Bot被禁言' });
    await m.sandbox('member_mute', { group_id: QUIET, user_id: SELF, duration: 0 });
    assert.equal((await m.post('/sendGroupMessage', { target: QUIET, messageChain: plain('now I can') })).code, 0);
    await m.drain(0);
  });

  test('roamingMessages: a friend\'s history in the time window, oldest first; start/end are aliases', async () => {
    const a = await m.sandbox('message', { user_id: CAROL, message: 'roam 1' });
    const mine = await m.post('/sendFriendMessage', { target: CAROL, messageChain: plain('roam 2') });
    const b = await m.sandbox('message', { user_id: CAROL, message: 'roam 3' });
    await m.drain(2);
    const r = await m.post('/roamingMessages', { timeStart: 0, timeEnd: 9223372036854775807, target: CAROL, qq: null, group: null });
    assert.equal(r.code, 0);
    assert.deepEqual(r.data.map((p: Json) => p.messageChain[0].id), [a.message_id, mine.messageId, b.message_id]);
    assert.deepEqual(r.data.map((p: Json) => p.type), ['FriendMessage', 'FriendMessage', 'FriendMessage']);
    assert.deepEqual(r.data[0].sender, { id: CAROL, nickname: 'Carol', remark: 'carol (work)' });
    assert.deepEqual(r.data[2].messageChain.slice(1), plain('roam 3'));
    const aliased = await m.post('/roamingMessages', { start: 0, end: 9223372036854775807, target: CAROL });
    assert.deepEqual(aliased, r);
    const future = await m.post('/roamingMessages', { timeStart: 4_000_000_000, timeEnd: 4_000_000_001, target: CAROL });
    assert.deepEqual(future, { code: 0, msg: '', data: [] });
    assert.deepEqual(await m.post('/roamingMessages', { timeStart: 0, timeEnd: 1, target: 98765 }), { code: 5, msg: '指定对象不存在' });
  });

  test('roamingMessages of a group: GroupMessage packets, the bot\'s own with the bot as sender', async () => {
    const heard = await m.sandbox('message', { user_id: ALICE, group_id: QUIET, message: 'group roam' });
    const mine = await m.post('/sendGroupMessage', { target: QUIET, messageChain: plain('my roam') });
    await m.drain(1);
    const r = await m.post('/roamingMessages', { timeStart: 0, timeEnd: 9223372036854775807, group: QUIET });
    const tail = r.data.slice(-2);
    assert.deepEqual(tail.map((p: Json) => [p.type, p.messageChain[0].id, p.sender.id]), [['GroupMessage', heard.message_id, ALICE], ['GroupMessage', mine.messageId, SELF]]);
    assert.deepEqual(tail[1].sender.group, { id: QUIET, name: 'Quiet Room', permission: 'MEMBER' });
  });
});

test('messageFromId falls back to the core when the cache has evicted a message', async () => {
  const m = await openMirai({ mirai: { cacheSize: 1 } });
  try {
    const first = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: plain('evicted soon') });
    await m.post('/sendGroupMessage', { target: LOBBY, messageChain: plain('pushes it out') });
    assert.equal(m.bridge.mirai!.cache.stats().evicted, 1);
    const got = await m.get('/messageFromId', { target: LOBBY, messageId: first.messageId });
    assert.equal(got.code, 0);
    assert.equal(got.data.type, 'GroupMessage');
    assert.deepEqual(got.data.messageChain.slice(1), plain('evicted soon'));
    assert.equal(got.data.sender.id, SELF);
    // The core's copy is only accepted in its own context.
    assert.deepEqual(await m.get('/messageFromId', { target: ALICE, messageId: first.messageId }), { code: 5, msg: '指定对象不存在' });
  } finally {
    await m.stop();
  }
});

test('the message cache keys by (context, messageId) per bot and evicts the oldest first, counting', async () => {
  const { createMessageCache } = await import('../src/mirai/message-cache');
  const cache = createMessageCache({ capacity: 2 });
  const msg = (botId: number, contextId: number, messageId: number) => ({
    botId, messageId, contextId, kind: 'group' as const, senderId: 1, targetId: contextId, groupId: contextId, time: 0, chain: plain(`${contextId}/${messageId}`), self: false,
  });
  cache.record(msg(1, 100, 7));
  cache.record(msg(1, 200, 7));
  cache.record(msg(2, 100, 7));
  assert.equal(cache.get(1, 7, 100)?.contextId, 100);
  assert.equal(cache.get(1, 7, 200)?.contextId, 200);
  assert.equal(cache.get(1, 7, 300), undefined);
  // Without a context: the latest with that id.
  assert.equal(cache.get(1, 7)?.contextId, 200);
  assert.equal(cache.get(2, 7, 200), undefined);
  cache.record(msg(1, 300, 8));
  assert.equal(cache.get(1, 7, 100), undefined);
  assert.deepEqual(cache.stats(), { size: 3, capacity: 2, evicted: 1 });
  cache.stop();
});
