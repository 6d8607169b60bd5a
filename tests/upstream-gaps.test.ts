/**
 * Upstream backend, over the real wire of a bridge in upstream mode: dialect results the other
 * upstream tests leave out (Lagrange's get_group_requests, camelCase friend categories, null request
 * lists), events with hostile notice names, and a dead or silent upstream failing calls within the
 * timeout with retcode 1500 on the OneBot face and code 500 on the mirai face.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import type { UpstreamBackend } from '../src/backends/upstream';
import { loadFixture, startFakeUpstream, type FakeUpstream } from './conformance/fake-upstream';
import { until, within } from './helpers';

const SELF = 10000;
const TIMEOUT_MS = 1500;
const open: { stop(): Promise<void> }[] = [];
after(async () => {
  for (const x of open.reverse()) await x.stop();
});

async function fake(dialect: string): Promise<FakeUpstream> {
  const f = await startFakeUpstream({ fixture: loadFixture(dialect), selfId: SELF, heartbeatMs: 0 });
  open.push({ stop: () => f.close() });
  return f;
}

/** Enough of an account for the mirai face to find group 20001 and friend 10001. */
const CONTACTS: Record<string, unknown> = {
  get_group_list: [{ group_id: 20001, group_name: 'Lobby', member_count: 2, max_member_count: 200 }],
  get_group_info: { group_id: 20001, group_name: 'Lobby', member_count: 2, max_member_count: 200 },
  get_group_member_list: [
    { group_id: 20001, user_id: SELF, nickname: 'MahBot', card: '', role: 'owner' },
    { group_id: 20001, user_id: 10001, nickname: 'Alice', card: '', role: 'member' },
  ],
  get_group_member_info: { group_id: 20001, user_id: SELF, nickname: 'MahBot', card: '', role: 'owner' },
  get_friend_list: [{ user_id: 10001, nickname: 'Alice', remark: '' }],
};
const contacts = (action: string) => (action in CONTACTS ? { data: CONTACTS[action] } : undefined);

async function hopTo(upstream: FakeUpstream, mirai = false): Promise<Bridge> {
  const hop = await startBridge({
    logLevel: 'silent',
    backend: 'onebot',
    upstream: { url: upstream.url, timeoutMs: TIMEOUT_MS, reconnect: { minMs: 20, maxMs: 200 }, listen: { host: '127.0.0.1', port: 0, path: '/onebot' } },
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } },
    mirai: mirai ? { verifyKey: 'k', adapterSettings: { http: { port: 0 } } } : { adapters: [] },
  });
  open.push(hop);
  await (hop.backend as UpstreamBackend).whenReady();
  return hop;
}

