/** mirai HTTP: console commands — cmd/register, cmd/execute, and chat messages that invoke a registered command. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, ALICE, BOB, LOBBY, type Json } from './helpers';

describe('mirai HTTP: console commands', () => {
  const m = miraiPerSuite();

  const commandEvents = async (n: number) => (await m.drain(n)).filter((e: Json) => e.type === 'CommandExecutedEvent');

  test('cmd/register with defaults succeeds; a blank name is 400 "Register command error"', async () => {
    assert.deepEqual(await m.post('/cmd/register', { name: 'weather', alias: ['wx', '天气'] }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/cmd/register', { name: '  ', alias: [] }), { code: 400, msg: 'Register command error' });
    assert.deepEqual(await m.post('/cmd/register', { alias: ['x'] }), { code: 400, msg: '参数错误，缺少字段: name' });
  });

  test('cmd/execute raises CommandExecutedEvent from the console (friend and member null)', async () => {
    assert.deepEqual(await m.post('/cmd/execute', { command: [{ type: 'Plain', text: '/weather' }, { type: 'Plain', text: 'beijing today' }] }), { code: 0, msg: 'success' });
    const [ev] = await commandEvents(1);
    assert.deepEqual(ev, {
      type: 'CommandExecutedEvent', name: 'weather', friend: null, member: null,
      args: [{ type: 'Plain', text: 'beijing' }, { type: 'Plain', text: 'today' }],
    });
    // By alias, without the prefix.
    assert.deepEqual(await m.post('/cmd/execute', { command: [{ type: 'Plain', text: 'wx tomorrow' }] }), { code: 0, msg: 'success' });
    assert.deepEqual((await commandEvents(1))[0].args, [{ type: 'Plain', text: 'tomorrow' }]);
  });

  test('cmd/execute of an unregistered command is 400 "Execute command error"', async () => {
    assert.deepEqual(await m.post('/cmd/execute', { command: [{ type: 'Plain', text: '/nosuch' }] }), { code: 400, msg: 'Execute command error' });
  });

  test('a chat message naming a registered command raises the event with its sender', async () => {
    await m.sandbox('message', { user_id: BOB, message: '/天气 shanghai' });
    const friendRun = await m.drain(2);
    assert.deepEqual(friendRun.map((e: Json) => e.type), ['FriendMessage', 'CommandExecutedEvent']);
    assert.deepEqual(friendRun[1], {
      type: 'CommandExecutedEvent', name: 'weather', friend: { id: BOB, nickname: 'Bob', remark: '' }, member: null, args: [{ type: 'Plain', text: 'shanghai' }],
    });
    await m.sandbox('message', { user_id: ALICE, group_id: LOBBY, message: [{ type: 'text', data: { text: 'weather ' } }, { type: 'at', data: { qq: String(BOB) } }] });
    const groupRun = await m.drain(2);
    const ev = groupRun.find((e: Json) => e.type === 'CommandExecutedEvent');
    assert.equal(ev.friend, null);
    assert.equal(ev.member.id, ALICE);
    assert.equal(ev.member.group.id, LOBBY);
    assert.deepEqual(ev.args, [{ type: 'At', target: BOB, display: '' }]);
    // Ordinary chat raises nothing.
    await m.sandbox('message', { user_id: BOB, message: 'what is the weather' });
    assert.deepEqual((await m.drain(1)).map((e: Json) => e.type), ['FriendMessage']);
  });
});
