import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../src/app';
import type { ActionCore } from '../src/core/action-core';
import { BridgeError } from '../src/errors';
import { createLogger } from '../src/log';
import { createContactDirectory } from '../src/mirai/directory';

const BOT = 10000;
let bridge: Bridge;

before(async () => {
  // The OneBot and mirai faces are not needed: the directory talks to the core, over the sandbox.
  bridge = await startBridge({ logLevel: 'silent', onebot: { enable: false }, mirai: { adapters: [] } });
});
after(async () => {
  await bridge?.stop();
});

const logger = createLogger('error', true);
const directoryOf = () => createContactDirectory({ core: bridge.core, logger });

test('start warms the bot nickname, friends and groups with the bot permission in each group', async () => {
  const dir = directoryOf();
  await dir.start();
  assert.equal(dir.botNickname(BOT), 'MahBot');
  assert.deepEqual(dir.friend(BOT, 10001), { id: 10001, nickname: 'Alice', remark: 'alice' });
  assert.deepEqual(dir.friend(BOT, 10002), { id: 10002, nickname: 'Bob', remark: '' });
  assert.equal(dir.friend(BOT, 10004), undefined, 'Dave is not a friend');
  assert.deepEqual(dir.group(BOT, 20001), { id: 20001, name: 'Sandbox Lobby', permission: 'OWNER' });
  assert.deepEqual(dir.group(BOT, 20002), { id: 20002, name: 'Chatter', permission: 'ADMINISTRATOR' });
  assert.equal(dir.group(BOT, 29999), undefined);
  assert.equal(dir.friend(12345, 10001), undefined, 'unknown bot: a miss, not an error');
  dir.stop();
});

test('ensure fetches a missing member; the member carries card, title, role, mute time and its group', async () => {
  const dir = directoryOf();
  await dir.start();
  assert.equal(dir.member(BOT, 20001, 10001), undefined, 'members are not warmed');
  await dir.ensure(BOT, { groupId: 20001, userId: 10001 });
  const alice = dir.member(BOT, 20001, 10001);
  assert.ok(alice);
  assert.equal(alice.memberName, 'Alice (admin)');
  assert.equal(alice.specialTitle, 'Veteran');
  assert.equal(alice.permission, 'ADMINISTRATOR');
  assert.equal(alice.active, null);
  assert.deepEqual(alice.group, { id: 20001, name: 'Sandbox Lobby', permission: 'OWNER' });
  // the whole list came with it
  assert.equal(dir.member(BOT, 20001, 10002)?.memberName, 'Bob', 'no card: the nickname');
  await dir.ensure(BOT, { groupId: 20002, userId: 10003 });
  const carol = dir.member(BOT, 20002, 10003);
  assert.ok(carol && carol.muteTimeRemaining > 0, 'a muted member has seconds remaining');
  dir.stop();
});

test('invalidate drops a member so the next ensure sees the change', async () => {
  const dir = directoryOf();
  await dir.start();
  await dir.ensure(BOT, { groupId: 20001, userId: 10002 });
  await bridge.core.call('set_group_card', { group_id: 20001, user_id: 10002, card: 'Bobby' });
  assert.equal(dir.member(BOT, 20001, 10002)?.memberName, 'Bob', 'cached until invalidated');
  dir.invalidate(BOT, { groupId: 20001, userId: 10002 });
  assert.equal(dir.member(BOT, 20001, 10002), undefined);
  await dir.ensure(BOT, { groupId: 20001, userId: 10002 });
  assert.equal(dir.member(BOT, 20001, 10002)?.memberName, 'Bobby');
  await bridge.core.call('set_group_card', { group_id: 20001, user_id: 10002, card: '' });
  dir.stop();
});

test('invalidating a group refetches it, and a friend invalidation refetches the friend list', async () => {
  const dir = directoryOf();
  await dir.start();
  await bridge.core.call('set_group_name', { group_id: 20001, group_name: 'Renamed Lobby' });
  try {
    assert.equal(dir.group(BOT, 20001)?.name, 'Sandbox Lobby');
    dir.invalidate(BOT, { groupId: 20001 });
    assert.equal(dir.group(BOT, 20001), undefined);
    await dir.ensure(BOT, { groupId: 20001 });
    assert.deepEqual(dir.group(BOT, 20001), { id: 20001, name: 'Renamed Lobby', permission: 'OWNER' });
  } finally {
    await bridge.core.call('set_group_name', { group_id: 20001, group_name: 'Sandbox Lobby' });
  }
  dir.invalidate(BOT, { userId: 10001 });
  assert.equal(dir.friend(BOT, 10001), undefined);
  await dir.ensure(BOT, { userId: 10001 });
  assert.equal(dir.friend(BOT, 10001)?.nickname, 'Alice');
  dir.stop();
});

