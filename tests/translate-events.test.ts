import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OneBotEvent } from '../src/core/types';
import { createMediaRegistry } from '../src/mirai/media-registry';
import { createRequestRegistry } from '../src/mirai/request-registry';
import type { CachedMessage, ContactDirectory, MiraiFriend, MiraiGroup, MiraiMember } from '../src/mirai/types';
import { cachedToPacket, oneBotEventToMirai, oneBotMessageToCached, type EventContext } from '../src/mirai/translate';

const BOT = 10000;
const T = 1700000000;
const LOBBY: MiraiGroup = { id: 20001, name: 'Sandbox Lobby', permission: 'OWNER' };
const member = (id: number, memberName: string, permission: MiraiMember['permission'] = 'MEMBER', specialTitle = ''): MiraiMember => ({
  id, memberName, specialTitle, permission, joinTimestamp: T, lastSpeakTimestamp: 0, muteTimeRemaining: 0, group: LOBBY, active: null,
});
const ALICE = member(10001, 'Alice (admin)', 'ADMINISTRATOR', 'Veteran');
const BOB = member(10002, 'Bob');
const BOT_MEMBER = member(BOT, 'MahBot', 'OWNER');
const ALICE_F: MiraiFriend = { id: 10001, nickname: 'Alice', remark: 'alice' };

/** The translators' input: a fixed directory (the real one is tested in mirai-directory.test.ts). */
function directory(): ContactDirectory {
  const friends = new Map([[10001, ALICE_F]]);
  const groups = new Map([[20001, LOBBY]]);
  const members = new Map([[10001, ALICE], [10002, BOB], [BOT, BOT_MEMBER]]);
  return {
    friend: (_b, id) => friends.get(id),
    group: (_b, id) => groups.get(id),
    member: (_b, g, id) => (g === 20001 ? members.get(id) : undefined),
    botNickname: () => 'MahBot',
    botMuted: () => false,
    noteWholeBan: () => undefined,
    ensure: async () => {},
    invalidate: () => {},
    start: async () => {},
    stop: () => {},
  };
}

function context(cached: CachedMessage[] = []): EventContext {
  return {
    botId: BOT,
    directory: directory(),
    media: createMediaRegistry({ capacity: 64 }),
    requests: createRequestRegistry({ capacity: 64 }),
    resolveMessage: (id, ctxId) => cached.find((m) => m.messageId === id && (ctxId === undefined || m.contextId === ctxId)),
  };
}

const ev = (e: Record<string, unknown>): OneBotEvent => ({ time: T, self_id: BOT, ...e }) as OneBotEvent;
const notice = (e: Record<string, unknown>) => ev({ post_type: 'notice', ...e });
const one = (e: OneBotEvent, ctx = context(), opts?: { extraEvents?: boolean }) => {
  const out = oneBotEventToMirai(e, ctx, opts);
  assert.equal(out.length, 1, `one event expected, got ${JSON.stringify(out)}`);
  assert.equal(Object.keys(out[0])[0], 'type', 'type is emitted first');
  return out[0];
};

// ---------------------------------------------------------------- messages

test('a group message becomes GroupMessage: Source first, the sender from the directory', () => {
  const p = one(ev({
    post_type: 'message', message_type: 'group', sub_type: 'normal', message_id: 42, group_id: 20001, user_id: 10001,
    message: [{ type: 'text', data: { text: 'hi' } }], sender: { user_id: 10001, nickname: 'Alice', card: 'Alice (admin)', role: 'admin' },
  }));
  assert.deepEqual(p, {
    type: 'GroupMessage',
    messageChain: [{ type: 'Source', id: 42, time: T }, { type: 'Plain', text: 'hi' }],
    sender: ALICE,
  });
  assert.deepEqual(Object.keys(p), ['type', 'messageChain', 'sender']);
});

