/**
 * Every event the sandbox account can produce, played in through the control surface and read as
 * a mirai client reads it (pushed over WS `/all`), checked field by field against the digest's §7:
 * every declared field present (nulls included), `type` first and the rest in declaration order,
 * ids as JSON numbers, contacts complete. The HTTP unread queue must hold the very same objects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openMirai, ALICE, BOB, DAVE, LOBBY, CHATTER, QUIET, SELF, VERIFY_KEY, type Json, type Mirai, FrameClient } from './helpers';
import { SCENARIO, playScenario, type Step } from './mirai-event-scenario';

type Kind =
  | 'int' | 'int?' | 'str' | 'bool' | 'perm'
  | 'friend' | 'group' | 'member' | 'member?' | 'subject' | 'chain' | 'elements';

/** Field name → kind, in wire order after `type` (digest §7.0–7.8). */
const EVENTS: Record<string, [string, Kind][]> = {
  FriendMessage: [['messageChain', 'chain'], ['sender', 'friend']],
  GroupMessage: [['messageChain', 'chain'], ['sender', 'member']],
  TempMessage: [['messageChain', 'chain'], ['sender', 'member']],
  StrangerMessage: [['messageChain', 'chain'], ['sender', 'friend']],
  FriendSyncMessage: [['messageChain', 'chain'], ['subject', 'friend']],
  GroupSyncMessage: [['messageChain', 'chain'], ['subject', 'group']],
  TempSyncMessage: [['messageChain', 'chain'], ['subject', 'member']],
  StrangerSyncMessage: [['messageChain', 'chain'], ['subject', 'friend']],
  BotOnlineEvent: [['qq', 'int']],
  BotOfflineEventActive: [['qq', 'int']],
  BotOfflineEventForce: [['qq', 'int'], ['title', 'str'], ['message', 'str']],
  BotOfflineEventDropped: [['qq', 'int']],
  BotReloginEvent: [['qq', 'int']],
  FriendInputStatusChangedEvent: [['friend', 'friend'], ['inputting', 'bool']],
  FriendAddEvent: [['friend', 'friend'], ['stranger', 'bool']],
  FriendDeleteEvent: [['friend', 'friend']],
  FriendRecallEvent: [['authorId', 'int'], ['messageId', 'int'], ['time', 'int'], ['operator', 'int']],
  BotGroupPermissionChangeEvent: [['origin', 'perm'], ['current', 'perm'], ['group', 'group']],
  BotMuteEvent: [['durationSeconds', 'int'], ['operator', 'member']],
  BotUnmuteEvent: [['operator', 'member']],
  BotJoinGroupEvent: [['group', 'group'], ['invitor', 'member?']],
  BotLeaveEventActive: [['group', 'group']],
  BotLeaveEventKick: [['group', 'group'], ['operator', 'member']],
  BotLeaveEventDisband: [['group', 'group'], ['operator', 'member']],
  GroupRecallEvent: [['authorId', 'int'], ['messageId', 'int'], ['time', 'int'], ['group', 'group'], ['operator', 'member?']],
  NudgeEvent: [['fromId', 'int'], ['target', 'int'], ['subject', 'subject'], ['action', 'str'], ['suffix', 'str']],
  GroupNameChangeEvent: [['origin', 'str'], ['current', 'str'], ['group', 'group'], ['operator', 'member?']],
  GroupMuteAllEvent: [['origin', 'bool'], ['current', 'bool'], ['group', 'group'], ['operator', 'member?']],
  MemberJoinEvent: [['member', 'member'], ['invitor', 'member?']],
  MemberLeaveEventKick: [['member', 'member'], ['operator', 'member?']],
  MemberLeaveEventQuit: [['member', 'member']],
  MemberCardChangeEvent: [['origin', 'str'], ['current', 'str'], ['member', 'member']],
  MemberSpecialTitleChangeEvent: [['origin', 'str'], ['current', 'str'], ['member', 'member']],
  MemberPermissionChangeEvent: [['origin', 'perm'], ['current', 'perm'], ['member', 'member']],
  MemberMuteEvent: [['durationSeconds', 'int'], ['member', 'member'], ['operator', 'member?']],
  MemberUnmuteEvent: [['member', 'member'], ['operator', 'member?']],
  MemberHonorChangeEvent: [['member', 'member'], ['action', 'str'], ['honor', 'str']],
  NewFriendRequestEvent: [['eventId', 'int'], ['message', 'str'], ['fromId', 'int'], ['groupId', 'int'], ['nick', 'str']],
  MemberJoinRequestEvent: [['eventId', 'int'], ['message', 'str'], ['fromId', 'int'], ['groupId', 'int'], ['groupName', 'str'], ['nick', 'str'], ['invitorId', 'int?']],
  BotInvitedJoinGroupRequestEvent: [['eventId', 'int'], ['message', 'str'], ['fromId', 'int'], ['groupId', 'int'], ['groupName', 'str'], ['nick', 'str']],
  CommandExecutedEvent: [['name', 'str'], ['friend', 'friend'], ['member', 'member?'], ['args', 'elements']],
};

