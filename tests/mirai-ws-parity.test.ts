/**
 * Every mirai command served over WS gives the same `data` over WS as over HTTP.
 * Two identical bridges play the same script, one over HTTP and one over WS, so commands that
 * change the world (send, recall, kick, quit…) are compared too; only values that legitimately
 * differ (times, session keys) are normalised.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../src/app';
import type { CommandSpec } from '../src/mirai/types';
import { FrameClient, httpSession, json, play, until } from './helpers';

const BOT = 10000;
const KEY = 'parity-key';
const G = 20001;
const chain = (text: string) => [{ type: 'Plain', text }];

/** What a side remembers between commands (ids its own sends got). */
interface Memo { groupMessageId?: number; requests: Record<string, { eventId: number; fromId: number; groupId: number }> }
type Sample = Record<string, unknown> | ((m: Memo) => Record<string, unknown>);

/** The script, in order: reads first, then sends and what refers to them, then changes, then removals. */
const SAMPLES: [string, Sample][] = [
  ['about', {}],
  ['botList', {}],
  ['sessionInfo', {}],
  ['friendList', {}],
  ['groupList', {}],
  ['botProfile', {}],
  ['memberList', { target: G }],
  ['latestMemberList', { target: G, memberIds: [10001, 10002] }],
  ['friendProfile', { target: 10001 }],
  ['memberProfile', { target: G, memberId: 10001 }],
  ['userProfile', { target: 10004 }],
  ['groupConfig:get', { target: G }],
  ['memberInfo:get', { target: G, memberId: 10002 }],
  ['sendFriendMessage', { target: 10001, messageChain: chain('hello friend') }],
  ['sendGroupMessage', { target: G, messageChain: [...chain('hello group '), { type: 'At', target: 10001, display: '' }] }],
  ['sendTempMessage', { qq: 10004, group: G, messageChain: chain('psst') }],
  ['sendOtherClientMessage', { target: 1, messageChain: chain('other') }],
  ['sendImageMessage', { target: 10001, urls: ['https://sandbox.invalid/a.png'] }],
  ['sendNudge', { target: 10001, subject: 10001, kind: 'Friend' }],
  ['messageFromId', (m) => ({ target: G, messageId: m.groupMessageId })],
  ['setEssence', (m) => ({ target: G, messageId: m.groupMessageId })],
  ['recall', (m) => ({ target: G, messageId: m.groupMessageId })],
  ['roamingMessages', { timeStart: 0, timeEnd: 4_102_444_800, target: 10001 }],
  ['file_list', { target: G, id: '' }],
  ['file_info', { target: G, id: '/file-readme' }],
  ['file_mkdir', { target: G, id: '', directoryName: 'made' }],
  ['file_rename', { target: G, id: '/file-readme', renameTo: 'readme2.txt' }],
  ['file_move', { target: G, id: '/file-readme', moveTo: '/folder-docs' }],
  ['file_delete', { target: G, id: '/file-guide' }],
  ['anno_list', { id: G }],
  ['anno_publish', { target: G, content: 'notice from the parity test' }],
  ['anno_delete', { id: G, fid: 'notice-1' }],
  ['cmd_register', { name: 'ping', alias: ['p'], usage: '/ping', description: 'answers pong' }],
  ['cmd_execute', { command: chain('/ping') }],
  ['groupConfig:update', { target: G, config: { name: 'Renamed Lobby' } }],
  ['memberInfo:update', { target: G, memberId: 10002, info: { name: 'Bobby', specialTitle: 'tester' } }],
  ['memberAdmin', { target: G, memberId: 10002, assign: true }],
  ['mute', { target: G, memberId: 10004, time: 60 }],
  ['unmute', { target: G, memberId: 10004 }],
  ['muteAll', { target: G }],
  ['unmuteAll', { target: G }],
  ['resp_newFriendRequestEvent', (m) => ({ ...m.requests.NewFriendRequestEvent, operate: 0, message: '' })],
  ['resp_memberJoinRequestEvent', (m) => ({ ...m.requests.MemberJoinRequestEvent, operate: 1, message: 'no' })],
  ['resp_botInvitedJoinGroupRequestEvent', (m) => ({ ...m.requests.BotInvitedJoinGroupRequestEvent, operate: 0, message: '' })],
  ['kick', { target: G, memberId: 10004, msg: '' }],
  ['deleteFriend', { target: 10003 }],
  ['quit', { target: 20003 }],
];

const keyOf = (c: CommandSpec) => (c.subCommand ? `${c.name}:${c.subCommand}` : c.name);
const TIME_KEYS = new Set(['time', 'timestamp', 'uploadTime', 'lastModifyTime', 'publicationTime', 'createTime', 'lastSpeakTimestamp']);
const KEY_KEYS = new Set(['sessionKey', 'session']);
/** Ids drawn at random (new folders, announcements, image ids `{UUID}.jpg`). */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const RANDOM_ID = new RegExp(`^/?${UUID}$|^\\{${UUID}\\}\\.\\w+$|^[0-9a-f]{32}$`, 'i');