test('a group message from a member the directory lacks builds the sender from the event', () => {
  const p = one(ev({
    post_type: 'message', message_type: 'group', message_id: 43, group_id: 20009, group_name: 'Elsewhere', user_id: 10005,
    message: [{ type: 'text', data: { text: 'x' } }], sender: { user_id: 10005, nickname: 'Eve', card: '', role: 'admin', title: 'T' },
  }));
  assert.deepEqual(p.sender, {
    id: 10005, memberName: 'Eve', specialTitle: 'T', permission: 'ADMINISTRATOR', joinTimestamp: 0, lastSpeakTimestamp: 0,
    muteTimeRemaining: 0, group: { id: 20009, name: 'Elsewhere', permission: 'MEMBER' }, active: null,
  });
});

test('private messages: friend → FriendMessage, group temp → TempMessage, non-friend → StrangerMessage', () => {
  const f = one(ev({ post_type: 'message', message_type: 'private', sub_type: 'friend', message_id: 7, user_id: 10001, message: [{ type: 'text', data: { text: 'a' } }], sender: { user_id: 10001, nickname: 'Alice' } }));
  assert.equal(f.type, 'FriendMessage');
  assert.deepEqual(f.sender, ALICE_F);
  const t = one(ev({ post_type: 'message', message_type: 'private', sub_type: 'group', message_id: 8, user_id: 10002, message: [{ type: 'text', data: { text: 'b' } }], sender: { user_id: 10002, nickname: 'Bob', group_id: 20001 } }));
  assert.equal(t.type, 'TempMessage');
  assert.deepEqual(t.sender, BOB);
  const s = one(ev({ post_type: 'message', message_type: 'private', sub_type: 'other', message_id: 9, user_id: 10004, message: 'plain string', sender: { user_id: 10004, nickname: 'Dave' } }));
  assert.deepEqual(s, { type: 'StrangerMessage', messageChain: [{ type: 'Source', id: 9, time: T }, { type: 'Plain', text: 'plain string' }], sender: { id: 10004, nickname: 'Dave', remark: '' } });
});

test('message_sent becomes the *SyncMessage with a subject', () => {
  const g = one(ev({ post_type: 'message_sent', message_type: 'group', message_id: 50, group_id: 20001, user_id: BOT, message: [{ type: 'text', data: { text: 'me' } }], sender: { user_id: BOT } }));
  assert.deepEqual(g, { type: 'GroupSyncMessage', messageChain: [{ type: 'Source', id: 50, time: T }, { type: 'Plain', text: 'me' }], subject: LOBBY });
  const f = one(ev({ post_type: 'message_sent', message_type: 'private', sub_type: 'friend', message_id: 51, user_id: BOT, target_id: 10001, message: [{ type: 'text', data: { text: 'me' } }] }));
  assert.equal(f.type, 'FriendSyncMessage');
  assert.deepEqual(f.subject, ALICE_F);
  const t = one(ev({ post_type: 'message_sent', message_type: 'private', sub_type: 'group', message_id: 52, user_id: BOT, target_id: 10002, group_id: 20001, message: [] }));
  assert.equal(t.type, 'TempSyncMessage');
  assert.deepEqual(t.subject, BOB);
  const s = one(ev({ post_type: 'message_sent', message_type: 'private', sub_type: 'other', message_id: 53, user_id: BOT, target_id: 10004, message: [] }));
  assert.equal(s.type, 'StrangerSyncMessage');
  assert.deepEqual(oneBotEventToMirai(ev({ post_type: 'message_sent', message_type: 'private', message_id: 54, user_id: BOT, message: [] }), context()), [], 'no target: nothing');
});