/** Message elements a received chain may hold (digest §6.2), fields in wire order after `type`. */
const ELEMENTS: Record<string, [string, Kind | 'str?' | 'any'][]> = {
  Source: [['id', 'int'], ['time', 'int']],
  Quote: [['id', 'int'], ['senderId', 'int'], ['targetId', 'int'], ['groupId', 'int'], ['origin', 'elements']],
  At: [['target', 'int'], ['display', 'str']],
  AtAll: [['target', 'int']],
  Face: [['faceId', 'int'], ['name', 'str'], ['isSuperFace', 'bool']],
  Plain: [['text', 'str']],
  Image: [['imageId', 'str'], ['url', 'str?'], ['path', 'str?'], ['base64', 'str?'], ['width', 'int'], ['height', 'int'], ['size', 'int'], ['imageType', 'str'], ['isEmoji', 'bool']],
  Dice: [['value', 'int']],
};
ELEMENTS.FlashImage = ELEMENTS.Image;

const PERMISSIONS = ['OWNER', 'ADMINISTRATOR', 'MEMBER'];
const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);

function keysInOrder(obj: Json, keys: string[], where: string) {
  assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj), `${where} is an object: ${JSON.stringify(obj)}`);
  assert.deepEqual(Object.keys(obj), keys, where);
}

function checkGroup(g: Json, where: string) {
  keysInOrder(g, ['id', 'name', 'permission'], where);
  assert.ok(isInt(g.id) && g.id > 0, `${where}.id`);
  assert.equal(typeof g.name, 'string', `${where}.name`);
  assert.ok(PERMISSIONS.includes(g.permission), `${where}.permission`);
}

function checkMember(mem: Json, where: string) {
  keysInOrder(mem, ['id', 'memberName', 'specialTitle', 'permission', 'joinTimestamp', 'lastSpeakTimestamp', 'muteTimeRemaining', 'group', 'active'], where);
  assert.ok(isInt(mem.id) && mem.id > 0, `${where}.id`);
  assert.equal(typeof mem.memberName, 'string', `${where}.memberName`);
  assert.equal(typeof mem.specialTitle, 'string', `${where}.specialTitle`);
  assert.ok(PERMISSIONS.includes(mem.permission), `${where}.permission`);
  for (const k of ['joinTimestamp', 'lastSpeakTimestamp', 'muteTimeRemaining']) assert.ok(isInt(mem[k]) && mem[k] >= 0, `${where}.${k}`);
  checkGroup(mem.group, `${where}.group`);
  assert.equal(mem.active, null, `${where}.active is null outside GET memberInfo`);
}

function checkFriend(f: Json, where: string) {
  keysInOrder(f, ['id', 'nickname', 'remark'], where);
  assert.ok(isInt(f.id) && f.id > 0, `${where}.id`);
  assert.equal(typeof f.nickname, 'string', `${where}.nickname`);
  assert.equal(typeof f.remark, 'string', `${where}.remark`);
}

function checkElements(chain: Json, where: string) {
  assert.ok(Array.isArray(chain), `${where} is an array`);
  chain.forEach((el: Json, i: number) => {
    const spec = ELEMENTS[el?.type];
    assert.ok(spec, `${where}[${i}]: unexpected element ${JSON.stringify(el)}`);
    keysInOrder(el, ['type', ...spec.map(([k]) => k)], `${where}[${i}]`);
    for (const [k, kind] of spec) checkValue(el[k], kind, `${where}[${i}].${k}`);
  });
}

