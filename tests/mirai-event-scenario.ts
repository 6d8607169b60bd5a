/**
 * Everything the sandbox account can live through, in one ordered script: each step plays the other
 * people (`POST /sandbox/<op>` on the OneBot port) or calls a mirai command, and names the mirai events
 * a client must see pushed for it, in order. Used by the client-compatibility and event-shape tests.
 */
import assert from 'node:assert/strict';
import { ALICE, BOB, CAROL, DAVE, LOBBY, CHATTER, QUIET, SELF, type FrameClient, type Json, type Mirai } from './helpers';

/** Every event type MAH 2.10 emits (digest §7.1–7.8); anything else breaks Ariadne's event loop. */
export const MAH_EVENT_TYPES: ReadonlySet<string> = new Set([
  'FriendMessage', 'GroupMessage', 'TempMessage', 'StrangerMessage', 'OtherClientMessage',
  'FriendSyncMessage', 'GroupSyncMessage', 'TempSyncMessage', 'StrangerSyncMessage',
  'BotOnlineEvent', 'BotOfflineEventActive', 'BotOfflineEventForce', 'BotOfflineEventDropped', 'BotReloginEvent',
  'FriendInputStatusChangedEvent', 'FriendNickChangedEvent', 'FriendAddEvent', 'FriendDeleteEvent', 'FriendRecallEvent',
  'BotGroupPermissionChangeEvent', 'BotMuteEvent', 'BotUnmuteEvent', 'BotJoinGroupEvent', 'BotLeaveEventActive',
  'BotLeaveEventKick', 'BotLeaveEventDisband', 'GroupRecallEvent', 'NudgeEvent', 'GroupNameChangeEvent',
  'GroupMuteAllEvent', 'GroupAllowAnonymousChatEvent', 'GroupAllowConfessTalkEvent', 'GroupAllowMemberInviteEvent',
  'MemberJoinEvent', 'MemberLeaveEventKick', 'MemberLeaveEventQuit', 'MemberCardChangeEvent', 'MemberSpecialTitleChangeEvent',
  'MemberPermissionChangeEvent', 'MemberMuteEvent', 'MemberUnmuteEvent', 'MemberHonorChangeEvent',
  'NewFriendRequestEvent', 'MemberJoinRequestEvent', 'BotInvitedJoinGroupRequestEvent',
  'OtherClientOnlineEvent', 'OtherClientOfflineEvent', 'CommandExecutedEvent',
]);

/** What earlier steps produced: sandbox answers and pushed events, by step name. */
export interface ScenarioState { results: Record<string, Json>; events: Record<string, Json[]> }

export interface Step {
  name: string;
  /** A sandbox control op and its body (a function of the state for ids made earlier). */
  op?: string;
  body?: Record<string, unknown> | ((st: ScenarioState) => Record<string, unknown>);
  /** Or a mirai command over HTTP, on the test's bound session. */
  mirai?: (m: Mirai, st: ScenarioState) => Promise<void>;
  /** The event types pushed for this step, in order ([] = none: the OneBot event has no MAH type). */
  expect: string[];
}

const PNG_B64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]).toString('base64');
const NEWCOMER = 30001;
const INVITEE = 30002;
const APPLICANT = 30003;
const REQUESTER = 30004;
const NEW_FRIEND = 30005;
const INVITED_GROUP = 29999;

const okCommand = async (m: Mirai, path: string, body: Json) => assert.equal((await m.post(path, body)).code, 0, path);