/** One OneBot HTTP call; a hang fails the test instead of stalling it. */
async function onebot(hop: Bridge, action: string, params: unknown = {}): Promise<{ status: number; env: any }> {
  const res = await fetch(`http://127.0.0.1:${hop.ports.onebot}/${action}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params), signal: AbortSignal.timeout(20 * TIMEOUT_MS),
  });
  return { status: res.status, env: await res.json() };
}

async function mirai(hop: Bridge, path: string, body: unknown): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${hop.ports.mirai}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(20 * TIMEOUT_MS),
  });
  assert.equal(res.status, 200);
  return res.json();
}

describe('dialect results', () => {
  test('Lagrange: get_group_system_msg goes out as get_group_requests and its request list becomes the two lists', async () => {
    const up = await fake('lagrange');
    up.handler = (action) =>
      action === 'get_group_requests'
        ? {
            data: [
              { time: 1, self_id: SELF, post_type: 'request', request_type: 'group', sub_type: 'add', user_id: 30001, group_id: 20001, invitor_id: 0, comment: 'let me in', flag: '11-20001-1-0' },
              { time: 2, self_id: SELF, post_type: 'request', request_type: 'group', sub_type: 'invite', user_id: SELF, group_id: 20009, invitor_id: 30002, comment: null, flag: '12-20009-2-0' },
            ],
          }
        : undefined;
    const hop = await hopTo(up);
    const { env } = await onebot(hop, 'get_group_system_msg');
    assert.equal(env.retcode, 0, JSON.stringify(env));
    assert.deepEqual(env.data, {
      join_requests: [{ request_id: '11-20001-1-0', flag: '11-20001-1-0', requester_uin: 30001, requester_nick: '', message: 'let me in', group_id: 20001, group_name: '', checked: false, actor: 0 }],
      invited_requests: [{ request_id: '12-20009-2-0', flag: '12-20009-2-0', invitor_uin: 30002, invitor_nick: '', group_id: 20009, group_name: '', checked: false, actor: 0 }],
    });
    assert.deepEqual(up.calls.filter((c) => /group_(requests|system_msg)/.test(c.action)).map((c) => c.action), ['get_group_requests']);
    const caps = (hop.backend as UpstreamBackend).capabilities()[0];
    assert.deepEqual(caps.actions.get_group_system_msg, { supported: true, as: 'get_group_requests' });
  });

  test('go-cqhttp-style null request lists become empty lists', async () => {
    const up = await fake('napcat');
    up.handler = (action) => (action === 'get_group_system_msg' ? { data: { invited_requests: null, join_requests: null } } : undefined);
    const hop = await hopTo(up);
    const { env } = await onebot(hop, 'get_group_system_msg');
    assert.deepEqual(env.data, { invited_requests: [], join_requests: [] });
  });

  test('get_friends_with_category: a camelCase (NapCat) and a snake_case (icqq) answer both come out with both key sets, sorted by id', async () => {
    const napcat = await fake('napcat');
    napcat.handler = (action) =>
      action === 'get_friends_with_category'
        ? {
            data: [
              { categoryId: 2, categorySortId: 2, categoryName: 'Work', categoryMbCount: 1, onlineCount: 0, buddyList: [{ user_id: '10003', nickname: 'Carol', remark: 'c', sex: 'female', age: 27 }] },
              { categoryId: 0, categorySortId: 0, categoryName: 'Mine', categoryMbCount: 0, onlineCount: 0, buddyList: [] },
            ],
          }
        : undefined;
    // icqq's snake_case answer, served by a dialect that lists no actions (icqq's fixture list lacks this one).
    const icqq = await fake('llonebot');
    icqq.handler = (action) =>
      action === 'get_friends_with_category'
        ? { data: [{ category_id: 0, category_name: 'Mine', friends: [] }, { category_id: 2, category_name: 'Work', friends: [{ user_id: 10003, nickname: 'Carol', remark: 'c' }] }] }
        : undefined;
    for (const up of [napcat, icqq]) {
      const hop = await hopTo(up);
      const { env } = await onebot(hop, 'get_friends_with_category');
      assert.equal(env.retcode, 0, JSON.stringify(env));
      const [mine, work] = env.data;
      assert.equal(mine.category_id, 0);
      assert.equal(mine.categoryId, 0);
      assert.deepEqual(mine.friends, []);
      assert.deepEqual(mine.buddyList, []);
      assert.equal(work.category_name, 'Work');
      assert.equal(work.categoryName, 'Work');
      assert.equal(work.categoryMbCount, 1);
      assert.deepEqual(work.friends, [{ user_id: 10003, nickname: 'Carol', remark: 'c' }]);
      assert.equal(work.buddyList[0].user_id, 10003);
      assert.equal(work.buddyList[0].nickname, 'Carol');
    }
  });
});

describe('hostile upstream events', () => {
  test('notices named after Object.prototype members and __proto__ keys pass as plain data; the stream goes on', async () => {
    const up = await fake('napcat');
    const hop = await hopTo(up);
    const ws = new WebSocket(`ws://127.0.0.1:${hop.ports.onebot}/event`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    open.push({ stop: async () => ws.terminate() });
    await within(new Promise((r) => ws.once('open', r)), 'the socket to open');
    const t = Math.floor(Date.now() / 1000);
    for (const notice_type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      up.push({ time: t, self_id: SELF, post_type: 'notice', notice_type, user_id: 10001 });
    }
    up.push(JSON.parse(`{"time":${t},"self_id":${SELF},"post_type":"notice","notice_type":"friend_add","user_id":10001,"__proto__":{"polluted":true}}`));
    up.push({ time: t, self_id: SELF, post_type: 'notice', notice_type: 'friend_add', user_id: 10002 });
    await until(() => frames.some((f) => f.notice_type === 'friend_add' && f.user_id === 10002), 'the last notice');
    const notices = frames.filter((f) => f.post_type === 'notice');
    assert.deepEqual(notices.map((f) => [f.notice_type, f.user_id]), [
      ['constructor', 10001], ['toString', 10001], ['__proto__', 10001], ['hasOwnProperty', 10001], ['friend_add', 10001], ['friend_add', 10002],
    ]);
    for (const f of notices) assert.equal(f.self_id, SELF);
    assert.equal(notices[4].polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('a dead or silent upstream', () => {
  test('killed: OneBot calls answer retcode 1500 over HTTP and WS, mirai calls code 500, none hangs', async () => {
    const up = await fake('napcat');
    up.handler = contacts;
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    assert.equal((await mirai(hop, '/bind', { sessionKey: session, qq: SELF })).code, 0);
    const ws = new WebSocket(`ws://127.0.0.1:${hop.ports.onebot}/api`);
    open.push({ stop: async () => ws.terminate() });
    await within(new Promise((r) => ws.once('open', r)), 'the socket to open');

    // The mirai face learns its contacts first (a bot lists its groups when it starts).
    const groups = (await (await fetch(`http://127.0.0.1:${hop.ports.mirai}/groupList?sessionKey=${session}`)).json()) as any;
    assert.deepEqual(groups.data.map((g: any) => g.id), [20001]);
    await up.kill();
    const { status, env } = await onebot(hop, 'send_group_msg', { group_id: 20001, message: 'hello?' });
    assert.equal(status, 200);
    assert.equal(env.status, 'failed');
    assert.equal(env.retcode, 1500);
    assert.equal(env.data, null);
    assert.ok(env.message, 'the failure says why');

    const reply = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ action: 'get_group_list', echo: 'dead' }));
    const frame = await within(reply, 'the reply');
    assert.equal(frame.retcode, 1500);
    assert.equal(frame.echo, 'dead');

    const sent = await mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'hello?' }] });
    assert.equal(sent.code, 500, JSON.stringify(sent));
  });

  test('killed before the mirai face knew the group or member: still code 500, not 5 (no such target)', async () => {
    const up = await fake('napcat');
    up.handler = contacts;
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    await up.kill();
    const sent = await mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'hello?' }] });
    assert.equal(sent.code, 500, JSON.stringify(sent));
    const nudge = await mirai(hop, '/sendNudge', { sessionKey: session, target: 10001, subject: 20001, kind: 'Group' });
    assert.equal(nudge.code, 500, JSON.stringify(nudge));
  });

  test('silent: a call the upstream never answers fails after the timeout with 1500 / 500, and the next answered call works', async () => {
    const up = await fake('napcat');
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    up.handler = (action) => (action === 'send_group_msg' ? 'never' : contacts(action));

    const { status, env } = await onebot(hop, 'send_group_msg', { group_id: 20001, message: 'anyone?' });
    assert.equal(status, 200);
    assert.equal(env.retcode, 1500);
    assert.match(env.message, /within \d+ ms/);
    const sent = await mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'anyone?' }] });
    assert.equal(sent.code, 500, JSON.stringify(sent));

    const info = await onebot(hop, 'get_login_info');
    assert.equal(info.env.retcode, 0);
    assert.equal(info.env.data.user_id, SELF);
  });
});