test('a reply segment becomes Quote after Source, from the cache when known', () => {
  const cached: CachedMessage[] = [{
    botId: BOT, messageId: 41, contextId: 20001, kind: 'group', senderId: 10002, targetId: 20001, groupId: 20001, time: T - 5,
    chain: [{ type: 'Quote', id: 1, senderId: 0, targetId: 0, groupId: 0, origin: [] }, { type: 'Plain', text: 'original' }], self: false,
  }];
  const p = one(ev({
    post_type: 'message', message_type: 'group', message_id: 42, group_id: 20001, user_id: 10001,
    message: [{ type: 'reply', data: { id: '41' } }, { type: 'text', data: { text: 'answer' } }],
  }), context(cached));
  assert.deepEqual(p.messageChain, [
    { type: 'Source', id: 42, time: T },
    { type: 'Quote', id: 41, senderId: 10002, targetId: 20001, groupId: 20001, origin: [{ type: 'Plain', text: 'original' }] },
    { type: 'Plain', text: 'answer' },
  ]);
  const q = one(ev({
    post_type: 'message', message_type: 'private', sub_type: 'friend', message_id: 60, user_id: 10001,
    message: [{ type: 'reply', data: { id: 59 } }, { type: 'text', data: { text: 'x' } }],
  }));
  assert.deepEqual((q.messageChain as unknown[])[1], { type: 'Quote', id: 59, senderId: 0, targetId: 0, groupId: 0, origin: [] });
});

test('message packets feed the cache, and cachedToPacket rebuilds them', () => {
  const e = ev({ post_type: 'message', message_type: 'group', message_id: 42, group_id: 20001, user_id: 10001, message: [{ type: 'text', data: { text: 'hi' } }] });
  const p = one(e);
  const c = oneBotMessageToCached(e, p, BOT)!;
  assert.deepEqual({ ...c, packet: undefined }, {
    botId: BOT, messageId: 42, contextId: 20001, kind: 'group', senderId: 10001, targetId: 20001, groupId: 20001, time: T,
    chain: [{ type: 'Plain', text: 'hi' }], packet: undefined, self: false,
  });
  assert.equal(cachedToPacket(c, { directory: directory() }), p);
  const f = ev({ post_type: 'message', message_type: 'private', sub_type: 'friend', message_id: 7, user_id: 10001, message: [] });
  const fc = oneBotMessageToCached(f, one(f), BOT)!;
  assert.equal(fc.kind, 'friend');
  assert.equal(fc.contextId, 10001);
  assert.equal(fc.targetId, BOT);
  const s = ev({ post_type: 'message_sent', message_type: 'private', sub_type: 'friend', message_id: 51, user_id: BOT, target_id: 10001, message: [] });
  const sc = oneBotMessageToCached(s, one(s), BOT)!;
  assert.deepEqual([sc.kind, sc.contextId, sc.senderId, sc.targetId, sc.self], ['friend', 10001, BOT, 10001, true]);
  assert.equal(oneBotMessageToCached(notice({ notice_type: 'friend_add', user_id: 1 }), { type: 'FriendAddEvent' }, BOT), null);
});

test('cachedToPacket of the bot\'s own sends: GroupMessage / FriendMessage with the bot as sender, TempMessage with the target member', () => {
  const base = { botId: BOT, time: T, chain: [{ type: 'Plain', text: 'mine' }], self: true } as const;
  const g = cachedToPacket({ ...base, chain: [...base.chain], messageId: 5, contextId: 20001, kind: 'group', senderId: BOT, targetId: 20001, groupId: 20001 }, { directory: directory() });
  assert.deepEqual(g, { type: 'GroupMessage', messageChain: [{ type: 'Source', id: 5, time: T }, { type: 'Plain', text: 'mine' }], sender: BOT_MEMBER });
  const f = cachedToPacket({ ...base, chain: [...base.chain], messageId: 6, contextId: 10001, kind: 'friend', senderId: BOT, targetId: 10001, groupId: 0 }, { directory: directory() });
  assert.equal(f.type, 'FriendMessage');
  assert.deepEqual(f.sender, { id: BOT, nickname: 'MahBot', remark: '' });
  const t = cachedToPacket({ ...base, chain: [...base.chain], messageId: 7, contextId: 10002, kind: 'temp', senderId: BOT, targetId: 10002, groupId: 20001 }, { directory: directory() });
  assert.equal(t.type, 'TempMessage');
  assert.deepEqual(t.sender, BOB);
});

// ---------------------------------------------------------------- notices