export const SCENARIO: Step[] = [
  {
    name: 'group message', op: 'message', expect: ['GroupMessage'],
    body: { user_id: ALICE, group_id: LOBBY, message: [
      { type: 'text', data: { text: 'hi ' } }, { type: 'at', data: { qq: BOB } }, { type: 'at', data: { qq: 'all' } },
      { type: 'face', data: { id: 14 } }, { type: 'image', data: { file: `base64://${PNG_B64}` } }, { type: 'dice', data: { result: 4 } },
    ] },
  },
  { name: 'friend message', op: 'message', body: { user_id: ALICE, message: 'hello [CQ:face,id=76]' }, expect: ['FriendMessage'] },
  { name: 'quoting message', op: 'message', body: (st) => ({ user_id: BOB, group_id: LOBBY, message: `[CQ:reply,id=${st.results['group message'].message_id}]agreed` }), expect: ['GroupMessage'] },
  { name: 'temp message', op: 'message', body: { user_id: DAVE, group_id: LOBBY, temp: true, message: 'psst' }, expect: ['TempMessage'] },
  { name: 'group sync', op: 'self_message', body: { group_id: LOBBY, message: 'from my phone' }, expect: ['GroupSyncMessage'] },
  { name: 'friend sync', op: 'self_message', body: { user_id: ALICE, message: 'from my phone' }, expect: ['FriendSyncMessage'] },
  { name: 'temp sync', op: 'self_message', body: { user_id: DAVE, group_id: LOBBY, message: 'from my phone' }, expect: ['TempSyncMessage'] },
  { name: 'group recall', op: 'recall', body: (st) => ({ message_id: st.results['group message'].message_id }), expect: ['GroupRecallEvent'] },
  { name: 'friend recall', op: 'recall', body: (st) => ({ message_id: st.results['friend message'].message_id }), expect: ['FriendRecallEvent'] },
  { name: 'group poke', op: 'poke', body: { user_id: ALICE, group_id: LOBBY }, expect: ['NudgeEvent'] },
  { name: 'friend poke', op: 'poke', body: { user_id: ALICE }, expect: ['NudgeEvent'] },
  { name: 'reaction', op: 'reaction', body: (st) => ({ group_id: LOBBY, message_id: st.results['quoting message'].message_id, user_id: DAVE, emoji_id: '76' }), expect: [] },
  { name: 'member joins', op: 'member_join', body: { group_id: LOBBY, user_id: NEWCOMER, nickname: 'Newcomer' }, expect: ['MemberJoinEvent'] },
  { name: 'member invited', op: 'member_join', body: { group_id: LOBBY, user_id: INVITEE, sub_type: 'invite', operator_id: ALICE, nickname: 'Invitee' }, expect: ['MemberJoinEvent'] },
  { name: 'member quits', op: 'member_leave', body: { group_id: LOBBY, user_id: NEWCOMER }, expect: ['MemberLeaveEventQuit'] },
  { name: 'member kicked', op: 'member_kick', body: { group_id: LOBBY, user_id: INVITEE, operator_id: ALICE }, expect: ['MemberLeaveEventKick'] },
  { name: 'member muted', op: 'member_mute', body: { group_id: LOBBY, user_id: DAVE, duration: 600 }, expect: ['MemberMuteEvent'] },
  { name: 'member unmuted', op: 'member_mute', body: { group_id: LOBBY, user_id: DAVE, duration: 0 }, expect: ['MemberUnmuteEvent'] },
  { name: 'bot muted', op: 'member_mute', body: { group_id: CHATTER, user_id: SELF, duration: 60, operator_id: BOB }, expect: ['BotMuteEvent'] },
  { name: 'bot unmuted', op: 'member_mute', body: { group_id: CHATTER, user_id: SELF, duration: 0, operator_id: BOB }, expect: ['BotUnmuteEvent'] },
  { name: 'mute all', op: 'whole_ban', body: { group_id: LOBBY, enable: true, operator_id: ALICE }, expect: ['GroupMuteAllEvent'] },
  { name: 'unmute all', op: 'whole_ban', body: { group_id: LOBBY, enable: false }, expect: ['GroupMuteAllEvent'] },
  { name: 'card change', op: 'member_card', body: { group_id: LOBBY, user_id: DAVE, card: 'Dave the Brave' }, expect: ['MemberCardChangeEvent'] },
  { name: 'member promoted', op: 'member_admin', body: { group_id: LOBBY, user_id: DAVE, enable: true }, expect: ['MemberPermissionChangeEvent'] },
  { name: 'title change', op: 'member_title', body: { group_id: LOBBY, user_id: DAVE, title: 'Hero' }, expect: ['MemberSpecialTitleChangeEvent'] },
  { name: 'honor', op: 'member_honor', body: { group_id: LOBBY, user_id: DAVE, honor_type: 'talkative' }, expect: ['MemberHonorChangeEvent'] },
  { name: 'group renamed', op: 'group_name', body: { group_id: LOBBY, name: 'Renamed Lobby', operator_id: ALICE }, expect: ['GroupNameChangeEvent'] },
  { name: 'join request', op: 'join_request', body: { group_id: LOBBY, user_id: APPLICANT, nickname: 'Applicant', comment: 'let me in' }, expect: ['MemberJoinRequestEvent'] },
  { name: 'group invite', op: 'group_invite', body: { group_id: INVITED_GROUP, user_id: ALICE, group_name: 'Invited Group' }, expect: ['BotInvitedJoinGroupRequestEvent'] },
  {
    name: 'invite accepted', expect: ['BotJoinGroupEvent'],
    mirai: async (m, st) => {
      const e = st.events['group invite'][0];
      await okCommand(m, '/resp/botInvitedJoinGroupRequestEvent', { eventId: e.eventId, fromId: e.fromId, groupId: e.groupId, operate: 0, message: '' });
    },
  },
  { name: 'group file upload', op: 'group_upload', body: { group_id: LOBBY, user_id: ALICE, name: 'minutes.txt', size: 10 }, expect: [] },
  { name: 'friend request', op: 'friend_request', body: { user_id: REQUESTER, nickname: 'Requester', comment: 'be my friend' }, expect: ['NewFriendRequestEvent'] },
  { name: 'friend added', op: 'friend_add', body: { user_id: NEW_FRIEND, nickname: 'Newfriend' }, expect: ['FriendAddEvent'] },
  { name: 'friend deleted', op: 'friend_delete', body: { user_id: CAROL }, expect: ['FriendDeleteEvent'] },
  { name: 'typing', op: 'input_status', body: { user_id: ALICE, event_type: 1 }, expect: ['FriendInputStatusChangedEvent'] },
  { name: 'profile like', op: 'profile_like', body: { user_id: ALICE }, expect: [] },
  { name: 'kicked offline', op: 'bot_offline', body: { tag: 'kicked', message: 'logged in elsewhere' }, expect: ['BotOfflineEventForce'] },
  { name: 'back online', op: 'bot_online', body: {}, expect: ['BotOnlineEvent', 'BotReloginEvent'] },
  { name: 'network drop', op: 'bot_offline', body: { tag: 'network error' }, expect: ['BotOfflineEventDropped'] },
  { name: 'online again', op: 'bot_online', body: {}, expect: ['BotOnlineEvent', 'BotReloginEvent'] },
  { name: 'bot demoted', op: 'member_admin', body: { group_id: CHATTER, user_id: SELF, enable: false }, expect: ['BotGroupPermissionChangeEvent'] },
  { name: 'bot quits', mirai: (m) => okCommand(m, '/quit', { target: QUIET }), expect: ['BotLeaveEventActive'] },
  { name: 'bot kicked', op: 'member_kick', body: { group_id: CHATTER, user_id: SELF, operator_id: BOB }, expect: ['BotLeaveEventKick'] },
  {
    name: 'console command', expect: ['CommandExecutedEvent'],
    mirai: async (m) => {
      await okCommand(m, '/cmd/register', { name: 'hello', alias: ['hi'], usage: '/hello', description: 'greets' });
      await okCommand(m, '/cmd/execute', { command: [{ type: 'Plain', text: '/hello there' }] });
    },
  },
  { name: 'chat command', op: 'message', body: { user_id: ALICE, message: '/hi world' }, expect: ['FriendMessage', 'CommandExecutedEvent'] },
  // A last message: any stray event from the steps before would show up ahead of it.
  { name: 'marker', op: 'message', body: { user_id: BOB, message: 'the end' }, expect: ['FriendMessage'] },
];

