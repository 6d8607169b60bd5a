/** mirai HTTP: answering NewFriendRequest, MemberJoinRequest and BotInvitedJoinGroupRequest events, every operate value. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, LOBBY, ALICE, type Json } from './helpers';

describe('mirai HTTP: request events', () => {
  const m = miraiPerSuite();
  let next = 30001;

  /** Play a request in the sandbox and return the mirai event it became. */
  async function request(op: string, body: Record<string, unknown>, type: string): Promise<Json> {
    await m.sandbox(op, body);
    // Events of earlier answers (a member joining …) may still be on their way: skip them.
    for (let i = 0; i < 20; i++) {
      const ev = (await m.drain(1)).find((e) => e.type === type);
      if (ev) return ev;
    }
    assert.fail(`no ${type}`);
  }
  const answer = (path: string, ev: Json, operate: number, message = '') =>
    m.post(path, { eventId: ev.eventId, fromId: ev.fromId, groupId: ev.groupId, operate, message });
  const friends = async () => (await m.get('/friendList')).data.map((f: Json) => f.id);
  const members = async () => (await m.get('/memberList', { target: LOBBY })).data.map((x: Json) => x.id);
  const groups = async () => (await m.get('/groupList')).data.map((g: Json) => g.id);
  const pendingJoins = async () => ((await m.bridge.core.call('get_group_system_msg')) as Json).join_requests.map((r: Json) => r.requester_uin);

  test('newFriendRequestEvent: 0 accepts; 1 and 2 (blacklist approximated) reject', async () => {
    for (const [operate, befriended] of [[0, true], [1, false], [2, false], [7, false]] as const) {
      const user = next++;
      const ev = await request('friend_request', { user_id: user, nickname: `N${user}`, comment: 'hi' }, 'NewFriendRequestEvent');
      assert.deepEqual(Object.keys(ev), ['type', 'eventId', 'message', 'fromId', 'groupId', 'nick']);
      assert.deepEqual([ev.fromId, ev.message, ev.nick, ev.groupId], [user, 'hi', `N${user}`, 0]);
      assert.deepEqual(await answer('/resp/newFriendRequestEvent', ev, operate), { code: 0, msg: 'success' });
      assert.equal((await friends()).includes(user), befriended, `operate ${operate}`);
    }
  });

  test('memberJoinRequestEvent: 0 accepts; odd rejects; other even ignores (the request stays pending)', async () => {
    for (const [operate, joined, pending] of [[0, true, false], [1, false, false], [2, false, true], [3, false, false], [4, false, true]] as const) {
      const user = next++;
      const ev = await request('join_request', { group_id: LOBBY, user_id: user, comment: 'let me in' }, 'MemberJoinRequestEvent');
      assert.deepEqual(Object.keys(ev), ['type', 'eventId', 'message', 'fromId', 'groupId', 'groupName', 'nick', 'invitorId']);
      assert.deepEqual([ev.fromId, ev.groupId, ev.groupName, ev.message], [user, LOBBY, 'Sandbox Lobby', 'let me in']);
      assert.deepEqual(await answer('/resp/memberJoinRequestEvent', ev, operate, 'no'), { code: 0, msg: 'success' });
      await m.drain(0);
      assert.equal((await members()).includes(user), joined, `operate ${operate}`);
      assert.equal((await pendingJoins()).includes(user), pending, `operate ${operate}`);
    }
    await m.drain(0);
  });

  test('botInvitedJoinGroupRequestEvent: 0 accepts (the group appears); anything else rejects', async () => {
    for (const [operate, joined] of [[0, true], [1, false]] as const) {
      const group = 40000 + next++;
      const ev = await request('group_invite', { group_id: group, user_id: ALICE, group_name: `G${group}` }, 'BotInvitedJoinGroupRequestEvent');
      assert.deepEqual(Object.keys(ev), ['type', 'eventId', 'message', 'fromId', 'groupId', 'groupName', 'nick']);
      assert.deepEqual([ev.fromId, ev.groupId, ev.groupName, ev.nick, ev.message], [ALICE, group, `G${group}`, 'Alice', '']);
      assert.deepEqual(await answer('/resp/botInvitedJoinGroupRequestEvent', ev, operate), { code: 0, msg: 'success' });
      await m.drain(0);
      assert.equal((await groups()).includes(group), joined, `operate ${operate}`);
    }
  });

  test('an unknown eventId, or one answered on the wrong route, is 5; missing fields are 400', async () => {
    assert.deepEqual(await m.post('/resp/newFriendRequestEvent', { eventId: 987654321, fromId: 1, groupId: 0, operate: 0, message: '' }), { code: 5, msg: '指定对象不存在' });
    const ev = await request('friend_request', { user_id: next++ }, 'NewFriendRequestEvent');
    assert.deepEqual(await answer('/resp/memberJoinRequestEvent', ev, 0), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/resp/newFriendRequestEvent', { fromId: 1 }), { code: 400, msg: '参数错误，缺少字段: eventId, operate' });
  });
});