function checkValue(v: Json, kind: Kind | 'str?' | 'any', where: string) {
  switch (kind) {
    case 'int': return assert.ok(isInt(v), `${where}: ${JSON.stringify(v)} is not an integer`);
    case 'int?': return assert.ok(v === null || isInt(v), `${where}: ${JSON.stringify(v)}`);
    case 'str': return assert.equal(typeof v, 'string', where);
    case 'str?': return assert.ok(v === null || (typeof v === 'string' && v !== ''), `${where}: ${JSON.stringify(v)} (null, never "")`);
    case 'bool': return assert.equal(typeof v, 'boolean', where);
    case 'perm': return assert.ok(PERMISSIONS.includes(v), where);
    case 'friend': return checkFriend(v, where);
    case 'group': return checkGroup(v, where);
    case 'member': return checkMember(v, where);
    case 'member?': return v === null ? undefined : checkMember(v, where);
    case 'subject': {
      assert.ok(['Friend', 'Group', 'Stranger'].includes(v?.kind), `${where}.kind`);
      const { kind: k, ...rest } = v;
      assert.equal(Object.keys(v)[0], 'kind', `${where}: kind first`);
      return k === 'Group' ? checkGroup(rest, where) : checkFriend(rest, where);
    }
    case 'chain':
      assert.equal(v?.[0]?.type, 'Source', `${where}[0] is Source`);
      assert.ok(v.slice(1).every((e: Json) => e.type !== 'Source'), `${where}: one Source`);
      return checkElements(v, where);
    case 'elements':
      assert.ok(v.every((e: Json) => e.type !== 'Source'), `${where}: no Source`);
      return checkElements(v, where);
    case 'any': return undefined;
  }
}

function checkEvent(ev: Json, where: string) {
  const spec = EVENTS[ev.type];
  assert.ok(spec, `${where}: no shape for ${ev.type}`);
  keysInOrder(ev, ['type', ...spec.map(([k]) => k)], `${where} (${ev.type})`);
  for (const [k, kind] of spec) {
    // The console runs commands as no friend and no member: MAH sends null for both.
    if (ev.type === 'CommandExecutedEvent' && k === 'friend' && ev.friend === null) continue;
    checkValue(ev[k], kind, `${where}.${k}`);
  }
}