test('ensure of a group or member that does not exist leaves a miss and does not throw', async () => {
  const dir = directoryOf();
  await dir.start();
  await dir.ensure(BOT, { groupId: 29999, userId: 1 });
  assert.equal(dir.group(BOT, 29999), undefined);
  await dir.ensure(BOT, { groupId: 20001, userId: 10005 });
  assert.equal(dir.member(BOT, 20001, 10005), undefined, 'Eve is not in the lobby');
  await dir.ensure(BOT, { userId: 10004 });
  assert.equal(dir.friend(BOT, 10004), undefined);
  dir.stop();
});

test('a member object follows its group when the group changes', async () => {
  const dir = directoryOf();
  await dir.start();
  await dir.ensure(BOT, { groupId: 20002, userId: 10001 });
  assert.equal(dir.member(BOT, 20002, 10001)?.group.name, 'Chatter');
  await bridge.core.call('set_group_name', { group_id: 20002, group_name: 'Chatter 2' });
  try {
    dir.invalidate(BOT, { groupId: 20002, userId: BOT }); // the bot's own change drops the group object
    await dir.ensure(BOT, { groupId: 20002 });
    await dir.ensure(BOT, { groupId: 20002, userId: 10001 });
    assert.equal(dir.member(BOT, 20002, 10001)?.group.name, 'Chatter 2');
  } finally {
    await bridge.core.call('set_group_name', { group_id: 20002, group_name: 'Chatter' });
  }
  dir.stop();
});

test('start never throws when the core is unreachable; ensure reports it, a refusal is a miss', async () => {
  const failing = {
    bots: () => [BOT],
    call: async () => { throw new BridgeError('upstream', 'upstream down'); },
  } as unknown as ActionCore;
  const dir = createContactDirectory({ core: failing, logger });
  await dir.start();
  // Unreachable: the caller learns it (mirai answers 500, not "no such target").
  await assert.rejects(dir.ensure(BOT, { groupId: 20001, userId: 10001 }), (e: BridgeError) => e.kind === 'upstream');
  const refusing = {
    bots: () => [BOT],
    call: async () => { throw new BridgeError('not_found', 'no such group'); },
  } as unknown as ActionCore;
  const dir2 = createContactDirectory({ core: refusing, logger });
  await dir2.start();
  await dir2.ensure(BOT, { groupId: 20001, userId: 10001 });
  assert.equal(dir2.group(BOT, 20001), undefined);
  dir2.stop();
  assert.equal(dir.group(BOT, 20001), undefined);
  assert.equal(dir.friend(BOT, 10001), undefined);
  assert.equal(dir.botNickname(BOT), '');
  dir.stop();
});

test('botMuted follows the bot\'s member record, and a stale "muted" record is fetched again before it is believed', async () => {
  const fresh = createContactDirectory({ core: bridge.core, logger, muteRecheckSeconds: -1 }); // every muted answer re-checked
  const trusting = directoryOf(); // re-checks only after a minute
  await fresh.start();
  await trusting.start();
  const me = bridge.sandbox!.world.groups.get(20002)!.members.get(BOT)!;
  try {
    assert.equal(await fresh.botMuted(BOT, 20002), false);
    me.shut_up_timestamp = Math.floor(Date.now() / 1000) + 600;
    // Noted when the bot's record is next read (a notice about the bot invalidates it).
    for (const d of [fresh, trusting]) {
      d.invalidate(BOT, { groupId: 20002, userId: BOT });
      await d.ensure(BOT, { groupId: 20002, userId: BOT });
      assert.equal(await d.botMuted(BOT, 20002), true);
    }
    me.shut_up_timestamp = 0; // lifted, and no notice told the directory
    assert.equal(await fresh.botMuted(BOT, 20002), false, 'the re-check sees the lift');
    assert.equal(await trusting.botMuted(BOT, 20002), true, 'a recent record is believed');
  } finally {
    me.shut_up_timestamp = 0;
    fresh.stop();
    trusting.stop();
  }
});
