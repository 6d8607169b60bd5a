/** mirai HTTP: friend/group/member lists, the four profiles, deleteFriend — every field, in order. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, ALICE, BOB, CAROL, DAVE, EVE, GROUP_KEYS, LOBBY, MEMBER_KEYS, PROFILE_KEYS, QUIET, SELF, type Json } from './helpers';

describe('mirai HTTP: contacts', () => {
  const m = miraiPerSuite();

  test('friendList: every friend as {id, nickname, remark}', async () => {
    assert.deepEqual(await m.get('/friendList'), {
      code: 0, msg: '',
      data: [
        { id: ALICE, nickname: 'Alice', remark: 'alice' },
        { id: BOB, nickname: 'Bob', remark: '' },
        { id: CAROL, nickname: 'Carol', remark: 'carol (work)' },
      ],
    });
  });

  test('groupList: every group with the bot\'s own permission', async () => {
    const r = await m.get('/groupList');
    assert.deepEqual(r, {
      code: 0, msg: '',
      data: [
        { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' },
        { id: 20002, name: 'Chatter', permission: 'ADMINISTRATOR' },
        { id: QUIET, name: 'Quiet Room', permission: 'MEMBER' },
      ],
    });
    for (const g of r.data) assert.deepEqual(Object.keys(g), GROUP_KEYS);
  });

  test('memberList: the members without the bot, every Member field in order, active null', async () => {
    const r = await m.get('/memberList', { target: LOBBY });
    assert.equal(r.code, 0);
    assert.deepEqual(r.data.map((x: Json) => x.id), [ALICE, BOB, DAVE]);
    for (const x of r.data) assert.deepEqual(Object.keys(x), MEMBER_KEYS);
    assert.deepEqual(r.data[0], {
      id: ALICE, memberName: 'Alice (admin)', specialTitle: 'Veteran', permission: 'ADMINISTRATOR',
      joinTimestamp: 1700000060, lastSpeakTimestamp: 0, muteTimeRemaining: 0,
      group: { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' }, active: null,
    });
    // No card: the nickname stands in.
    assert.equal(r.data[1].memberName, 'Bob');
    assert.equal(r.data[1].permission, 'MEMBER');
    assert.deepEqual(await m.get('/memberList', { target: 99999 }), { code: 5, msg: '指定对象不存在' });
  });

  test('latestMemberList: repeated memberIds filter; absent means everyone', async () => {
    const some = await m.get('/latestMemberList', { target: LOBBY, memberIds: [BOB, DAVE] });
    assert.deepEqual(some.data.map((x: Json) => x.id), [BOB, DAVE]);
    const one = await m.get('/latestMemberList', { target: LOBBY, memberIds: ALICE });
    assert.deepEqual(one.data.map((x: Json) => x.id), [ALICE]);
    const all = await m.get('/latestMemberList', { target: LOBBY });
    assert.deepEqual(all.data.map((x: Json) => x.id), [ALICE, BOB, DAVE]);
    for (const x of all.data) assert.deepEqual(Object.keys(x), MEMBER_KEYS);
  });

  test('botProfile: a bare Profile with every field', async () => {
    const r = await m.get('/botProfile');
    assert.deepEqual(Object.keys(r), PROFILE_KEYS);
    assert.deepEqual(r, { nickname: 'MahBot', email: 'bot@example.com', age: 3, level: 64, sign: 'mah-bridge sandbox', sex: 'UNKNOWN' });
  });

  test('friendProfile / memberProfile / userProfile are bare Profiles; unknown contacts are StateCode 5', async () => {
    assert.deepEqual(await m.get('/friendProfile', { target: ALICE }), { nickname: 'Alice', email: 'alice@example.com', age: 24, level: 32, sign: 'hello', sex: 'FEMALE' });
    const member = await m.get('/memberProfile', { target: LOBBY, memberId: DAVE });
    assert.deepEqual(Object.keys(member), PROFILE_KEYS);
    assert.equal(member.nickname, 'Dave');
    assert.equal(member.sex, 'MALE');
    const user = await m.get('/userProfile', { target: EVE });
    assert.deepEqual(Object.keys(user), PROFILE_KEYS);
    assert.deepEqual([user.nickname, user.sex], ['Eve', 'UNKNOWN']);
    assert.deepEqual(await m.get('/friendProfile', { target: DAVE }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.get('/memberProfile', { target: LOBBY, memberId: EVE }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.get('/memberProfile', { target: 99999, memberId: ALICE }), { code: 5, msg: '指定对象不存在' });
  });

  test('the profile routes work with the key only in a header (as mirai-ts calls botProfile)', async () => {
    const r = await m.raw('/botProfile', { headers: { sessionKey: m.key } });
    assert.equal(r.json.nickname, 'MahBot');
    assert.equal('code' in r.json, false);
  });

  test('deleteFriend removes a friend; deleting a non-friend is 5', async () => {
    assert.deepEqual(await m.post('/deleteFriend', { target: BOB }), { code: 0, msg: 'success' });
    assert.deepEqual((await m.get('/friendList')).data.map((f: Json) => f.id), [ALICE, CAROL]);
    assert.deepEqual(await m.post('/deleteFriend', { target: BOB }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/deleteFriend', { target: SELF + 99999 }), { code: 5, msg: '指定对象不存在' });
  });
});
