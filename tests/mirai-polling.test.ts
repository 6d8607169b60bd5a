/** mirai HTTP polling: the unread queue routes, their order, consumption, default count, bound and drops. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openMirai, miraiPerSuite, ALICE, BOB, LOBBY, SELF, VERIFY_KEY, type Json } from './helpers';

const ids = (events: Json[]) => events.map((e) => e.messageChain[0].id);

describe('mirai HTTP polling', () => {
  const m = miraiPerSuite();

  /** Wait (bounded) until the queue holds n events: every event played so far went through the hub. */
  async function settle(n: number) {
    for (let i = 0; i < 200 && (await m.get('/countMessage')).data < n; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await m.get('/countMessage')).data, n);
  }

  /** Alice writes n group messages; their message ids in order. */
  async function play(n: number, tag: string): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: `${tag} ${i}` })).message_id);
    return out;
  }

  test('peek shows the oldest first without consuming; peekLatest the newest first; count is exact', async () => {
    const again = await play(3, 'peek');
    await settle(3);
    assert.deepEqual(await m.get('/countMessage'), { code: 0, msg: '', data: 3 });
    assert.deepEqual(ids((await m.get('/peekMessage', { count: 2 })).data), again.slice(0, 2));
    assert.deepEqual(ids((await m.get('/peakMessage', { count: 2 })).data), again.slice(0, 2));
    assert.deepEqual(ids((await m.get('/peekLatestMessage', { count: 2 })).data), [again[2], again[1]]);
    assert.equal((await m.get('/countMessage')).data, 3);
    assert.deepEqual(ids(await m.drain(3)), again);
  });

  test('fetch consumes the oldest, fetchLatest the newest (newest first); then the queue is empty', async () => {
    const sent = await play(4, 'fetch');
    await settle(4);
    const first = await m.get('/fetchMessage', { count: 1 });
    assert.equal(first.code, 0);
    assert.equal(first.msg, '');
    assert.deepEqual(ids(first.data), [sent[0]]);
    assert.deepEqual(ids((await m.get('/fetchLatestMessage', { count: 2 })).data), [sent[3], sent[2]]);
    assert.deepEqual(ids((await m.get('/fetchMessage', { count: 10 })).data), [sent[1]]);
    assert.deepEqual(await m.get('/fetchMessage'), { code: 0, msg: '', data: [] });
  });

  test('count defaults to 10', async () => {
    const sent = await play(12, 'many');
    await settle(12);
    assert.deepEqual(ids((await m.get('/fetchMessage')).data), sent.slice(0, 10));
    assert.deepEqual(ids((await m.get('/peekMessage')).data), sent.slice(10));
    assert.deepEqual(ids(await m.drain(2)), sent.slice(10));
  });

  test('queued events are full GroupMessage / FriendMessage packets', async () => {
    const g = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'to the group' });
    const f = await m.sandbox('message', { user_id: BOB, message: 'to the bot' });
    const [ge, fe] = await m.drain(2);
    assert.deepEqual(Object.keys(ge), ['type', 'messageChain', 'sender']);
    assert.equal(ge.type, 'GroupMessage');
    assert.deepEqual(ge.messageChain[1], { type: 'Plain', text: 'to the group' });
    assert.equal(ge.messageChain[0].id, g.message_id);
    assert.equal(ge.sender.id, ALICE);
    assert.deepEqual(ge.sender.group, { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' });
    assert.equal(fe.type, 'FriendMessage');
    assert.equal(fe.messageChain[0].id, f.message_id);
    assert.deepEqual(fe.sender, { id: BOB, nickname: 'Bob', remark: '' });
  });

  test('every HTTP-bound session gets its own copy of each event', async () => {
    const { session } = await m.post('/verify', { verifyKey: VERIFY_KEY });
    await m.post('/bind', { sessionKey: session, qq: SELF });
    await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'for both' });
    assert.equal((await m.drain(1)).length, 1);
    assert.equal((await m.drain(1, session)).length, 1);
  });

  test('a session made by a socket has no queue: the queue routes answer 500 "Not a http session"', async () => {
    const s = m.bridge.mirai!.sessions.connect({ verifyKey: VERIFY_KEY, qq: SELF });
    try {
      for (const route of ['/countMessage', '/fetchMessage', '/fetchLatestMessage', '/peekMessage', '/peekLatestMessage']) {
        assert.deepEqual(await m.get(route, { sessionKey: s.key }), { code: 500, msg: 'Not a http session' }, route);
      }
    } finally {
      m.bridge.mirai!.sessions.disconnect(s);
    }
  });
});

test('a full queue keeps the oldest events, drops the new ones and counts them in sessionInfo', async () => {
  const m = await openMirai({ mirai: { adapterSettings: { http: { unreadQueueMaxSize: 2 } } } });
  try {
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) sent.push((await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: `n${i}` })).message_id);
    // Wait until every event went through the hub (a queue of 2 cannot tell us).
    for (let i = 0; i < 200 && (await m.get('/sessionInfo')).data.unreadQueue.dropped < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const info = (await m.get('/sessionInfo')).data.unreadQueue;
    assert.deepEqual(info, { size: 2, capacity: 2, dropped: 3 });
    assert.deepEqual(ids((await m.get('/fetchMessage')).data), sent.slice(0, 2));
  } finally {
    await m.stop();
  }
});
