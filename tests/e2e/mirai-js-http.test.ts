/**
 * End to end with the real mirai-js client from npm, over the mirai HTTP routes: it connects
 * (verify + bind, then its WS listener), lists contacts, sends mixed chains to a friend and a
 * group, quotes, looks up and recalls messages, uploads an image, and receives what the sandbox
 * plays in (mirai-js listens over WS with its HTTP session's key).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../../src/app';
import { ALICE, BOB, DAVE, LOBBY, play, SELF, until, within } from '../helpers';

// mirai-js ships no types for its CommonJS entry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Bot, Message } = require('mirai-js') as { Bot: new () => MiraiJsBot; Message: new () => MiraiJsMessage };

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface MiraiJsMessage {
  addText(t: string): MiraiJsMessage; addAt(qq: number): MiraiJsMessage; addFace(name: string): MiraiJsMessage;
  addImageUrl(url: string): MiraiJsMessage; addImageId(id: string): MiraiJsMessage;
}
interface MiraiJsBot {
  config: { sessionKey: string } | undefined;
  open(o: { baseUrl: string; verifyKey: string; qq: number }): Promise<void>;
  close(): Promise<void>;
  on(event: string, cb: (data: Json) => void): void;
  getFriendList(): Promise<Json[]>;
  getGroupList(): Promise<Json>;
  getMemberList(o: { group: number }): Promise<Json[]>;
  sendMessage(o: { friend?: number; group?: number; quote?: number; message: MiraiJsMessage | string }): Promise<number>;
  getMessageById(o: { messageId: number; target: number }): Promise<Json>;
  recall(o: { messageId: number; target: number }): Promise<void>;
  uploadImage(o: { img: Buffer }): Promise<{ imageId: string; url: string | null }>;
}

const KEY = 'mirai-js-e2e';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('mirai-js (npm) against the bridge', () => {
  let bridge: Bridge;
  let bot: MiraiJsBot;
  const stored = (id: number): Promise<Json> => bridge.core.call('get_msg', { message_id: id }) as Promise<Json>;

  before(async () => {
    bridge = await startBridge({ onebot: { port: 0 }, mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
    bot = new Bot();
    await bot.open({ baseUrl: `http://127.0.0.1:${bridge.ports.mirai}`, verifyKey: KEY, qq: SELF });
    // open() resolves before its socket is attached: wait for the socket's reference beside /bind's.
    await until(() => bridge.mirai!.sessions.get(bot.config!.sessionKey)?.refs === 2, 'the mirai-js socket');
  });
  after(async () => {
    try {
      // mirai-js's close waits for its socket to open first: bound it.
      if (bot?.config) await within(bot.close(), 'mirai-js to close');
    } finally {
      await bridge?.stop();
    }
  });

  test('connects with verify + bind and lists friends, groups and members', async () => {
    const session = bridge.mirai!.sessions.get(bot.config!.sessionKey);
    assert.equal(session?.botId, SELF);
    assert.deepEqual((await bot.getFriendList()).map((f) => [f.id, f.name, f.remark]), [[ALICE, 'Alice', 'alice'], [BOB, 'Bob', ''], [10003, 'Carol', 'carol (work)']]);
    // mirai-js 2.8 hands back getGroupList's whole envelope (its own quirk, the same against MAH).
    const groups = (await bot.getGroupList()) as unknown as { code: number; data: Json[] };
    assert.equal(groups.code, 0);
    assert.deepEqual(groups.data.map((g) => [g.id, g.permission]), [[LOBBY, 'OWNER'], [20002, 'ADMINISTRATOR'], [20003, 'MEMBER']]);
    const members = await bot.getMemberList({ group: LOBBY });
    assert.deepEqual(members.map((x) => x.id), [ALICE, BOB, DAVE]);
    assert.equal(members[0].name, 'Alice (admin)');
  });

  test('sends a mixed chain (Plain + At + Face + Image by url) to a group and to a friend', async () => {
    const groupId = await bot.sendMessage({ group: LOBBY, message: new Message().addText('hello ').addAt(ALICE).addFace('微笑').addImageUrl('https://example.com/cat.png') });
    assert.ok(Number.isInteger(groupId) && groupId > 0);
    const g = await stored(groupId);
    assert.equal(g.group_id, LOBBY);
    assert.deepEqual(g.message.map((s: Json) => s.type), ['text', 'at', 'face', 'image']);
    assert.equal(String(g.message[1].data.qq), String(ALICE));
    assert.equal(String(g.message[2].data.id), '14');
    const friendId = await bot.sendMessage({ friend: ALICE, message: new Message().addText('hi alice ').addFace('呲牙').addImageUrl('https://example.com/dog.jpg') });
    const f = await stored(friendId);
    assert.equal(f.message_type, 'private');
    assert.deepEqual(f.message.map((s: Json) => s.type), ['text', 'face', 'image']);
  });

  test('quotes a message, reads it back with getMessageById, and recalls it', async () => {
    const first = await bot.sendMessage({ group: LOBBY, message: 'original' });
    const reply = await bot.sendMessage({ group: LOBBY, quote: first, message: 'a reply' });
    const r = await stored(reply);
    assert.equal(r.message[0].type, 'reply');
    assert.equal(String(r.message[0].data.id), String(first));
    const packet = await bot.getMessageById({ messageId: reply, target: LOBBY });
    assert.equal(packet.type, 'GroupMessage');
    assert.deepEqual(packet.messageChain[1], { type: 'Quote', id: first, senderId: SELF, targetId: LOBBY, groupId: LOBBY, origin: [{ type: 'Plain', text: 'original' }] });
    await bot.recall({ messageId: first, target: LOBBY });
    await assert.rejects(stored(first));
    // mirai-js turns a non-zero code into a thrown error.
    await assert.rejects(bot.recall({ messageId: first, target: LOBBY }), /指定对象不存在/);
    await assert.rejects(bot.sendMessage({ group: 99999, message: 'nobody home' }), /指定对象不存在/);
  });

  test('uploads an image and sends it by imageId', async () => {
    const { imageId } = await bot.uploadImage({ img: PNG });
    assert.match(imageId, /^\{[0-9A-F-]{36}\}\.png$/);
    const id = await bot.sendMessage({ group: LOBBY, message: new Message().addImageId(imageId) });
    assert.equal((await stored(id)).message[0].type, 'image');
  });

  test('receives a message the sandbox plays in, and answers it with a quote', async () => {
    const got: Json[] = [];
    bot.on('FriendMessage', (d) => got.push(d));
    const { message_id } = (await play(bridge, 'message', { user_id: BOB, message: 'ping' })) as { message_id: number };
    await until(() => got.length > 0, 'the friend message');
    const ev = got[0];
    assert.deepEqual(ev.messageChain.slice(1), [{ type: 'Plain', text: 'ping' }]);
    assert.equal(ev.messageChain[0].id, message_id);
    assert.deepEqual({ id: ev.sender.id, nickname: ev.sender.nickname, remark: ev.sender.remark }, { id: BOB, nickname: 'Bob', remark: '' });
    const answer = await bot.sendMessage({ friend: BOB, quote: message_id, message: 'pong' });
    const a = await stored(answer);
    assert.deepEqual(a.message.map((s: Json) => s.type), ['reply', 'text']);
  });
});
