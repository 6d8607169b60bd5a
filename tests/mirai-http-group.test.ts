/** mirai HTTP: group management — mute, kick, quit, essence, groupConfig, memberInfo, memberAdmin — and code 10. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, ALICE, BOB, CAROL, DAVE, EVE, LOBBY, MEMBER_KEYS, QUIET, type Json } from './helpers';

const CHATTER = 20002;

describe('mirai HTTP: group management', () => {
  const m = miraiPerSuite();

  const member = (group: number, id: number): Promise<Json> => m.get('/memberInfo', { target: group, memberId: id });

  test('GET memberInfo: a bare Member with every field and active filled in', async () => {
    const r = await member(LOBBY, ALICE);
    assert.deepEqual(Object.keys(r), MEMBER_KEYS);
    assert.deepEqual({ ...r, active: undefined }, {
      id: ALICE, memberName: 'Alice (admin)', specialTitle: 'Veteran', permission: 'ADMINISTRATOR', joinTimestamp: 1700000060,
      lastSpeakTimestamp: 0, muteTimeRemaining: 0, group: { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' }, active: undefined,
    });
    assert.deepEqual(Object.keys(r.active), ['rank', 'point', 'honors', 'temperature']);
    assert.ok(r.active.rank >= 1 && r.active.rank <= 6);
    assert.ok(Array.isArray(r.active.honors));
    assert.deepEqual(await member(LOBBY, EVE), { code: 5, msg: '指定对象不存在' });
  });

  test('GET memberInfo lists the member\'s group honors by MAH\'s names', async () => {
    await m.sandbox('member_honor', { group_id: LOBBY, user_id: BOB, honor_type: 'talkative' });
    await m.sandbox('member_honor', { group_id: LOBBY, user_id: BOB, honor_type: 'emotion' });
    assert.deepEqual((await member(LOBBY, BOB)).active.honors.sort(), ['快乐源泉', '龙王'].sort());
    assert.deepEqual((await member(LOBBY, ALICE)).active.honors, []);
    await m.drain(0);
  });

  test('mute sets muteTimeRemaining, unmute clears it; time 0 is 400; a plain member bot gets 10', async () => {
    assert.deepEqual(await m.post('/mute', { target: LOBBY, memberId: DAVE, time: 600 }), { code: 0, msg: 'success' });
    const muted = (await member(LOBBY, DAVE)).muteTimeRemaining;
    assert.ok(muted > 0 && muted <= 600, String(muted));
    assert.deepEqual(await m.post('/unmute', { target: LOBBY, memberId: DAVE }), { code: 0, msg: 'success' });
    assert.equal((await member(LOBBY, DAVE)).muteTimeRemaining, 0);
    assert.equal((await m.post('/mute', { target: LOBBY, memberId: DAVE })).code, 400);
    assert.deepEqual(await m.post('/mute', { target: QUIET, memberId: EVE, time: 60 }), { code: 10, msg: '无操作权限' });
    assert.deepEqual(await m.post('/mute', { target: LOBBY, memberId: EVE, time: 60 }), { code: 5, msg: '指定对象不存在' });
  });

  test('muteAll / unmuteAll toggle groupConfig.muteAll; GET groupConfig is a bare object with every key', async () => {
    assert.deepEqual(await m.get('/groupConfig', { target: LOBBY }), {
      name: 'Sandbox Lobby', confessTalk: false, allowMemberInvite: true, autoApprove: false, anonymousChat: false, muteAll: false,
    });
    assert.deepEqual(await m.post('/muteAll', { target: LOBBY }), { code: 0, msg: 'success' });
    assert.equal((await m.get('/groupConfig', { target: LOBBY })).muteAll, true);
    assert.deepEqual(await m.post('/unmuteAll', { target: LOBBY }), { code: 0, msg: 'success' });
    assert.equal((await m.get('/groupConfig', { target: LOBBY })).muteAll, false);
    assert.deepEqual(await m.post('/muteAll', { target: QUIET }), { code: 10, msg: '无操作权限' });
    assert.deepEqual(await m.post('/muteAll', { target: 99999 }), { code: 5, msg: '指定对象不存在' });
  });

  test('POST groupConfig renames the group (other keys accepted); a plain member bot gets 10', async () => {
    assert.deepEqual(await m.post('/groupConfig', { target: CHATTER, config: { name: 'Chatter 2', confessTalk: true, autoApprove: true } }), { code: 0, msg: 'success' });
    assert.equal((await m.get('/groupConfig', { target: CHATTER })).name, 'Chatter 2');
    assert.equal((await m.get('/groupList')).data.find((g: Json) => g.id === CHATTER).name, 'Chatter 2');
    assert.deepEqual(await m.post('/groupConfig', { target: CHATTER, config: { allowMemberInvite: false } }), { code: 0, msg: 'success' });
    assert.equal((await m.get('/groupConfig', { target: CHATTER })).allowMemberInvite, false);
    assert.deepEqual(await m.post('/groupConfig', { target: QUIET, config: { name: 'mine now' } }), { code: 10, msg: '无操作权限' });
    assert.deepEqual(await m.post('/groupConfig', { target: LOBBY }), { code: 400, msg: '参数错误，缺少字段: config' });
  });

  test('POST memberInfo sets the card and the special title', async () => {
    assert.deepEqual(await m.post('/memberInfo', { target: LOBBY, memberId: BOB, info: { name: 'Bobby', specialTitle: 'Builder' } }), { code: 0, msg: 'success' });
    const bob = await member(LOBBY, BOB);
    assert.equal(bob.memberName, 'Bobby');
    assert.equal(bob.specialTitle, 'Builder');
    assert.deepEqual(await m.post('/memberInfo', { target: QUIET, memberId: EVE, info: { name: 'x' } }), { code: 10, msg: '无操作权限' });
  });

  test('memberAdmin makes and unmakes admins as owner; as a mere admin it is 10', async () => {
    assert.deepEqual(await m.post('/memberAdmin', { target: LOBBY, memberId: BOB, assign: true }), { code: 0, msg: 'success' });
    assert.equal((await member(LOBBY, BOB)).permission, 'ADMINISTRATOR');
    assert.deepEqual(await m.post('/memberAdmin', { target: LOBBY, memberId: BOB, assign: 'false' }), { code: 0, msg: 'success' });
    assert.equal((await member(LOBBY, BOB)).permission, 'MEMBER');
    assert.deepEqual(await m.post('/memberAdmin', { target: CHATTER, memberId: ALICE, assign: true }), { code: 10, msg: '无操作权限' });
  });

  test('setEssence marks a group message; an unknown message is 5', async () => {
    const heard = await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'essential' });
    await m.drain(1);
    assert.deepEqual(await m.post('/setEssence', { target: LOBBY, messageId: heard.message_id }), { code: 0, msg: 'success' });
    const list = (await m.bridge.core.call('get_essence_msg_list', { group_id: LOBBY })) as Json[];
    assert.ok(list.some((e) => e.message_id === heard.message_id));
    assert.deepEqual(await m.post('/setEssence', { target: LOBBY, messageId: 1999999999 }), { code: 5, msg: '指定对象不存在' });
  });

  test('kick removes a member; kicking from where the bot is a plain member is 10', async () => {
    assert.deepEqual(await m.post('/kick', { target: LOBBY, memberId: DAVE, msg: 'bye' }), { code: 0, msg: 'success' });
    assert.ok(!(await m.get('/memberList', { target: LOBBY })).data.some((x: Json) => x.id === DAVE));
    assert.deepEqual(await m.post('/kick', { target: LOBBY, memberId: DAVE }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/kick', { target: QUIET, memberId: EVE }), { code: 10, msg: '无操作权限' });
  });

  test('quit: the owner cannot (10); elsewhere the bot leaves and the group is gone', async () => {
    assert.deepEqual(await m.post('/quit', { target: LOBBY }), { code: 10, msg: '无操作权限' });
    assert.deepEqual(await m.post('/quit', { target: QUIET }), { code: 0, msg: 'success' });
    assert.ok(!(await m.get('/groupList')).data.some((g: Json) => g.id === QUIET));
    assert.deepEqual(await m.post('/quit', { target: QUIET }), { code: 5, msg: '指定对象不存在' });
    assert.equal((await m.get('/memberList', { target: CHATTER })).data.some((x: Json) => x.id === CAROL), true);
  });
});