/** Replace what may differ between two runs of the same script: clock readings, session keys, random ids. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (typeof v === 'string' && RANDOM_ID.test(v)) return '<random>';
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, TIME_KEYS.has(k) && typeof x === 'number' ? '<time>' : KEY_KEYS.has(k) ? '<key>' : normalise(x)]));
}

function query(content: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(content)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, typeof x === 'object' ? JSON.stringify(x) : String(x));
  const s = q.toString();
  return s ? `?${s}` : '';
}

let viaHttp: Bridge;
let viaWs: Bridge;
let httpKey: string;
let wsKey: string;
let client: FrameClient;

/** People ask things of the bot; the three request events are read from the session's queue. */
async function pendingRequests(b: Bridge, key: string): Promise<Memo['requests']> {
  await play(b, 'friend_request', { user_id: 10005, comment: 'add me' });
  await play(b, 'join_request', { group_id: G, user_id: 10005, comment: 'let me in' });
  await play(b, 'group_invite', { group_id: 20009, user_id: 10001 });
  const found: Memo['requests'] = {};
  const api = `http://127.0.0.1:${b.ports.mirai}`;
  await until(async () => {
    const got = await json(await fetch(`${api}/fetchMessage?count=10`, { headers: { sessionKey: key } }));
    for (const ev of got.data as { type: string; eventId: number; fromId: number; groupId: number }[]) {
      if (ev.type.endsWith('RequestEvent')) found[ev.type] = { eventId: ev.eventId, fromId: ev.fromId, groupId: ev.groupId };
    }
    return Object.keys(found).length === 3;
  }, 'the three request events');
  return found;
}

/** A session opened as mirai-js does: HTTP verify + bind (so both sides have an unread queue). */
const boundSession = (b: Bridge) => httpSession(`http://127.0.0.1:${b.ports.mirai}`, KEY, BOT);

const options = { onebot: { port: 0 }, mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' as const };

before(async () => {
  [viaHttp, viaWs] = await Promise.all([startBridge(options), startBridge(options)]);
  [httpKey, wsKey] = await Promise.all([boundSession(viaHttp), boundSession(viaWs)]);
  client = await FrameClient.open(`ws://127.0.0.1:${viaWs.ports.mirai}/all?verifyKey=${KEY}&sessionKey=${wsKey}`);
  await client.handshake();
});
after(async () => {
  client?.terminate();
  await Promise.all([viaHttp?.stop(), viaWs?.stop()]);
});

test('every command served over WS gives the same data over WS as over HTTP', async () => {
  const served = viaWs.mirai!.commands.filter((c) => c.ws !== false && c.http && !c.http.multipart);
  assert.ok(served.length > 0, 'the command table serves something over WS');
  const known = new Set(served.map(keyOf));
  assert.deepEqual(SAMPLES.map(([k]) => k).filter((k) => !known.has(k)), [], 'every sample names a command served over WS');
  const order = new Map(SAMPLES.map(([k], i) => [k, i]));
  served.sort((a, b) => (order.get(keyOf(a)) ?? 1e9) - (order.get(keyOf(b)) ?? 1e9));
  const samples = new Map(SAMPLES);
  const memo: { http: Memo; ws: Memo } = {
    http: { requests: await pendingRequests(viaHttp, httpKey) },
    ws: { requests: await pendingRequests(viaWs, wsKey) },
  };
  const api = `http://127.0.0.1:${viaHttp.ports.mirai}`;
  const mismatches: string[] = [];
  let syncId = 0;

  for (const cmd of served) {
    const sample = samples.get(keyOf(cmd)) ?? {};
    const contentFor = (m: Memo) => (typeof sample === 'function' ? sample(m) : sample);
    const httpContent = contentFor(memo.http);
    const wsContent = contentFor(memo.ws);

    const { method, path } = cmd.http!;
    const res = method === 'GET'
      ? await fetch(api + path + query(httpContent), { headers: { sessionKey: httpKey } })
      : await fetch(api + path, { method: 'POST', headers: { 'Content-Type': 'application/json', sessionKey: httpKey }, body: JSON.stringify(httpContent) });
    assert.equal(res.status, 200, `${method} ${path} answers HTTP 200`);
    const overHttp = await json(res);
    const overWs = (await client.command(String(++syncId), cmd.name, wsContent, cmd.subCommand)).data;

    for (const [side, data] of [['http', overHttp], ['ws', overWs]] as const) {
      if (cmd.name === 'sendGroupMessage' && typeof data?.messageId === 'number') memo[side].groupMessageId = data.messageId;
    }
    try {
      assert.deepEqual(normalise(overWs), normalise(overHttp));
    } catch {
      mismatches.push(`${keyOf(cmd)}: http ${JSON.stringify(overHttp)} ≠ ws ${JSON.stringify(overWs)}`);
    }
  }
  assert.deepEqual(mismatches, []);
  // The script really exercised the world: the sends worked on both sides.
  if (served.some((c) => c.name === 'sendGroupMessage')) {
    assert.equal(typeof memo.http.groupMessageId, 'number');
    assert.equal(memo.http.groupMessageId, memo.ws.groupMessageId);
  }
});
