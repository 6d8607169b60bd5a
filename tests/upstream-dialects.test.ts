/**
 * Every dialect decodes to the same internal events and results, and every call leaves in the
 * dialect the upstream speaks. Fixtures: tests/fixtures/dialects (built from the upstream digest).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../src/log';
import { createUpstream, type UpstreamBackend } from '../src/backends/upstream';
import { detectDialect } from '../src/backends/upstream/dialects';
import { createIdMap } from '../src/backends/upstream/id-map';
import { upstreamEventToStandard } from '../src/backends/upstream/normalise-events';
import { resultToStandard } from '../src/backends/upstream/normalise-results';
import { isBridgeError } from '../src/errors';
import type { OneBotEvent } from '../src/core/types';
import { DIALECT_NAMES, loadExpected, loadFixture, startFakeUpstream, type DialectFixture, type FakeUpstream } from './conformance/fake-upstream';
import { nextEmits, within } from './helpers';

const logger = createLogger('error', true);
const expected = loadExpected();
const INT32_MAX = 0x7fffffff;

/** Replace "$A"-style placeholders with our ids (numbers where the expectation has a number slot, strings inside segments). */
function resolve(value: unknown, ours: Record<string, number>, inSegment = false): unknown {
  if (typeof value === 'string' && /^\$[A-Z]$/.test(value)) {
    const id = ours[value.slice(1)];
    return inSegment ? String(id) : id;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, ours, inSegment));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const seg = typeof o.type === 'string' && 'data' in o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, ours, inSegment || (seg && k === 'data'))]));
  }
  return value;
}

/** `actual` has every field of `want` (recursively; arrays element by element and of the same length). */
function assertSubset(actual: unknown, want: unknown, where: string): void {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, want.length, `${where}: length`);
    want.forEach((w, i) => assertSubset(actual[i], w, `${where}[${i}]`));
  } else if (want && typeof want === 'object') {
    assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, w] of Object.entries(want)) assertSubset((actual as Record<string, unknown>)[k], w, `${where}.${k}`);
  } else {
    assert.deepEqual(actual, want, where);
  }
}

const isOurId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= INT32_MAX;

function decodeAll(fx: DialectFixture) {
  const ids = createIdMap(1000);
  const ctx = { selfId: 10000, ids };
  const out: Record<string, OneBotEvent | undefined> = {};
  for (const [name, raw] of Object.entries(fx.events)) out[name] = raw ? upstreamEventToStandard(structuredClone(raw), ctx) : undefined;
  const ours = Object.fromEntries(Object.entries(fx.ids).map(([k, v]) => [k, ids.toOurs(v)]));
  return { out, ours, ids, ctx };
}

describe('dialect fixtures decode to the same internal events', () => {
  for (const name of DIALECT_NAMES) {
    test(`${name}: every recorded event becomes the standard event`, () => {
      const fx = loadFixture(name);
      const { out, ours } = decodeAll(fx);
      for (const id of Object.values(ours)) assert.ok(isOurId(id), `${name}: ${id} is not a positive int32`);
      for (const [event, raw] of Object.entries(fx.events)) {
        if (!raw) continue; // this implementation has no such event
        assertSubset(out[event], resolve(expected.events[event], ours), `${name}.${event}`);
      }
    });

    test(`${name}: recorded results (send, forward, history) become the standard shapes`, () => {
      const fx = loadFixture(name);
      const ids = createIdMap(1000);
      const ctx = { selfId: 10000, ids, rememberFile: () => undefined };
      for (const [action, want] of Object.entries(expected.results)) {
        const got = resultToStandard(action, structuredClone(fx.results[action]), { group_id: 20001 }, ctx);
        const ours = { A: ids.toOurs(fx.ids.A) };
        assertSubset(got, resolve(want, ours), `${name}.${action}`);
      }
    });
  }

  test('icqq is told from go-cqhttp by probing, not by its name', () => {
    const gocq = loadFixture('go-cqhttp');
    const icqq = loadFixture('icqq');
    assert.equal(icqq.version.app_name, gocq.version.app_name);
    assert.equal(detectDialect(gocq.version, gocq.supported ?? undefined).name, 'go-cqhttp');
    assert.equal(detectDialect(icqq.version, icqq.supported ?? undefined).name, 'icqq');
    // Even with a bland version string, the action list gives it away.
    assert.equal(detectDialect({ app_name: 'go-cqhttp' }, icqq.supported ?? undefined).name, 'icqq');
    assert.equal(detectDialect(loadFixture('napcat').version, undefined).name, 'napcat');
    assert.equal(detectDialect(loadFixture('llonebot').version, undefined).name, 'llonebot');
    assert.equal(detectDialect(loadFixture('lagrange').version, undefined).name, 'lagrange');
    assert.equal(detectDialect({ app_name: 'mah-bridge' }, undefined).name, 'generic');
  });

  test('the same upstream id always maps to the same id of ours, and back', () => {
    const ids = createIdMap(3);
    const a = ids.toOurs('opaque-a', 'group:1');
    assert.equal(ids.toOurs('opaque-a'), a);
    assert.deepEqual(ids.toUpstream(a), { upstream: 'opaque-a', peer: 'group:1' });
    assert.equal(ids.toOurs(1234), 1234, 'a positive int32 passes through');
    const neg = ids.toOurs(-1234);
    assert.ok(isOurId(neg) && neg !== 1234);
    assert.equal(ids.toUpstream(neg)?.upstream, -1234);
    ids.toOurs('opaque-b');
    assert.equal(ids.toUpstream(a), undefined, 'the least recently used id is evicted past capacity');
    assert.equal(ids.evicted, 1);
  });
});