test('group_recall → GroupRecallEvent (operator null when the bot recalled); friend_recall → FriendRecallEvent', () => {
  const r = one(notice({ notice_type: 'group_recall', group_id: 20001, user_id: 10002, operator_id: 10001, message_id: 42 }));
  assert.deepEqual(r, { type: 'GroupRecallEvent', authorId: 10002, messageId: 42, time: T, group: LOBBY, operator: ALICE });
  assert.equal(one(notice({ notice_type: 'group_recall', group_id: 20001, user_id: 10002, operator_id: BOT, message_id: 42 })).operator, null);
  assert.deepEqual(one(notice({ notice_type: 'friend_recall', user_id: 10001, message_id: 7 })),
    { type: 'FriendRecallEvent', authorId: 10001, messageId: 7, time: T, operator: 10001 });
});

test('poke → NudgeEvent with a kind-tagged subject; action and suffix from the event or defaults', () => {
  assert.deepEqual(one(notice({ notice_type: 'notify', sub_type: 'poke', group_id: 20001, user_id: 10001, target_id: BOT })), {
    type: 'NudgeEvent', fromId: 10001, target: BOT, subject: { kind: 'Group', id: 20001, name: 'Sandbox Lobby', permission: 'OWNER' }, action: '戳了戳', suffix: '',
  });
  const f = one(notice({ notice_type: 'notify', sub_type: 'poke', user_id: 10001, sender_id: 10001, target_id: BOT, action: '拍了拍', suffix: '的头' }));
  assert.deepEqual(f.subject, { kind: 'Friend', id: 10001, nickname: 'Alice', remark: 'alice' });
  assert.deepEqual([f.action, f.suffix], ['拍了拍', '的头']);
  const s = one(notice({ notice_type: 'notify', sub_type: 'poke', user_id: BOT, target_id: 10004 }));
  assert.deepEqual(s.subject, { kind: 'Stranger', id: 10004, nickname: '', remark: '' });
});

test('group_increase → MemberJoinEvent or BotJoinGroupEvent (invitor when invited)', () => {
  assert.deepEqual(one(notice({ notice_type: 'group_increase', sub_type: 'approve', group_id: 20001, user_id: 10002, operator_id: 10001 })),
    { type: 'MemberJoinEvent', member: BOB, invitor: null });
  assert.deepEqual(one(notice({ notice_type: 'group_increase', sub_type: 'invite', group_id: 20001, user_id: 10002, operator_id: 10001 })),
    { type: 'MemberJoinEvent', member: BOB, invitor: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_increase', sub_type: 'invite', group_id: 20001, user_id: BOT, operator_id: 10001 })),
    { type: 'BotJoinGroupEvent', group: LOBBY, invitor: ALICE });
});

test('group_decrease → MemberLeaveEventQuit / MemberLeaveEventKick / BotLeaveEventKick / BotLeaveEventActive; group_dismiss → BotLeaveEventDisband', () => {
  assert.deepEqual(one(notice({ notice_type: 'group_decrease', sub_type: 'leave', group_id: 20001, user_id: 10002, operator_id: 10002 })),
    { type: 'MemberLeaveEventQuit', member: BOB });
  assert.deepEqual(one(notice({ notice_type: 'group_decrease', sub_type: 'kick', group_id: 20001, user_id: 10002, operator_id: 10001 })),
    { type: 'MemberLeaveEventKick', member: BOB, operator: ALICE });
  assert.equal(one(notice({ notice_type: 'group_decrease', sub_type: 'kick', group_id: 20001, user_id: 10002, operator_id: BOT })).operator, null);
  assert.deepEqual(one(notice({ notice_type: 'group_decrease', sub_type: 'kick_me', group_id: 20001, user_id: BOT, operator_id: 10001 })),
    { type: 'BotLeaveEventKick', group: LOBBY, operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_decrease', sub_type: 'leave', group_id: 20001, user_id: BOT, operator_id: BOT })),
    { type: 'BotLeaveEventActive', group: LOBBY });
  assert.deepEqual(one(notice({ notice_type: 'group_dismiss', group_id: 20001, user_id: 10001 })),
    { type: 'BotLeaveEventDisband', group: LOBBY, operator: ALICE });
});

test('group_ban → Member/Bot Mute/Unmute events; user_id 0 → GroupMuteAllEvent', () => {
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'ban', group_id: 20001, user_id: 10002, operator_id: 10001, duration: 600 })),
    { type: 'MemberMuteEvent', durationSeconds: 600, member: { ...BOB, muteTimeRemaining: 600 }, operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'lift_ban', group_id: 20001, user_id: 10002, operator_id: BOT, duration: 0 })),
    { type: 'MemberUnmuteEvent', member: BOB, operator: null });
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'ban', group_id: 20001, user_id: BOT, operator_id: 10001, duration: 60 })),
    { type: 'BotMuteEvent', durationSeconds: 60, operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'lift_ban', group_id: 20001, user_id: BOT, operator_id: 10001, duration: 0 })),
    { type: 'BotUnmuteEvent', operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'ban', group_id: 20001, user_id: 0, operator_id: 10001, duration: -1 })),
    { type: 'GroupMuteAllEvent', origin: false, current: true, group: LOBBY, operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_ban', sub_type: 'lift_ban', group_id: 20001, user_id: 0, operator_id: BOT, duration: 0 })),
    { type: 'GroupMuteAllEvent', origin: true, current: false, group: LOBBY, operator: null });
});