describe('an upstream that reports the account\'s own messages', () => {
  test('an echo that beats its send\'s reply is still known as ours: no GroupSyncMessage for it, one for the phone\'s', async () => {
    const up = await fake('napcat');
    const sentEvent = (message_id: number, text: string) => ({
      time: Math.floor(Date.now() / 1000), self_id: SELF, post_type: 'message_sent', message_type: 'group', sub_type: 'normal',
      message_id, message_seq: message_id, real_id: message_id, group_id: 20001, user_id: SELF, target_id: 20001,
      message: [{ type: 'text', data: { text } }], raw_message: text, message_format: 'array', font: 14,
      sender: { user_id: SELF, nickname: 'MahBot', card: '', role: 'owner' },
    });
    // The echo goes out on the socket before the reply, as NapCat may order them.
    up.handler = (action) => {
      if (action !== 'send_group_msg') return contacts(action);
      up.push(sentEvent(5550, 'from a mirai client'));
      return { data: { message_id: 5550 } };
    };
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    const sent = await mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'from a mirai client' }] });
    assert.equal(sent.code, 0, JSON.stringify(sent));
    assert.equal(sent.messageId, 5550);
    up.push(sentEvent(5551, 'from the phone'));

    const seen: any[] = [];
    await until(async () => {
      const r = await fetch(`http://127.0.0.1:${hop.ports.mirai}/fetchMessage?sessionKey=${session}&count=10`).then((x) => x.json()) as { data: any[] };
      seen.push(...r.data);
      return seen.some((e) => e.type === 'GroupSyncMessage');
    }, 'the phone\'s message as GroupSyncMessage');
    const syncIds = seen.filter((e) => e.type === 'GroupSyncMessage').map((e) => e.messageChain[0].id);
    assert.deepEqual(syncIds, [5551], 'the early echo of our own send is not pushed');
  });
});

