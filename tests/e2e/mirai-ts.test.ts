/**
 * End to end with a second real client from npm, mirai-ts: it verifies and binds over HTTP (then
 * sends its sessionKey as a default header, and calls botProfile with that header alone), listens on
 * WS `/all` with a session of its own (verifyKey + qq), answers what the sandbox plays in with its
 * `reply`, answers requests with `respond`, uploads with form-data, recalls a received group message
 * (sending the sender's QQ as the context), and re-links by itself after its session is released.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Mirai } from 'mirai-ts';
import { startBridge, type Bridge } from '../../src/app';
import { until } from '../helpers';

const BOT = 10000;
const ALICE = 10001;
const BOB = 10002;
const LOBBY = 20001;
const KEY = 'mirai-ts-key';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9, 9]);

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('mirai-ts against the bridge', () => {
  let bridge: Bridge;
  let mirai: Mirai;
  let onebot: string;
  const received: Json[] = [];

  const sandbox = async (op: string, body: Record<string, unknown>) => {
    const res = await fetch(`${onebot}/sandbox/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json));
    return json as Json;
  };
  const conversation = async (q: string) => (await (await fetch(`${onebot}/sandbox/messages?${q}`)).json()) as Json[];
  const textOf = (m: Json) => (m.message as Json[]).filter((s) => s.type === 'text').map((s) => s.data.text).join('');

  before(async () => {
    bridge = await startBridge({ onebot: { port: 0 }, mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
    onebot = `http://127.0.0.1:${bridge.ports.onebot}`;
    const port = bridge.ports.mirai!;
    mirai = new Mirai({
      verifyKey: KEY, adapters: ['http', 'ws'], enableVerify: true, singleMode: false, cacheSize: 4096,
      adapterSettings: { http: { host: '127.0.0.1', port }, ws: { host: '127.0.0.1', port } },
    } as never);
    // Its loggers would fill the test output.
    for (const l of [mirai.logger, mirai.api.logger] as { level: number }[]) l.level = -Infinity;
  });
  after(async () => {
    mirai.api.ws.client?.close();
    await bridge.stop();
  });

  test('link verifies and binds; botProfile works with the key in the default header alone', async () => {
    const bound = await mirai.link(BOT);
    assert.equal(bound.code, 0);
    assert.equal(mirai.verified, true);
    assert.match(mirai.api.sessionKey, /^[A-Za-z0-9]{8}$/);
    const profile = (await mirai.api.botProfile()) as Json;
    assert.deepEqual(Object.keys(profile), ['nickname', 'email', 'age', 'level', 'sign', 'sex']);
    assert.equal(profile.nickname, 'MahBot');
    const friends = (await mirai.api.friendList()) as Json;
    assert.equal(friends.code, 0);
    assert.ok(friends.data.some((f: Json) => f.id === ALICE && f.nickname === 'Alice'));
    const members = (await mirai.api.memberList(LOBBY)) as Json;
    assert.ok(members.data.some((m: Json) => m.id === BOB));
  });

  test('listen opens WS /all with its own session and receives what the sandbox plays in; reply answers it', async () => {
    mirai.on('message', (msg: Json) => {
      received.push(msg);
      if (msg.plain === 'ping') void msg.reply('pong');
      if (msg.plain === 'quote me') void msg.reply('quoted', true);
    });
    mirai.listen();
    await until(() => !!mirai.api.ws.sessionKey, 'the WS handshake');
    assert.match(mirai.api.ws.sessionKey, /^[A-Za-z0-9]{8}$/);
    assert.notEqual(mirai.api.ws.sessionKey, mirai.api.sessionKey, 'a session of its own, made by qq');

    await sandbox('message', { user_id: ALICE, message: 'ping' });
    await until(async () => (await conversation(`user_id=${ALICE}`)).some((m) => textOf(m) === 'pong'), 'the pong to Alice');
    const ping = received.find((m) => m.plain === 'ping');
    assert.equal(ping.type, 'FriendMessage');
    assert.deepEqual(ping.sender, { id: ALICE, nickname: 'Alice', remark: 'alice' });

    const heard = await sandbox('message', { user_id: BOB, group_id: LOBBY, message: 'quote me' });
    await until(async () => (await conversation(`group_id=${LOBBY}`)).some((m) => textOf(m) === 'quoted'), 'the quoted reply');
    const reply = (await conversation(`group_id=${LOBBY}`)).find((m) => textOf(m) === 'quoted');
    const quote = reply.message.find((s: Json) => s.type === 'reply');
    assert.equal(String(quote.data.id), String(heard.message_id));
    const group = received.find((m) => m.plain === 'quote me');
    assert.equal(group.type, 'GroupMessage');
    assert.equal(group.isAt(), false);
  });

  test('events reach their listeners; respond answers a friend request', async () => {
    const requests: Json[] = [];
    const joins: Json[] = [];
    mirai.on('NewFriendRequestEvent', (e: Json) => {
      requests.push(e);
      void e.respond(0);
    });
    mirai.on('MemberJoinEvent', (e: Json) => joins.push(e));
    await sandbox('friend_request', { user_id: 31001, nickname: 'Newcomer', comment: 'hi' });
    await sandbox('member_join', { group_id: LOBBY, user_id: 31002, nickname: 'Joiner' });
    await until(() => requests.length === 1 && joins.length === 1, 'both events');
    assert.equal(requests[0].fromId, 31001);
    assert.equal(joins[0].member.memberName, 'Joiner');
    await until(async () => ((await mirai.api.friendList()) as Json).data.some((f: Json) => f.id === 31001), 'the new friend');
  });

  test('uploadImage with form-data (an img part without filename), then send it by imageId', async () => {
    const up = (await mirai.api.uploadImage('group', PNG as never)) as Json;
    assert.deepEqual(Object.keys(up), ['imageId', 'url']);
    assert.match(up.imageId, /^\{[0-9A-F-]{36}\}\.png$/);
    const sent = (await mirai.api.sendGroupMessage([{ type: 'Image', imageId: up.imageId, url: null, path: null, base64: null }, { type: 'Plain', text: 'look' }] as never, LOBBY)) as Json;
    assert.equal(sent.code, 0, JSON.stringify(sent));
    const back = (await mirai.api.messageFromId(sent.messageId, LOBBY)) as Json;
    assert.equal(back.messageChain[1].imageId, up.imageId);
  });

  test('recall of a received group message (mirai-ts sends the sender as target) and setEssence by id alone', async () => {
    const { message_id } = await sandbox('message', { user_id: BOB, group_id: LOBBY, message: 'recall me' });
    await until(() => received.some((m) => m.plain === 'recall me'), 'the message');
    const msg = received.find((m) => m.plain === 'recall me');
    // Given a received message (with the fields its guard asks for), mirai-ts recalls by its Source id
    // and replaces the target with the sender's QQ.
    assert.deepEqual(await mirai.api.recall({ ...msg, messageId: msg.messageChain[0].id, target: LOBBY }), { code: 0, msg: 'success' });
    assert.equal((await conversation(`group_id=${LOBBY}`)).some((m) => m.message_id === message_id), false);
    const { message_id: keep } = await sandbox('message', { user_id: ALICE, group_id: LOBBY, message: 'essential' });
    await until(() => received.some((m) => m.plain === 'essential'), 'the message');
    assert.deepEqual(await mirai.api.setEssence(keep), { code: 0, msg: 'success' });
  });

  test('after its session is released, the next call answers 3 and mirai-ts links again by itself', async () => {
    const old = mirai.api.sessionKey;
    assert.equal(((await mirai.api.release()) as Json).code, 0);
    const failed = (await mirai.api.friendList()) as Json;
    assert.equal(failed.code, 3);
    assert.notEqual(mirai.api.sessionKey, old, 're-verified');
    const again = (await mirai.api.friendList()) as Json;
    assert.equal(again.code, 0);
  });
});