test('group_card, notify/title, notify/honor → member change events', () => {
  assert.deepEqual(one(notice({ notice_type: 'group_card', group_id: 20001, user_id: 10002, card_new: 'Bobby', card_old: '' })),
    { type: 'MemberCardChangeEvent', origin: '', current: 'Bobby', member: { ...BOB, memberName: 'Bobby' } });
  assert.deepEqual(one(notice({ notice_type: 'notify', sub_type: 'title', group_id: 20001, user_id: 10001, title: 'Elder' })),
    { type: 'MemberSpecialTitleChangeEvent', origin: 'Veteran', current: 'Elder', member: { ...ALICE, specialTitle: 'Elder' } });
  assert.deepEqual(one(notice({ notice_type: 'notify', sub_type: 'honor', group_id: 20001, user_id: 10002, honor_type: 'talkative' })),
    { type: 'MemberHonorChangeEvent', member: BOB, action: 'achieve', honor: '龙王' });
  assert.equal(one(notice({ notice_type: 'notify', sub_type: 'honor', group_id: 20001, user_id: 10002, honor_type: 'weird' })).honor, '未知群荣誉');
});

test('group_admin → MemberPermissionChangeEvent or BotGroupPermissionChangeEvent', () => {
  assert.deepEqual(one(notice({ notice_type: 'group_admin', sub_type: 'set', group_id: 20001, user_id: 10002 })),
    { type: 'MemberPermissionChangeEvent', origin: 'MEMBER', current: 'ADMINISTRATOR', member: { ...BOB, permission: 'ADMINISTRATOR' } });
  assert.deepEqual(one(notice({ notice_type: 'group_admin', sub_type: 'unset', group_id: 20001, user_id: BOT })),
    { type: 'BotGroupPermissionChangeEvent', origin: 'ADMINISTRATOR', current: 'MEMBER', group: { ...LOBBY, permission: 'MEMBER' } });
});

test('notify/group_name and group_name_change → GroupNameChangeEvent', () => {
  assert.deepEqual(one(notice({ notice_type: 'notify', sub_type: 'group_name', group_id: 20001, user_id: 10001, name_new: 'New Lobby' })),
    { type: 'GroupNameChangeEvent', origin: 'Sandbox Lobby', current: 'New Lobby', group: { ...LOBBY, name: 'New Lobby' }, operator: ALICE });
  assert.deepEqual(one(notice({ notice_type: 'group_name_change', group_id: 20001, user_id: BOT, name: 'Mine' })),
    { type: 'GroupNameChangeEvent', origin: 'Sandbox Lobby', current: 'Mine', group: { ...LOBBY, name: 'Mine' }, operator: null });
});