async function sandbox(m: Mirai, op: string, body: Record<string, unknown>): Promise<Json> {
  return m.sandbox(op, body);
}

/** Wait (bounded) until `c` holds at least `n` pushed frames after index `from`. */
async function pushesAfter(c: FrameClient, from: number, n: number): Promise<Json[]> {
  for (let i = 0; i < 500; i++) {
    const got = c.frames.slice(from).filter((f) => f.syncId === '-1');
    if (got.length >= n) return got.map((f) => f.data as Json);
    await new Promise((r) => setTimeout(r, 10));
  }
  return c.frames.slice(from).filter((f) => f.syncId === '-1').map((f) => f.data as Json);
}

/**
 * Play the steps in order against a bridge (`m`, with a bound HTTP session) while `c` (a WS `/all`
 * socket of the same bot) records pushes. Each step's pushes must be exactly its expected types.
 * Returns every step with its events.
 */
export async function playScenario(m: Mirai, c: FrameClient, steps: Step[]): Promise<{ step: Step; events: Json[] }[]> {
  const st: ScenarioState = { results: {}, events: {} };
  const out: { step: Step; events: Json[] }[] = [];
  for (const step of steps) {
    const from = c.frames.length;
    if (step.op) st.results[step.name] = await sandbox(m, step.op, typeof step.body === 'function' ? step.body(st) : (step.body ?? {}));
    else if (step.mirai) await step.mirai(m, st);
    const events = await pushesAfter(c, from, step.expect.length);
    assert.deepEqual(events.map((e) => e.type), step.expect, `step "${step.name}"`);
    st.events[step.name] = events;
    out.push({ step, events });
  }
  return out;
}
