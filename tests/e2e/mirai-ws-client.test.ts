/**
 * End to end with a real client from npm: mirai-js opens a session (HTTP verify + bind), listens
 * over WS with that sessionKey, and receives what the sandbox plays in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type Bridge } from '../../src/app';
import { play as playOp, until, within } from '../helpers';

// mirai-js ships no types for its CommonJS entry.
const { Bot } = require('mirai-js') as { Bot: new () => MiraiJsBot };

interface MiraiJsBot {
  config: { sessionKey: string };
  open(o: { baseUrl: string; verifyKey: string; qq: number }): Promise<void>;
  on(event: string, cb: (data: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

const BOT = 10000;
const KEY = 'e2e-key';

let bridge: Bridge;
let bot: MiraiJsBot;

before(async () => {
  bridge = await startBridge({ onebot: { port: 0 }, mirai: { verifyKey: KEY, adapterSettings: { http: { port: 0 } } }, logLevel: 'silent' });
  bot = new Bot();
  await bot.open({ baseUrl: `http://127.0.0.1:${bridge.ports.mirai}`, verifyKey: KEY, qq: BOT });
  // open() returns before its socket is up: wait until the socket holds its reference beside /bind's.
  await until(() => bridge.mirai!.sessions.get(bot.config.sessionKey)?.refs === 2, 'mirai-js to attach its socket');
});
after(async () => {
  try {
    // mirai-js's close waits for its socket to open first: bound it.
    if (bot?.config) await within(bot.close(), 'mirai-js to close');
  } finally {
    await bridge?.stop();
  }
});

const play = (body: Record<string, unknown>) => playOp(bridge, 'message', body);

test('mirai-js receives group and friend messages played in by the sandbox, in order', async () => {
  const group: Record<string, unknown>[] = [];
  const friend: Record<string, unknown>[] = [];
  bot.on('GroupMessage', (d) => group.push(d));
  bot.on('FriendMessage', (d) => friend.push(d));

  await play({ user_id: 10001, group_id: 20001, message: [{ type: 'text', data: { text: 'first' } }] });
  await play({ user_id: 10002, group_id: 20001, message: 'second' });
  await play({ user_id: 10001, message: 'privately' });
  await until(() => group.length === 2 && friend.length === 1, 'three messages');

  const plain = (d: Record<string, unknown>) => (d.messageChain as { type: string; text?: string }[]).filter((e) => e.type === 'Plain').map((e) => e.text).join('');
  assert.deepEqual(group.map(plain), ['first', 'second']);
  assert.equal(plain(friend[0]), 'privately');
  const first = group[0] as { sender: { id: number; group: { id: number } }; messageChain: { type: string; id: number; time: number }[] };
  assert.equal(first.sender.id, 10001);
  assert.equal(first.sender.group.id, 20001);
  assert.equal(first.messageChain[0].type, 'Source');
  assert.equal(typeof first.messageChain[0].id, 'number');
});
