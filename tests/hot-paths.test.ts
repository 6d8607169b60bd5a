/**
 * What the hot-path work must not change: bounded stores evict oldest first under steady churn,
 * the schema cache validates exactly as a fresh compile, pipelined WS replies all arrive, and a
 * logger still writes at its level while skipping below it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBridge } from '../src/app';
import { createMessageCache } from '../src/mirai/message-cache';
import { createWorld, storeMessage, SEED_WORLD } from '../src/backends/sandbox/world';
import { projectRoot } from '../src/project-root';
import type { CachedMessage } from '../src/mirai/types';
import { within } from './helpers';

const cached = (contextId: number, messageId: number, text = ''): CachedMessage => ({
  botId: 1, messageId, contextId, kind: 'group', senderId: 2, targetId: contextId, groupId: contextId, time: 0,
  chain: [{ type: 'Plain', text }], self: false,
});

test('the message cache keeps the newest `capacity` messages through long churn, evicting oldest first', () => {
  const cache = createMessageCache({ capacity: 100 });
  for (let id = 1; id <= 10_000; id++) cache.record(cached(20001 + (id % 3), id));
  assert.deepEqual(cache.stats(), { size: 100, capacity: 100, evicted: 9_900 });
  assert.equal(cache.get(1, 9_900), undefined);
  for (let id = 9_901; id <= 10_000; id++) assert.equal(cache.get(1, id, 20001 + (id % 3))?.messageId, id);
  cache.stop();
});

test('recording a message again moves it to the young end, and a context-free lookup finds the newest', () => {
  const cache = createMessageCache({ capacity: 3 });
  cache.record(cached(100, 1, 'a'));
  cache.record(cached(200, 1, 'b'));
  cache.record(cached(100, 2));
  cache.record(cached(100, 1, 'a again')); // replaces (100,1) and makes it the youngest
  assert.equal(cache.get(1, 1)?.chain[0].text, 'a again');
  cache.record(cached(300, 3)); // evicts the oldest: (200,1)
  assert.equal(cache.get(1, 1, 200), undefined);
  assert.equal(cache.get(1, 1, 100)?.chain[0].text, 'a again');
  cache.record(cached(300, 4)); // then (100,2)
  assert.equal(cache.get(1, 2, 100), undefined);
  assert.equal(cache.get(1, 1)?.contextId, 100);
  assert.deepEqual(cache.stats(), { size: 3, capacity: 3, evicted: 2 });
  cache.stop();
});

test('the sandbox message store stays at maxMessages, dropping the oldest, however many are stored', () => {
  const world = createWorld({ ...SEED_WORLD, maxMessages: 50 });
  const ids: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const m = storeMessage(world, {
      time: i, message_type: i % 2 ? 'group' : 'private', sub_type: i % 2 ? 'normal' : 'friend', user_id: 10001,
      peer_id: i % 2 ? 20001 : 10001, ...(i % 2 ? { group_id: 20001 } : {}), message: [{ type: 'text', data: { text: `m${i}` } }], self: false,
    });
    ids.push(m.message_id);
    assert.equal(m.recalled, false);
    assert.equal('group_id' in m, i % 2 === 1);
  }
  assert.equal(world.messages.size, 50);
  assert.deepEqual([...world.messages.keys()], ids.slice(-50));
  assert.equal(world.messages.get(ids[4_999])?.message[0].data.text, 'm4999');
});

test('message ids that wrap past two billion stay in order, and only the newest ones resolve', () => {
  const world = createWorld({ ...SEED_WORLD, maxMessages: 7 });
  world.counters.message_id = 2_000_000_000 - 4;
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) {
    const m = storeMessage(world, { time: i, message_type: 'group', sub_type: 'normal', user_id: 10001, peer_id: 20001, group_id: 20001, message: [{ type: 'text', data: { text: `w${i}` } }], self: false });
    ids.push(m.message_id);
  }
  assert.ok(ids.slice(4).every((id) => id < 1_000_000), 'ids restart small after the wrap');
  assert.equal(new Set(ids).size, 12);
  assert.deepEqual([...world.messages.keys()], ids.slice(-7), 'oldest first, across the wrap');
  assert.equal(world.messages.get(ids[11])?.message[0].data.text, 'w11');
  assert.equal(world.messages.get(ids[4]), undefined, 'evicted');
  assert.equal(world.messages.get(ids[0]), undefined);
  assert.equal(world.messages.get(1.5), undefined);
  assert.equal(world.messages.evicted, 5);
});

/** Run a script in a fresh process from this test's folder (dist/tests or tests under tsx). */
function runNode(script: string): string {
  const loaders = process.execArgv.filter((a) => !a.startsWith('--test')); // tsx's --import when run from source
  return execFileSync(process.execPath, [...loaders, '-e', script], { cwd: __dirname, encoding: 'utf8' });
}