test('friend_add, friend_decrease, input_status → friend events', () => {
  assert.deepEqual(one(notice({ notice_type: 'friend_add', user_id: 10001 })), { type: 'FriendAddEvent', friend: ALICE_F, stranger: false });
  assert.deepEqual(one(notice({ notice_type: 'friend_decrease', user_id: 10001 })), { type: 'FriendDeleteEvent', friend: ALICE_F });
  assert.deepEqual(one(notice({ notice_type: 'notify', sub_type: 'input_status', user_id: 10001, group_id: 0, event_type: 1, status_text: '对方正在输入' })),
    { type: 'FriendInputStatusChangedEvent', friend: ALICE_F, inputting: true });
  assert.equal(one(notice({ notice_type: 'notify', sub_type: 'input_status', user_id: 10001, event_type: 0 })).inputting, false);
});

test('bot_offline → BotOfflineEventForce or Dropped; bot_online → BotOnlineEvent and BotReloginEvent', () => {
  assert.deepEqual(one(notice({ notice_type: 'bot_offline', user_id: BOT, tag: '被踢下线', message: 'logged in elsewhere' })),
    { type: 'BotOfflineEventForce', qq: BOT, title: '被踢下线', message: 'logged in elsewhere' });
  assert.deepEqual(one(notice({ notice_type: 'bot_offline', user_id: BOT, tag: 'network lost', message: '' })), { type: 'BotOfflineEventDropped', qq: BOT });
  assert.deepEqual(oneBotEventToMirai(notice({ notice_type: 'bot_online', reason: 'relogin' }), context()),
    [{ type: 'BotOnlineEvent', qq: BOT }, { type: 'BotReloginEvent', qq: BOT }]);
});

test('notices without a MAH type produce nothing, unless extraEvents', () => {
  for (const n of [
    { notice_type: 'essence', sub_type: 'add', group_id: 20001, message_id: 1 },
    { notice_type: 'group_msg_emoji_like', group_id: 20001, message_id: 1, likes: [] },
    { notice_type: 'notify', sub_type: 'lucky_king', group_id: 20001, user_id: 1, target_id: 2 },
    { notice_type: 'group_upload', group_id: 20001, user_id: 1, file: { id: 'x', name: 'n', size: 1 } },
    { notice_type: 'constructor' },
  ]) {
    assert.deepEqual(oneBotEventToMirai(notice(n), context()), [], n.notice_type);
  }
  const x = one(notice({ notice_type: 'essence', sub_type: 'add', group_id: 20001, message_id: 1 }), context(), { extraEvents: true });
  assert.equal(x.type, 'OneBotEvent');
  assert.equal(x.detailType, 'essence');
});