describe('mirai event shapes, field by field, for everything the sandbox can play in', () => {
  let m: Mirai;
  let c: FrameClient;
  let played: { step: Step; events: Json[] }[];
  const byStep = (name: string) => {
    const hit = played.find((p) => p.step.name === name);
    assert.ok(hit, name);
    return hit.events;
  };

  before(async () => {
    m = await openMirai();
    c = await FrameClient.open(`${m.base.replace(/^http/, 'ws')}/all?verifyKey=${VERIFY_KEY}&qq=${SELF}`);
    await c.handshake();
    played = await playScenario(m, c, SCENARIO);
  });
  after(async () => {
    await c.close();
    await m.stop();
  });

  test('every pushed event has exactly its declared fields, type first, with the declared types', () => {
    const types = new Set<string>();
    for (const { step, events } of played) {
      events.forEach((ev, i) => {
        checkEvent(ev, `${step.name}#${i}`);
        types.add(ev.type);
      });
    }
    // The sandbox reaches all of these; the rest of §7 (other clients, nick changes, disband…) it cannot play.
    assert.deepEqual([...types].sort(), [...new Set(SCENARIO.flatMap((s) => s.expect))].sort());
    assert.ok(types.size >= 37, `${types.size} event types`);
  });

  test('pushes are WS frames {syncId:"-1", data}, and the HTTP queue holds the same events in the same order', async () => {
    const pushes = c.frames.filter((f) => f.syncId === '-1');
    for (const f of pushes) assert.deepEqual(Object.keys(f), ['syncId', 'data']);
    const queued = (await m.get('/fetchMessage', { count: 1000 })).data;
    assert.deepEqual(queued, pushes.map((f) => f.data));
  });

  test('message packets: Source first, then Quote for a reply, then every element of the message', () => {
    const [g] = byStep('group message');
    const chain = g.messageChain;
    assert.deepEqual(chain.slice(1).map((e: Json) => e.type), ['Plain', 'At', 'AtAll', 'Face', 'Image', 'Dice']);
    assert.deepEqual(chain[2], { type: 'At', target: BOB, display: '' });
    assert.deepEqual(chain[3], { type: 'AtAll', target: 0 });
    assert.deepEqual(chain[4], { type: 'Face', faceId: 14, name: '微笑', isSuperFace: false });
    assert.deepEqual(chain[6], { type: 'Dice', value: 4 });
    assert.equal(g.sender.id, ALICE);
    assert.equal(g.sender.group.id, LOBBY);
    assert.equal(g.sender.group.permission, 'OWNER', "the group's permission is the bot's");
    const [q] = byStep('quoting message');
    assert.deepEqual(q.messageChain[1], {
      type: 'Quote', id: chain[0].id, senderId: ALICE, targetId: LOBBY, groupId: LOBBY, origin: chain.slice(1),
    });
    const [f] = byStep('friend message');
    assert.deepEqual(f.sender, { id: ALICE, nickname: 'Alice', remark: 'alice' });
    const [t] = byStep('temp message');
    assert.deepEqual([t.sender.id, t.sender.group.id], [DAVE, LOBBY]);
    assert.deepEqual(byStep('group sync')[0].subject, { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' });
    assert.equal(byStep('friend sync')[0].subject.id, ALICE);
    assert.deepEqual([byStep('temp sync')[0].subject.id, byStep('temp sync')[0].subject.group.id], [DAVE, LOBBY]);
  });

  test('recalls and nudges name the right people and contexts', () => {
    const [g] = byStep('group message');
    const [gr] = byStep('group recall');
    assert.deepEqual([gr.authorId, gr.messageId, gr.group.id, gr.operator.id], [ALICE, g.messageChain[0].id, LOBBY, ALICE]);
    assert.ok(gr.time > 1_600_000_000 && gr.time < 10_000_000_000, 'seconds');
    const [f] = byStep('friend message');
    const [fr] = byStep('friend recall');
    assert.deepEqual({ ...fr, time: 0 }, { type: 'FriendRecallEvent', authorId: ALICE, messageId: f.messageChain[0].id, time: 0, operator: ALICE });
    const [gp] = byStep('group poke');
    assert.deepEqual(gp, { type: 'NudgeEvent', fromId: ALICE, target: SELF, subject: { kind: 'Group', id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' }, action: gp.action, suffix: gp.suffix });
    const [fp] = byStep('friend poke');
    assert.deepEqual(fp.subject, { kind: 'Friend', id: ALICE, nickname: 'Alice', remark: 'alice' });
  });

  test('member events carry the member as the group knew them, and operators as members (null for the bot)', () => {
    const [join] = byStep('member joins');
    assert.deepEqual([join.member.id, join.member.memberName, join.invitor], [30001, 'Newcomer', null]);
    assert.ok(join.member.joinTimestamp > 0);
    const [invited] = byStep('member invited');
    assert.deepEqual([invited.member.memberName, invited.invitor.id, invited.invitor.permission], ['Invitee', ALICE, 'ADMINISTRATOR']);
    // Someone who left is no longer in the group: the event still shows them as they were.
    const [quit] = byStep('member quits');
    assert.deepEqual([quit.member.id, quit.member.memberName, quit.member.joinTimestamp], [30001, 'Newcomer', join.member.joinTimestamp]);
    const [kick] = byStep('member kicked');
    assert.deepEqual([kick.member.id, kick.member.memberName, kick.operator.id], [30002, 'Invitee', ALICE]);
    const [mute] = byStep('member muted');
    assert.deepEqual([mute.durationSeconds, mute.member.id, mute.member.muteTimeRemaining, mute.operator], [600, DAVE, 600, null]);
    const [unmute] = byStep('member unmuted');
    assert.deepEqual([unmute.member.muteTimeRemaining, unmute.operator], [0, null]);
    const [card] = byStep('card change');
    assert.deepEqual([card.origin, card.current, card.member.memberName], ['Dave', 'Dave the Brave', 'Dave the Brave']);
    const [promo] = byStep('member promoted');
    assert.deepEqual([promo.origin, promo.current, promo.member.permission], ['MEMBER', 'ADMINISTRATOR', 'ADMINISTRATOR']);
    const [title] = byStep('title change');
    assert.deepEqual([title.current, title.member.specialTitle, title.member.memberName], ['Hero', 'Hero', 'Dave the Brave']);
    const [honor] = byStep('honor');
    assert.deepEqual([honor.member.id, honor.action, honor.honor], [DAVE, 'achieve', '龙王']);
  });

  test('group and bot-in-group events', () => {
    const [muteAll, unmuteAll] = [byStep('mute all')[0], byStep('unmute all')[0]];
    assert.deepEqual([muteAll.origin, muteAll.current, muteAll.operator.id], [false, true, ALICE]);
    assert.deepEqual([unmuteAll.origin, unmuteAll.current, unmuteAll.operator], [true, false, null]);
    const [renamed] = byStep('group renamed');
    assert.deepEqual([renamed.origin, renamed.current, renamed.group.name, renamed.operator.id], ['Sandbox Lobby', 'Renamed Lobby', 'Renamed Lobby', ALICE]);
    const [botMute] = byStep('bot muted');
    assert.deepEqual([botMute.durationSeconds, botMute.operator.id, botMute.operator.permission, botMute.operator.group.id], [60, BOB, 'OWNER', CHATTER]);
    assert.equal(byStep('bot unmuted')[0].operator.id, BOB);
    const [joined] = byStep('invite accepted');
    assert.equal(joined.group.id, 29999);
    assert.ok(joined.invitor === null || joined.invitor.id === ALICE);
    const [demoted] = byStep('bot demoted');
    assert.deepEqual([demoted.origin, demoted.current, demoted.group.id, demoted.group.permission], ['ADMINISTRATOR', 'MEMBER', CHATTER, 'MEMBER']);
    assert.equal(byStep('bot quits')[0].group.id, QUIET);
    const [kicked] = byStep('bot kicked');
    assert.deepEqual([kicked.group.id, kicked.operator.id, kicked.operator.group.id], [CHATTER, BOB, CHATTER]);
  });

  test('request events carry a numeric eventId that the resp commands accept', async () => {
    const [join] = byStep('join request');
    assert.deepEqual({ ...join, eventId: 0 }, {
      type: 'MemberJoinRequestEvent', eventId: 0, message: 'let me in', fromId: 30003, groupId: LOBBY, groupName: 'Renamed Lobby', nick: 'Applicant', invitorId: null,
    });
    const [invite] = byStep('group invite');
    assert.deepEqual({ ...invite, eventId: 0 }, {
      type: 'BotInvitedJoinGroupRequestEvent', eventId: 0, message: '', fromId: ALICE, groupId: 29999, groupName: 'Invited Group', nick: 'Alice',
    });
    const [friend] = byStep('friend request');
    assert.deepEqual({ ...friend, eventId: 0 }, { type: 'NewFriendRequestEvent', eventId: 0, message: 'be my friend', fromId: 30004, groupId: 0, nick: 'Requester' });
    assert.deepEqual(await m.post('/resp/memberJoinRequestEvent', { eventId: join.eventId, fromId: join.fromId, groupId: join.groupId, operate: 1, message: 'no' }), { code: 0, msg: 'success' });
  });

  test('friend and account events', () => {
    assert.deepEqual(byStep('friend added')[0], { type: 'FriendAddEvent', friend: { id: 30005, nickname: 'Newfriend', remark: '' }, stranger: false });
    assert.deepEqual(byStep('friend deleted')[0].friend.id, 10003);
    assert.deepEqual(byStep('typing')[0], { type: 'FriendInputStatusChangedEvent', friend: { id: ALICE, nickname: 'Alice', remark: 'alice' }, inputting: true });
    assert.deepEqual(byStep('kicked offline')[0], { type: 'BotOfflineEventForce', qq: SELF, title: 'kicked', message: 'logged in elsewhere' });
    assert.deepEqual(byStep('back online'), [{ type: 'BotOnlineEvent', qq: SELF }, { type: 'BotReloginEvent', qq: SELF }]);
    assert.deepEqual(byStep('network drop'), [{ type: 'BotOfflineEventDropped', qq: SELF }]);
  });

  test('command events: from the console with friend and member null, from a chat with the sender', () => {
    assert.deepEqual(byStep('console command'), [{ type: 'CommandExecutedEvent', name: 'hello', friend: null, member: null, args: [{ type: 'Plain', text: 'there' }] }]);
    const [, ran] = byStep('chat command');
    assert.deepEqual(ran, { type: 'CommandExecutedEvent', name: 'hello', friend: { id: ALICE, nickname: 'Alice', remark: 'alice' }, member: null, args: [{ type: 'Plain', text: 'world' }] });
  });
});