describe('dialects over a live forward WS link', () => {
  const open: { fake: FakeUpstream; backend: UpstreamBackend }[] = [];
  after(async () => {
    for (const o of open) {
      await o.backend.stop();
      await o.fake.close();
    }
  });

  async function connect(name: string) {
    const fake = await startFakeUpstream({ fixture: loadFixture(name) });
    const backend = createUpstream({
      // Generous call timeouts: a handshake call that timed out on a loaded box would leave the dialect undetected.
      config: { url: fake.url, accounts: [], listen: { host: '127.0.0.1', port: 0, path: '/onebot' }, timeoutMs: 5000, fileTimeoutMs: 10000, reconnect: { minMs: 20, maxMs: 200 } },
      logger,
    });
    open.push({ fake, backend });
    await backend.start();
    await within(backend.whenReady(), `the ${name} handshake`);
    return { fake, backend };
  }

  /** Push raw upstream events; the first `n` standard events they become, in order (bounded). */
  const pushed = (fake: FakeUpstream, backend: UpstreamBackend, raws: unknown[], n = raws.length) => {
    const arriving = nextEmits<OneBotEvent>(backend.events, 'event', n);
    for (const raw of raws) fake.push(raw as Record<string, unknown>);
    return arriving;
  };

  for (const name of DIALECT_NAMES) {
    test(`${name}: detected, and its pushed events arrive standard and in order`, async () => {
      const fx = loadFixture(name);
      const { fake, backend } = await connect(name);
      const caps = backend.capabilities()[0];
      assert.equal(caps.dialect, name);
      assert.equal(caps.selfId, 10000);
      assert.deepEqual(backend.bots(), [10000]);
      const raws = Object.entries(fx.events).filter(([, r]) => r);
      const got = await pushed(fake, backend, raws.map(([, raw]) => raw));
      const ours: Record<string, number> = {};
      for (const [k, v] of Object.entries(fx.ids)) {
        // Learn our id for each upstream id from the decoded events themselves.
        const idx = raws.findIndex(([, r]) => (r as Record<string, unknown>).message_id === v);
        if (idx >= 0) ours[k] = got[idx].message_id as number;
      }
      raws.forEach(([event], i) => assertSubset(got[i], resolve(expected.events[event], ours), `${name}.${event}`));
    });
  }

  test('renamed actions: the dialect spelling is tried first, and an unknown name falls back and is remembered', async () => {
    const { fake, backend } = await connect('napcat');
    fake.handler = (action) => (action === '_send_group_notice' ? 'unknown' : undefined);
    await backend.invoke('send_group_notice', { group_id: 20001, content: 'hi' });
    await backend.invoke('send_group_notice', { group_id: 20001, content: 'again' });
    const names = fake.calls.filter((c) => c.action.includes('send_group_notice')).map((c) => c.action);
    assert.deepEqual(names, ['_send_group_notice', 'send_group_notice', 'send_group_notice']);
    assert.ok(backend.capabilities()[0].unknown.includes('_send_group_notice'));
  });

  test('LLOneBot deletes announcements as _delete_group_notice; Lagrange deletes folders as delete_group_file_folder', async () => {
    const ll = await connect('llonebot');
    await ll.backend.invoke('del_group_notice', { group_id: 20001, notice_id: 'n1' });
    assert.equal(ll.fake.calls.at(-1)?.action, '_delete_group_notice');
    const la = await connect('lagrange');
    await la.backend.invoke('delete_group_folder', { group_id: 20001, folder_id: '/f' });
    assert.equal(la.fake.calls.at(-1)?.action, 'delete_group_file_folder');
  });

  test('a group file is made permanent under each server’s name (trans_group_file / set_group_file_forever), each answering its own shape', async () => {
    const napcat = await connect('napcat');
    napcat.fake.handler = (action) => (action === 'trans_group_file' ? { data: { ok: true } } : action === 'set_group_file_forever' ? 'unknown' : undefined);
    assert.equal(await napcat.backend.invoke('set_group_file_forever', { group_id: 20001, file_id: '/f' }), null);
    assert.deepEqual(napcat.fake.calls.at(-1), { action: 'trans_group_file', params: { group_id: 20001, file_id: '/f' } });
    const ll = await connect('llonebot');
    ll.fake.handler = (action) => (action === 'trans_group_file' ? 'unknown' : undefined);
    assert.deepEqual(await ll.backend.invoke('trans_group_file', { group_id: 20001, file_id: '/f' }), { ok: true });
    assert.deepEqual(ll.fake.calls.map((c) => c.action).filter((a) => a.includes('file')), ['set_group_file_forever']);
    const la = await connect('lagrange');
    for (const action of ['trans_group_file', 'set_group_file_forever', 'get_recent_contact', 'get_doubt_friends_add_request', 'set_doubt_friends_add_request']) {
      assert.equal(la.backend.supports(action), false, `Lagrange has no ${action}`);
    }
    assert.equal(la.backend.capabilities()[0].actions.trans_group_file.supported, false);
    assert.deepEqual(napcat.backend.capabilities()[0].actions.set_group_file_forever, { supported: true, as: 'trans_group_file' });
  });

  test('NapCat’s recent contacts and doubtful requests keep its string fields; the newest message gets our id', async () => {
    const { fake, backend } = await connect('napcat');
    // NapCat's short ids are int32s and may be negative: ours are positive.
    const recent = [{ lastestMsg: { post_type: 'message', message_type: 'group', message_id: -1834927561, group_id: '20001', user_id: '10001', message: 'hi' }, peerUin: 20001, remark: '', msgTime: '1700000000', chatType: 2, msgId: '7300000000000000001', sendNickName: 'Alice', sendMemberName: '', peerName: 'Lobby' }];
    const doubts = [{ flag: 'u_abc', uin: '10004', nick: 'Dave', source: '群聊', reason: 'risk', msg: 'hi', group_code: '20001', time: '1700000000', type: 'doubt' }];
    fake.handler = (action) => (action === 'get_recent_contact' ? { data: recent } : action === 'get_doubt_friends_add_request' ? { data: doubts } : undefined);
    const [row] = (await backend.invoke('get_recent_contact', { count: 10 })) as Record<string, any>[];
    assert.equal(row.peerUin, '20001');
    assert.equal(row.msgId, '7300000000000000001');
    assert.ok(isOurId(row.lastestMsg.message_id));
    assert.notEqual(row.lastestMsg.message_id, -1834927561);
    assert.deepEqual([row.lastestMsg.group_id, row.lastestMsg.user_id, row.lastestMsg.message], [20001, 10001, [{ type: 'text', data: { text: 'hi' } }]]);
    assert.deepEqual(await backend.invoke('get_doubt_friends_add_request', { count: 50 }), doubts, 'uin stays the string NapCat sends');
  });

  test('an action the upstream lacks is unsupported (not_supported), from its own list or after every name failed', async () => {
    const gocq = await connect('go-cqhttp');
    assert.equal(gocq.backend.supports('set_msg_emoji_like'), false);
    await assert.rejects(gocq.backend.invoke('set_msg_emoji_like', { message_id: 1, emoji_id: '76' }), (e) => isBridgeError(e) && e.kind === 'unsupported' && (e.data as { not_supported: boolean }).not_supported);
    const napcat = await connect('napcat');
    napcat.fake.handler = (action) => (action === 'get_group_shut_list' ? 'unknown' : undefined);
    await assert.rejects(napcat.backend.invoke('get_group_shut_list', { group_id: 1 }), (e) => isBridgeError(e) && e.kind === 'unsupported');
    assert.equal(napcat.backend.supports('get_group_shut_list'), false, 'learned from the failure');
  });

  test('defaults that bite are always sent explicitly', async () => {
    const { fake, backend } = await connect('napcat');
    await backend.invoke('set_group_ban', { group_id: 20001, user_id: 10002 });
    assert.equal(fake.calls.at(-1)?.params.duration, 1800);
    await backend.invoke('set_online_status', { status: 41 });
    assert.deepEqual(fake.calls.at(-1)?.params, { status: 41, ext_status: 0, battery_status: 100 });
    await backend.invoke('set_qq_profile', { personal_note: 'hi' });
    assert.deepEqual(fake.calls.at(-1), { action: 'set_qq_profile', params: { personal_note: 'hi', nickname: 'MahBot' } });
  });

  test('group-file move and rename use each server’s parameter names, with the file’s folder remembered from listings', async () => {
    const moves: Record<string, Record<string, unknown>> = {};
    for (const name of ['napcat', 'lagrange', 'icqq'] as const) {
      const { fake, backend } = await connect(name);
      fake.handler = (action) =>
        action === 'get_group_files_by_folder' ? { data: { files: [{ file_id: '/abc', file_name: 'a.txt', size: 3 }], folders: [] } } : undefined;
      const listing = (await backend.invoke('get_group_files_by_folder', { group_id: 20001, folder_id: '/docs' })) as { files: Record<string, unknown>[] };
      assert.equal(listing.files[0].file_size, 3);
      assert.equal(listing.files[0].group_id, 20001);
      await backend.invoke('move_group_file', { group_id: 20001, file_id: '/abc', target_directory: '/new' });
      moves[name] = fake.calls.at(-1)?.params as Record<string, unknown>;
    }
    assert.deepEqual(moves.napcat, { group_id: 20001, file_id: '/abc', target_parent_directory: '/new', current_parent_directory: '/docs' });
    assert.deepEqual(moves.lagrange, { group_id: 20001, file_id: '/abc', target_directory: '/new', parent_directory: '/docs' });
    assert.deepEqual(moves.icqq, { group_id: 20001, file_id: '/abc', target_directory: '/new' });
  });

  test('icqq: our int32 ids go back as its own string ids (delete, reply, reaction), and unknown ids fail cleanly', async () => {
    const fx = loadFixture('icqq');
    const { fake, backend } = await connect('icqq');
    const sent = (await backend.invoke('send_group_msg', { group_id: 20001, message: 'hello' })) as { message_id: number };
    assert.ok(isOurId(sent.message_id));
    assert.deepEqual(fake.calls.at(-1)?.params.message, [{ type: 'text', data: { text: 'hello' } }], 'CQ-less upstream gets an array');
    await backend.invoke('send_group_msg', { group_id: 20001, message: [{ type: 'reply', data: { id: String(sent.message_id) } }, { type: 'text', data: { text: 'x' } }] });
    assert.equal((fake.calls.at(-1)?.params.message as { data: { id: unknown } }[])[0].data.id, fx.ids.A);
    await backend.invoke('delete_msg', { message_id: sent.message_id });
    assert.deepEqual(fake.calls.at(-1), { action: 'delete_msg', params: { message_id: fx.ids.A } });
    await assert.rejects(backend.invoke('delete_msg', { message_id: 77 }), (e) => isBridgeError(e) && e.kind === 'not_found');
  });

  test('Lagrange reacts through set_group_reaction, with the group learned from where the message was seen', async () => {
    const fx = loadFixture('lagrange');
    const { fake, backend } = await connect('lagrange');
    const [seen] = await pushed(fake, backend, [fx.events.group_message]);
    const id = seen.message_id as number;
    await backend.invoke('set_msg_emoji_like', { message_id: id, emoji_id: '76', set: true });
    assert.deepEqual(fake.calls.at(-1), { action: 'set_group_reaction', params: { group_id: 20001, message_id: 42, code: '76', is_add: true } });
    await backend.invoke('unset_msg_emoji_like', { message_id: id, emoji_id: '76' });
    assert.deepEqual(fake.calls.at(-1), { action: 'set_group_reaction', params: { group_id: 20001, message_id: 42, code: '76', is_add: false } });
  });

  test('history anchors follow the implementation', async () => {
    const anchors: Record<string, Record<string, unknown>> = {};
    for (const name of ['napcat', 'lagrange', 'go-cqhttp'] as const) {
      const fx = loadFixture(name);
      const { fake, backend } = await connect(name);
      fake.handler = (action) => (action === 'get_msg' ? { data: { message_id: fx.ids.A, message_seq: 5012, message: 'x' } } : undefined);
      const [seen] = await pushed(fake, backend, [fx.events.group_message]);
      const res = (await backend.invoke('get_group_msg_history', { group_id: 20001, message_id: seen.message_id, count: 5 })) as { messages: unknown[] };
      assert.equal(res.messages.length, 1);
      anchors[name] = fake.calls.filter((c) => c.action === 'get_group_msg_history').at(-1)?.params as Record<string, unknown>;
    }
    assert.deepEqual(anchors.napcat, { group_id: 20001, count: 5, message_seq: 1834927561 });
    assert.deepEqual(anchors.lagrange, { group_id: 20001, count: 5, message_id: 42 });
    assert.deepEqual(anchors['go-cqhttp'], { group_id: 20001, count: 5, message_seq: 5012 });
  });

  test('a duplicated message event (a replay) is delivered once', async () => {
    const fx = loadFixture('napcat');
    const { fake, backend } = await connect('napcat');
    const got = await pushed(fake, backend, [fx.events.group_message, fx.events.group_message, fx.events.reply], 2);
    assert.deepEqual(got.map((e) => e.message_id), [1834927561, 1834927562]);
    assert.equal(backend.capabilities()[0].stats.duplicates, 1);
  });
});