test('validators loaded from the schema cache answer exactly as freshly compiled ones, and a broken cache falls back', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-schemas-'));
  try {
    fs.mkdirSync(path.join(dir, 'defs'));
    // A random title makes this folder's cache entry new, so the first run really compiles.
    fs.writeFileSync(path.join(dir, 'defs', 'uin.json'), JSON.stringify({ title: `t${process.pid}-${Date.now()}`, type: 'integer', minimum: 1 }));
    fs.writeFileSync(path.join(dir, 'act.json'), JSON.stringify({
      type: 'object', properties: { id: { $ref: 'defs/uin' }, flag: { type: 'boolean', default: false }, tags: { type: 'array', items: { type: 'string', maxLength: 3 } } }, required: ['id', 'name'],
    }));
    const schemasModule = JSON.stringify(path.join(__dirname, '..', 'src', 'schemas'));
    const script = `
      const { createSchemas } = require(${schemasModule});
      const s = createSchemas(${JSON.stringify(dir)});
      const out = { ids: s.ids().sort() };
      const cases = { coerced: { id: '7', name: 'x', tags: 'ab' }, missing: { id: 0 }, tooLong: { id: 3, name: 'y', tags: ['abcd'] } };
      for (const [name, input] of Object.entries(cases)) {
        try { out[name] = s.validate('act', input); } catch (e) { out[name] = [e.kind, e.message, e.data.missing]; }
      }
      process.stdout.write(JSON.stringify(out));`;
    const compiled = JSON.parse(runNode(script));
    assert.deepEqual(compiled.ids, ['act', 'defs/uin']);
    assert.deepEqual(compiled.coerced, { id: 7, name: 'x', tags: ['ab'], flag: false });
    assert.deepEqual(compiled.missing, ['bad_params', 'missing field: name', ['name']]);
    assert.deepEqual(compiled.tooLong, ['bad_params', '/tags/0 must NOT have more than 3 characters', []]);

    const cacheDir = path.join(projectRoot, 'node_modules', '.cache', 'mah-bridge');
    const newest = fs.readdirSync(cacheDir).map((f) => path.join(cacheDir, f)).filter((f) => fs.readFileSync(f, 'utf8').includes(`t${process.pid}-`));
    assert.equal(newest.length, 1, 'the first run wrote its generated code to the cache');
    const cacheFile = newest[0];
    try {
      // The second run loads the cache (a marker added to it shows up among the ids) and answers the same.
      fs.appendFileSync(cacheFile, '\n;exports["from-cache"] = function () { return true; };');
      const loaded = JSON.parse(runNode(script));
      assert.deepEqual(loaded.ids, ['act', 'defs/uin', 'from-cache']);
      delete loaded.ids;
      delete compiled.ids;
      assert.deepEqual(loaded, compiled);
      // A cache that does not run is ignored: the schemas are compiled again.
      fs.writeFileSync(cacheFile, 'this is not javascript');
      const again = JSON.parse(runNode(script));
      assert.deepEqual(again.ids, ['act', 'defs/uin']);
    } finally {
      fs.rmSync(cacheFile, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a logger writes at and above its level and returns at once below it', () => {
  const logModule = JSON.stringify(path.join(__dirname, '..', 'src', 'log'));
  const out = runNode(`
    const { createLogger } = require(${logModule});
    const root = createLogger('info');
    const log = root.child({ component: 'probe' });
    const same = log.debug('below the level', { verifyKey: 'secret-value' });
    log.info('at the level', { verifyKey: 'secret-value' });
    root.level = 'debug';
    log.debug('after lowering the level');
    process.stdout.write('returned self: ' + (same === log) + '\\n');`);
  assert.match(out, /info \[probe\] at the level/);
  assert.doesNotMatch(out, /below the level/);
  assert.doesNotMatch(out, /secret-value/);
  assert.match(out, /debug \[probe\] after lowering the level/);
  assert.match(out, /returned self: true/);
});

test('fifty frames pipelined on one mirai socket each get their own reply', async () => {
  const bridge = await startBridge({
    logLevel: 'silent', onebot: { port: 0 }, mirai: { verifyKey: 'k', adapterSettings: { http: { port: 0 } } },
  });
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.ports.mirai}/all?verifyKey=k&qq=${bridge.core.bots()[0]}`);
  try {
    const replies = new Map<string, { code: number; messageId: number }>();
    const done = new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as { syncId: string; data: { code: number; messageId: number } };
        if (f.syncId.startsWith('s')) replies.set(f.syncId, f.data);
        if (replies.size === 50) resolve();
      });
    });
    await within(new Promise((r) => ws.once('open', r)), 'the socket to open');
    for (let i = 0; i < 50; i++) {
      ws.send(JSON.stringify({ syncId: `s${i}`, command: 'sendGroupMessage', content: { target: 20001, messageChain: [{ type: 'Plain', text: `n${i}` }] } }));
    }
    await within(done, '50 replies');
    assert.deepEqual([...replies.values()].map((d) => d.code), Array(50).fill(0));
    assert.equal(new Set([...replies.values()].map((d) => d.messageId)).size, 50);
  } finally {
    ws.terminate();
    await bridge.stop();
  }
});