describe('an upstream that reports success for what QQ refused', () => {
  test('mirai admin commands check the bot\'s role first and answer 10, as mirai does, without calling the upstream', async () => {
    const up = await fake('napcat');
    const roles: Record<number, string> = { [SELF]: 'member', 10001: 'member', 10002: 'admin' };
    up.handler = (action, params) =>
      action === 'get_group_member_info'
        ? { data: { group_id: 20001, user_id: Number(params.user_id), nickname: 'x', card: '', role: roles[Number(params.user_id)] } }
        : action === 'get_group_member_list'
          ? { data: Object.entries(roles).map(([id, role]) => ({ group_id: 20001, user_id: Number(id), nickname: 'x', card: '', role })) }
          : contacts(action);
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    const post = (path: string, body: Record<string, unknown>) => mirai(hop, path, { sessionKey: session, target: 20001, ...body });
    const called = (action: string) => up.calls.filter((c) => c.action === action).length;

    // A plain member may do none of it.
    assert.equal((await post('/mute', { memberId: 10001, time: 60 })).code, 10);
    assert.equal((await post('/kick', { memberId: 10001 })).code, 10);
    assert.equal((await post('/muteAll', {})).code, 10);
    assert.equal((await post('/memberInfo', { memberId: 10001, info: { name: 'card' } })).code, 10);
    assert.equal(called('set_group_ban') + called('set_group_kick') + called('set_group_whole_ban') + called('set_group_card'), 0);
    // Its own card it may set.
    assert.equal((await post('/memberInfo', { memberId: SELF, info: { name: 'me' } })).code, 0);

    // An admin mutes members, not other admins, and appoints nobody.
    roles[SELF] = 'admin';
    assert.equal((await post('/mute', { memberId: 10001, time: 60 })).code, 0);
    assert.equal(called('set_group_ban'), 1);
    assert.equal((await post('/mute', { memberId: 10002, time: 60 })).code, 10, 'an admin does not outrank an admin');
    assert.equal((await post('/memberAdmin', { memberId: 10001, assign: true })).code, 10);
    assert.equal((await post('/memberInfo', { memberId: 10001, info: { specialTitle: 't' } })).code, 10);
    assert.equal(called('set_group_ban') + called('set_group_admin') + called('set_group_special_title'), 1);

    // The owner may.
    roles[SELF] = 'owner';
    assert.equal((await post('/mute', { memberId: 10002, time: 60 })).code, 0);
    assert.equal((await post('/memberAdmin', { memberId: 10001, assign: true })).code, 0);
  });
});

describe('a muted bot', () => {
  test('sendGroupMessage answers 20 at once while the bot\'s member record says muted, and sends again once a lift_ban notice refreshed it', async () => {
    const up = await fake('napcat');
    let mutedUntil = Math.floor(Date.now() / 1000) + 3600;
    const self = () => ({ group_id: 20001, user_id: SELF, nickname: 'MahBot', card: '', role: 'member', shut_up_timestamp: mutedUntil });
    up.handler = (action, params) => {
      if (action === 'get_group_member_info' && Number(params.user_id) === SELF) return { data: self() };
      if (action === 'get_group_member_list') return { data: [self(), { group_id: 20001, user_id: 10001, nickname: 'Alice', card: '', role: 'member', shut_up_timestamp: 0 }] };
      if (action === 'send_group_msg') return { data: { message_id: 777 } };
      return contacts(action);
    };
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    const send = () => mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'hi' }] });

    const refused = await send();
    assert.equal(refused.code, 20, JSON.stringify(refused));
    assert.equal(up.calls.filter((c) => c.action === 'send_group_msg').length, 0, 'not even tried');

    mutedUntil = 0;
    up.push({ time: Math.floor(Date.now() / 1000), self_id: SELF, post_type: 'notice', notice_type: 'group_ban', sub_type: 'lift_ban', group_id: 20001, operator_id: 10001, user_id: SELF, duration: 0 });
    await until(async () => (await send()).code === 0, 'the send to work after the lift_ban notice');
  });
});

describe('a whole-group mute', () => {
  test('silences a bot that is a plain member (20) until it is lifted; a notice tells it either way', async () => {
    const up = await fake('napcat');
    let role = 'member';
    const self = () => ({ group_id: 20001, user_id: SELF, nickname: 'MahBot', card: '', role, shut_up_timestamp: 0 });
    up.handler = (action, params) => {
      if (action === 'get_group_member_info' && Number(params.user_id) === SELF) return { data: self() };
      if (action === 'get_group_member_list') return { data: [self()] };
      if (action === 'send_group_msg') return { data: { message_id: 778 } };
      return contacts(action);
    };
    const hop = await hopTo(up, true);
    const session = (await mirai(hop, '/verify', { verifyKey: 'k' })).session as string;
    await mirai(hop, '/bind', { sessionKey: session, qq: SELF });
    const send = async () => (await mirai(hop, '/sendGroupMessage', { sessionKey: session, target: 20001, messageChain: [{ type: 'Plain', text: 'hi' }] })).code;
    const wholeBan = (sub_type: string) => up.push({ time: Math.floor(Date.now() / 1000), self_id: SELF, post_type: 'notice', notice_type: 'group_ban', sub_type, group_id: 20001, operator_id: 10001, user_id: 0, duration: -1 });

    assert.equal(await send(), 0);
    wholeBan('ban');
    await until(async () => (await send()) === 20, 'the whole-group mute to silence the member bot');
    wholeBan('lift_ban');
    await until(async () => (await send()) === 0, 'the lift to let it speak');
  });
});
