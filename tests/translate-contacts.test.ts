import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  oneBotFriendToMirai, oneBotGroupToMirai, oneBotMemberToMirai, oneBotProfileToMirai, roleToPermission,
} from '../src/mirai/translate';

test('roles map to mirai permissions, anything unknown is MEMBER', () => {
  assert.equal(roleToPermission('owner'), 'OWNER');
  assert.equal(roleToPermission('admin'), 'ADMINISTRATOR');
  assert.equal(roleToPermission('ADMIN'), 'ADMINISTRATOR');
  assert.equal(roleToPermission('member'), 'MEMBER');
  assert.equal(roleToPermission(undefined), 'MEMBER');
  assert.equal(roleToPermission('constructor'), 'MEMBER');
});

test('a OneBot friend becomes {id, nickname, remark} in that order, ids numeric even from strings', () => {
  const f = oneBotFriendToMirai({ user_id: '10001', nickname: 'Alice', remark: 'alice', sex: 'female' });
  assert.deepEqual(f, { id: 10001, nickname: 'Alice', remark: 'alice' });
  assert.deepEqual(Object.keys(f), ['id', 'nickname', 'remark']);
  assert.deepEqual(oneBotFriendToMirai({ user_id: 5 }), { id: 5, nickname: '', remark: '' });
});

test('a OneBot group carries the bot role as its permission', () => {
  const g = oneBotGroupToMirai({ group_id: 20001, group_name: 'Lobby', member_count: 4 }, 'admin');
  assert.deepEqual(g, { id: 20001, name: 'Lobby', permission: 'ADMINISTRATOR' });
  assert.deepEqual(Object.keys(g), ['id', 'name', 'permission']);
  assert.equal(oneBotGroupToMirai({ group_id: 1 }, undefined).permission, 'MEMBER');
});

test('a member uses the card as memberName, else the nickname, and always has active: null', () => {
  const group = { id: 20001, name: 'Lobby', permission: 'OWNER' as const };
  const m = oneBotMemberToMirai({
    group_id: 20001, user_id: 10001, nickname: 'Alice', card: 'Alice (admin)', title: 'Veteran', role: 'admin',
    join_time: 1700000060, last_sent_time: 1700000100, shut_up_timestamp: 0,
  }, group, 1700000200);
  assert.deepEqual(m, {
    id: 10001, memberName: 'Alice (admin)', specialTitle: 'Veteran', permission: 'ADMINISTRATOR', joinTimestamp: 1700000060,
    lastSpeakTimestamp: 1700000100, muteTimeRemaining: 0, group, active: null,
  });
  assert.deepEqual(Object.keys(m), ['id', 'memberName', 'specialTitle', 'permission', 'joinTimestamp', 'lastSpeakTimestamp', 'muteTimeRemaining', 'group', 'active']);
  const noCard = oneBotMemberToMirai({ user_id: 10002, nickname: 'Bob', card: '' }, group);
  assert.equal(noCard.memberName, 'Bob');
  assert.equal(noCard.specialTitle, '');
  assert.equal(noCard.permission, 'MEMBER');
});

test('muteTimeRemaining counts the seconds until shut_up_timestamp, 0 once it passed, capped at int32', () => {
  const group = { id: 1, name: 'g', permission: 'MEMBER' as const };
  assert.equal(oneBotMemberToMirai({ user_id: 2, shut_up_timestamp: 1000 + 600 }, group, 1000).muteTimeRemaining, 600);
  assert.equal(oneBotMemberToMirai({ user_id: 2, shut_up_timestamp: 900 }, group, 1000).muteTimeRemaining, 0);
  assert.equal(oneBotMemberToMirai({ user_id: 2, shut_up_timestamp: 9_000_000_000 }, group, 1000).muteTimeRemaining, 2147483647);
});

test('a profile always has all six fields; sign comes from long_nick and sex is upper case', () => {
  const p = oneBotProfileToMirai({ user_id: 10001, nickname: 'Alice', sex: 'female', age: 24, level: '32', long_nick: 'hello', email: 'a@x' });
  assert.deepEqual(p, { nickname: 'Alice', email: 'a@x', age: 24, level: 32, sign: 'hello', sex: 'FEMALE' });
  assert.deepEqual(Object.keys(p), ['nickname', 'email', 'age', 'level', 'sign', 'sex']);
  assert.deepEqual(oneBotProfileToMirai({}), { nickname: '', email: '', age: 0, level: 0, sign: '', sex: 'UNKNOWN' });
  assert.equal(oneBotProfileToMirai({ sex: 'male' }).sex, 'MALE');
});