test('meta events never go out', () => {
  assert.deepEqual(oneBotEventToMirai(ev({ post_type: 'meta_event', meta_event_type: 'heartbeat', status: {}, interval: 5000 }), context(), { extraEvents: true }), []);
  assert.deepEqual(oneBotEventToMirai(ev({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' }), context()), []);
});

// ---------------------------------------------------------------- requests

test('friend request → NewFriendRequestEvent with a stable eventId from the registry', () => {
  const ctx = context();
  const e = ev({ post_type: 'request', request_type: 'friend', user_id: 10004, comment: 'hi', flag: 'flag-abc', nickname: 'Dave' });
  const r = one(e, ctx);
  assert.deepEqual(Object.keys(r), ['type', 'eventId', 'message', 'fromId', 'groupId', 'nick']);
  assert.deepEqual({ ...r, eventId: 0 }, { type: 'NewFriendRequestEvent', eventId: 0, message: 'hi', fromId: 10004, groupId: 0, nick: 'Dave' });
  assert.equal(typeof r.eventId, 'number');
  assert.equal(one(e, ctx).eventId, r.eventId, 'same flag, same id');
  assert.deepEqual(ctx.requests.lookup(BOT, r.eventId as number), { flag: 'flag-abc', kind: 'friend', fromId: 10004, groupId: 0 });
});

test('group add → MemberJoinRequestEvent; group invite → BotInvitedJoinGroupRequestEvent (message always "")', () => {
  const ctx = context();
  const j = one(ev({ post_type: 'request', request_type: 'group', sub_type: 'add', group_id: 20001, user_id: 10004, comment: 'let me in', flag: '1700000123456', invitor_id: 10001 }), ctx);
  assert.deepEqual(j, { type: 'MemberJoinRequestEvent', eventId: 1700000123456, message: 'let me in', fromId: 10004, groupId: 20001, groupName: 'Sandbox Lobby', nick: '', invitorId: 10001 });
  const j2 = one(ev({ post_type: 'request', request_type: 'group', sub_type: 'add', group_id: 20001, user_id: 10004, comment: '', flag: 'f2' }), ctx);
  assert.equal(j2.invitorId, null);
  const i = one(ev({ post_type: 'request', request_type: 'group', sub_type: 'invite', group_id: 20009, group_name: 'Far', user_id: 10001, comment: 'join us', flag: 'inv' }), ctx);
  assert.deepEqual({ ...i, eventId: 0 }, { type: 'BotInvitedJoinGroupRequestEvent', eventId: 0, message: '', fromId: 10001, groupId: 20009, groupName: 'Far', nick: 'Alice' });
  assert.equal(ctx.requests.lookup(BOT, i.eventId as number)?.kind, 'invite');
});

test('the request registry keeps ids per bot, avoids collisions and is bounded', () => {
  const reg = createRequestRegistry({ capacity: 2 });
  const req = (flag: string) => ({ flag, kind: 'friend' as const, fromId: 1, groupId: 0 });
  const a = reg.idFor(1, req('5'));
  assert.equal(a, 5, 'a numeric flag is its own id');
  const b = reg.idFor(1, req('x'));
  assert.notEqual(b, a);
  assert.equal(reg.idFor(2, req('x')), reg.idFor(2, req('x')));
  assert.equal(reg.lookup(1, a), undefined, 'oldest evicted past capacity');
  assert.equal(reg.lookup(2, reg.idFor(2, req('x')))?.flag, 'x');
  assert.equal(reg.stats().evicted, 1);
  const huge = reg.idFor(3, req('99999999999999999999'));
  assert.ok(Number.isSafeInteger(huge) && huge > 0, 'a flag past 2^53 gets an allocated id');
});

test('a group message sender overrides a stale directory card, role and title', () => {
  const p = one(ev({
    post_type: 'message', message_type: 'group', message_id: 44, group_id: 20001, user_id: 10002,
    message: [{ type: 'text', data: { text: 'x' } }], sender: { user_id: 10002, nickname: 'Bob', card: 'Bobby', role: 'admin', title: 'New' },
  }));
  assert.deepEqual(p.sender, { ...BOB, memberName: 'Bobby', permission: 'ADMINISTRATOR', specialTitle: 'New' });
});

test('hostile or malformed events translate to nothing instead of throwing', () => {
  for (const e of [
    ev({ post_type: 'message', message_type: 'group', message_id: 1, user_id: 1, message: [] }), // no group
    ev({ post_type: 'message', message_type: 'discuss', message_id: 1, user_id: 1, message: [] }),
    ev({ post_type: 'request', request_type: 'constructor' }),
    ev({ post_type: 'bogus' as never }),
    null as unknown as OneBotEvent,
  ]) {
    assert.deepEqual(oneBotEventToMirai(e, context()), []);
  }
  const odd = one(ev({ post_type: 'message', message_type: 'private', sub_type: 'friend', message_id: 'x', user_id: '10001', message: [null, 5, { type: 'text' }] }));
  assert.deepEqual(odd.messageChain, [{ type: 'Source', id: 0, time: T }, { type: 'Plain', text: '' }]);
});

test('a message given as a CQ string is parsed like segments', () => {
  const p = one(ev({ post_type: 'message', message_type: 'private', sub_type: 'friend', message_id: 70, user_id: 10001, message: 'a[CQ:face,id=14]&#91;b&#93;' }));
  assert.deepEqual(p.messageChain, [
    { type: 'Source', id: 70, time: T }, { type: 'Plain', text: 'a' }, { type: 'Face', faceId: 14, name: '微笑', isSuperFace: false }, { type: 'Plain', text: '[b]' },
  ]);
});
