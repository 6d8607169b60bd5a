/**
 * OneBot v11 compatibility against the digest, over the real wire: every P0 and P1 action of the
 * digest (§4–§6) is in the table and runs on the sandbox, the stubs answer 1404 + not_supported, the
 * file extensions (download_file, upload_private_file, get_private_file_url) work, and every event the
 * sandbox emits carries the fields §8 lists, with their types, on the forward WS face.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../src/app';
import { until, within } from './helpers';

const SELF = 10000;
const ALICE = 10001;
const BOB = 10002;
const DAVE = 10004;
const LOBBY = 20001; // the bot owns it
const CHATTER = 20002; // the bot is an admin

let bridge: Bridge;
let base: string;
before(async () => {
  bridge = await startBridge({ logLevel: 'silent', mirai: { adapters: [] }, onebot: { port: 0, heartbeat: { enable: true, interval: 200 } } });
  base = `http://127.0.0.1:${bridge.ports.onebot}`;
});
after(async () => {
  await bridge.stop();
});

async function call(action: string, params: unknown = {}): Promise<any> {
  const res = await fetch(`${base}/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
  return res.json();
}
async function ok(action: string, params: unknown = {}): Promise<any> {
  const env = await call(action, params);
  assert.equal(env.retcode, 0, `${action} ${JSON.stringify(params)}: ${JSON.stringify(env)}`);
  return env.data;
}
async function control(op: string, body: unknown): Promise<any> {
  const res = await fetch(`${base}/sandbox/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  assert.equal(res.status, 200, `control ${op}: ${JSON.stringify(json)}`);
  return json;
}

/** Standard OneBot v11 actions (digest §4), all P0. */
const STANDARD = [
  'send_private_msg', 'send_group_msg', 'send_msg', 'delete_msg', 'get_msg', 'get_forward_msg', 'send_like', 'set_group_kick', 'set_group_ban',
  'set_group_anonymous_ban', 'set_group_whole_ban', 'set_group_admin', 'set_group_anonymous', 'set_group_card', 'set_group_name', 'set_group_leave',
  'set_group_special_title', 'set_friend_add_request', 'set_group_add_request', 'get_login_info', 'get_stranger_info', 'get_friend_list',
  'get_group_info', 'get_group_list', 'get_group_member_info', 'get_group_member_list', 'get_group_honor_info', 'get_cookies', 'get_csrf_token',
  'get_credentials', 'get_record', 'get_image', 'can_send_image', 'can_send_record', 'get_status', 'get_version_info', 'set_restart', 'clean_cache',
];
/** The seed page and its live additions (§6.10), P0. */
const SEED = [
  'send_like', 'set_qq_profile', 'set_qq_avatar', 'set_group_portrait', 'set_self_longnick', 'set_online_status', 'get_roaming_stamp', 'delete_stamp',
  'add_friend_category', 'delete_friend_category', 'rename_friend_category', 'delete_friend', 'get_unidirectional_friend_list',
  'get_user_status', 'get_clientkey', 'set_friend_category', 'set_friend_remark', 'set_friend_msg_mask', 'get_friend_msg_mask', 'get_friends_with_category', 'get_qq_avatar',
];
/** P1: what the mirai side and the frameworks need (§5, §6.1–§6.3, §6.5–§6.9). */
const P1 = [
  'handle_quick_operation', 'get_supported_actions', 'download_file',
  'get_group_msg_history', 'get_friend_msg_history', 'mark_msg_as_read', 'mark_private_msg_as_read', 'mark_group_msg_as_read', '_mark_all_as_read',
  'forward_friend_single_msg', 'forward_group_single_msg',
  'send_group_forward_msg', 'send_private_forward_msg', 'send_forward_msg',
  'send_poke', 'group_poke', 'friend_poke',
  'set_essence_msg', 'delete_essence_msg', 'get_essence_msg_list',
  'send_group_notice', 'get_group_notice', 'del_group_notice', 'get_group_system_msg',
  'get_group_file_system_info', 'get_group_root_files', 'get_group_files_by_folder', 'get_group_file_url', 'upload_group_file', 'delete_group_file',
  'create_group_file_folder', 'delete_group_folder', 'move_group_file', 'rename_group_file', 'rename_group_file_folder',
  'upload_private_file',
];
/** Other spellings clients use (§1.4), each answered by its canonical action. */
const ALIASES: [string, string][] = [
  ['.handle_quick_operation', 'handle_quick_operation'], ['_send_group_notice', 'send_group_notice'], ['_get_group_notice', 'get_group_notice'],
  ['_del_group_notice', 'del_group_notice'], ['_delete_group_notice', 'del_group_notice'], ['delete_group_file_folder', 'delete_group_folder'],
  ['set_group_sign', 'send_group_sign'], ['nc_get_user_status', 'get_user_status'], ['batch_delete_group_member', 'set_group_kick_members'],
];
const STUBS = ['delete_unidirectional_friend', 'set_model_show', '_set_model_show', 'get_model_show', '_get_model_show', 'qidian_get_account_info', 'get_word_slices', '.get_word_slices'];

describe('the action table against the digest', () => {
  test('every P0 and P1 action is supported by the sandbox and listed by get_supported_actions', async () => {
    const supported: string[] = await ok('get_supported_actions');
    const missing = [...new Set([...STANDARD, ...SEED, ...P1])].filter((a) => !supported.includes(a));
    assert.deepEqual(missing, []);
    assert.deepEqual([...supported].sort(), supported, 'sorted');
    for (const [alias, canonical] of ALIASES) {
      assert.ok(bridge.core.resolve(alias), alias);
      assert.equal(bridge.core.resolve(alias)!.name, canonical);
    }
  });

  test('the stubs answer HTTP 200, retcode 1404 with data.not_supported, and are not listed as supported', async () => {
    const supported: string[] = await ok('get_supported_actions');
    for (const stub of STUBS) {
      const res = await fetch(`${base}/${stub}`, { method: 'POST', body: '{}' });
      const env = (await res.json()) as any;
      assert.equal(res.status, 200, stub);
      assert.equal(env.retcode, 1404, stub);
      assert.equal(env.status, 'failed');
      assert.equal(env.data.not_supported, true, stub);
      assert.equal(typeof env.message, 'string');
      assert.ok(!supported.includes(stub.replace(/^[._]+/, '')), stub);
    }
  });

  test('retcodes on the wire: 1400 bad params (HTTP 200), 1404 unknown action (HTTP 404), 1500 a refusal of the QQ side', async () => {
    const bad = await fetch(`${base}/set_qq_profile`, { method: 'POST', body: '{"company":"x"}' });
    assert.equal(bad.status, 200);
    assert.equal(((await bad.json()) as any).retcode, 1400);
    const unknown = await fetch(`${base}/no_such_action`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).retcode, 1404);
    const refused = await call('set_group_leave', { group_id: LOBBY }); // the owner may only leave by dissolving
    assert.equal(refused.retcode, 1500);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.data, null);
    assert.equal(typeof refused.wording, 'string');
  });
});

describe('file extensions', () => {
  let server: http.Server;
  let url: string;
  let seenHeaders: http.IncomingHttpHeaders | undefined;
  before(async () => {
    server = http.createServer((req, res) => {
      seenHeaders = req.headers;
      if (req.url === '/missing') return res.writeHead(404).end();
      res.end('file body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('download_file fetches a URL with the given headers (either spelling) into a local file, or decodes base64', async () => {
    const got = await ok('download_file', { url: `${url}/report.txt`, headers: 'X-One: 1\r\nX-Two=2', thread_count: 3 });
    assert.equal(fs.readFileSync(got.file, 'utf8'), 'file body');
    assert.match(got.file, /report\.txt$/);
    assert.equal(seenHeaders?.['x-one'], '1');
    assert.equal(seenHeaders?.['x-two'], '2');
    await ok('download_file', { url: `${url}/a`, headers: ['X-Three: 3'] });
    assert.equal(seenHeaders?.['x-three'], '3');
    const b64 = await ok('download_file', { base64: Buffer.from('hello').toString('base64'), name: '../../escape.txt' });
    assert.equal(fs.readFileSync(b64.file, 'utf8'), 'hello');
    assert.doesNotMatch(b64.file, /\.\.\//);
    // The downloaded file can be sent by path.
    const sent = await ok('send_group_msg', { group_id: LOBBY, message: [{ type: 'file', data: { file: got.file } }] });
    assert.equal((await ok('get_msg', sent)).message[0].data.file_size, 'file body'.length);
    assert.equal((await call('download_file', { url: `${url}/missing` })).retcode, 1500);
    assert.equal((await call('download_file', { url: 'ftp://example.invalid/x' })).retcode, 1400);
    assert.equal((await call('download_file', {})).retcode, 1400);
    assert.equal((await call('download_file', { base64: '%%%' })).retcode, 1400);
  });

  test('upload_private_file sends a file message to a friend; get_private_file_url finds it', async () => {
    const { file_id } = await ok('upload_private_file', { user_id: String(ALICE), file: `base64://${Buffer.from('notes').toString('base64')}`, name: 'notes.txt' });
    assert.equal(typeof file_id, 'string');
    const { messages } = await ok('get_friend_msg_history', { user_id: ALICE });
    const last = messages[messages.length - 1];
    assert.deepEqual(last.message[0].type, 'file');
    assert.equal(last.message[0].data.name, 'notes.txt');
    assert.equal(last.message[0].data.file, file_id);
    const { url: fileUrl } = await ok('get_private_file_url', { file_id, user_id: ALICE });
    assert.equal(fileUrl, last.message[0].data.url);
    assert.equal((await call('get_private_file_url', { file_id: 'nope' })).retcode, 1404);
    assert.equal((await call('upload_private_file', { user_id: DAVE, file: 'base64://aGk=' })).retcode, 1404); // not a friend
    assert.equal((await call('upload_private_file', { user_id: DAVE, group_id: LOBBY, file: 'base64://aGk=', name: 'x.bin' })).retcode, 0); // temp session
    assert.equal((await call('upload_private_file', { user_id: ALICE })).retcode, 1400);
  });
});

/** `[field, type]`: `int`, `string`, `bool`, `object`, `array`, `null`, or an exact value. */
type Spec = [string, unknown][];
const typeOk = (v: unknown, t: unknown) =>
  t === 'int' ? Number.isInteger(v) : t === 'string' ? typeof v === 'string' : t === 'bool' ? typeof v === 'boolean'
    : t === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v) : t === 'array' ? Array.isArray(v) : t === 'null' ? v === null : v === t;

function checkEvent(ev: Record<string, any>, spec: Spec, what: string): void {
  assert.ok(Number.isInteger(ev.time) && ev.time > 1_600_000_000 && ev.time < 10_000_000_000, `${what}: time in seconds`);
  assert.equal(ev.self_id, SELF, `${what}: self_id`);
  for (const [field, type] of spec) {
    const v = field.split('.').reduce((o: any, k) => o?.[k], ev);
    assert.ok(typeOk(v, type), `${what}: ${field} should be ${String(type)}, is ${JSON.stringify(v)}`);
  }
}

describe('events on the forward WS face, field by field (digest §8)', () => {
  let ws: WebSocket;
  const frames: Record<string, any>[] = [];
  before(async () => {
    ws = new WebSocket(`ws://127.0.0.1:${bridge.ports.onebot}/event`);
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await within(new Promise((r) => ws.once('open', r)), 'the socket to open');
  });
  after(() => ws?.terminate());

  /** Run `trigger`, then return the first new frame matching `pred`. */
  async function expectEvent(trigger: () => Promise<unknown>, pred: (f: Record<string, any>) => boolean): Promise<Record<string, any>> {
    const from = frames.length;
    await trigger();
    await until(() => frames.slice(from).some(pred), `a frame matching ${pred}`);
    return frames.slice(from).find(pred)!;
  }
  const notice = (type: string, sub?: string) => (f: Record<string, any>) => f.post_type === 'notice' && f.notice_type === type && (sub === undefined || f.sub_type === sub);

  test('meta events: lifecycle connect first, then heartbeats with status and interval', async () => {
    checkEvent(frames[0], [['post_type', 'meta_event'], ['meta_event_type', 'lifecycle'], ['sub_type', 'connect']], 'lifecycle');
    const hb = await expectEvent(async () => undefined, (f) => f.meta_event_type === 'heartbeat');
    checkEvent(hb, [['post_type', 'meta_event'], ['interval', 200], ['status', 'object'], ['status.online', true], ['status.good', true]], 'heartbeat');
  });

  test('message events, private and group', async () => {
    const priv = await expectEvent(() => control('message', { user_id: ALICE, message: 'hi' }), (f) => f.post_type === 'message' && f.message_type === 'private');
    checkEvent(priv, [
      ['post_type', 'message'], ['sub_type', 'friend'], ['message_id', 'int'], ['user_id', ALICE], ['message', 'array'], ['message.0.type', 'text'],
      ['raw_message', 'hi'], ['font', 'int'], ['sender', 'object'], ['sender.user_id', ALICE], ['sender.nickname', 'string'], ['sender.sex', 'string'],
      ['sender.age', 'int'], ['message_seq', 'int'], ['real_id', 'int'], ['target_id', SELF],
    ], 'private message');
    assert.equal(priv.group_id, undefined);
    const group = await expectEvent(() => control('message', { user_id: ALICE, group_id: LOBBY, message: [{ type: 'face', data: { id: 14 } }] }), (f) => f.post_type === 'message' && f.message_type === 'group');
    checkEvent(group, [
      ['sub_type', 'normal'], ['message_id', 'int'], ['group_id', LOBBY], ['user_id', ALICE], ['anonymous', 'null'], ['message', 'array'],
      ['message.0.data.id', '14'], ['raw_message', '[CQ:face,id=14]'], ['font', 'int'], ['sender.user_id', ALICE], ['sender.nickname', 'string'],
      ['sender.card', 'string'], ['sender.sex', 'string'], ['sender.age', 'int'], ['sender.area', 'string'], ['sender.level', 'string'],
      ['sender.role', 'admin'], ['sender.title', 'string'], ['target_id', LOBBY],
    ], 'group message');
    const temp = await expectEvent(() => control('message', { user_id: DAVE, group_id: LOBBY, temp: true, message: 'psst' }), (f) => f.post_type === 'message' && f.sub_type === 'group');
    checkEvent(temp, [['message_type', 'private'], ['user_id', DAVE], ['sender.group_id', LOBBY]], 'temp message');
  });

  test('request events: friend, group add, group invite', async () => {
    const friend = await expectEvent(() => control('friend_request', { user_id: DAVE, comment: 'hello' }), (f) => f.post_type === 'request' && f.request_type === 'friend');
    checkEvent(friend, [['user_id', DAVE], ['comment', 'hello'], ['flag', 'string']], 'friend request');
    const add = await expectEvent(() => control('join_request', { group_id: CHATTER, user_id: DAVE, comment: 'let me in' }), (f) => f.post_type === 'request' && f.sub_type === 'add');
    checkEvent(add, [['request_type', 'group'], ['group_id', CHATTER], ['user_id', DAVE], ['comment', 'let me in'], ['flag', 'string']], 'join request');
    const invite = await expectEvent(() => control('group_invite', { group_id: 29999, user_id: ALICE }), (f) => f.post_type === 'request' && f.sub_type === 'invite');
    checkEvent(invite, [['request_type', 'group'], ['group_id', 29999], ['user_id', ALICE], ['comment', 'string'], ['flag', 'string']], 'invite');
  });

  test('notice events: every type the sandbox emits has the fields §8.3 lists', async () => {
    const group = (extra: Spec): Spec => [['group_id', 'int'], ...extra];
    const cases: [string, () => Promise<unknown>, (f: Record<string, any>) => boolean, Spec][] = [
      ['group_upload', () => control('group_upload', { group_id: LOBBY, user_id: ALICE, name: 'a.txt', size: 3 }), notice('group_upload'),
        group([['user_id', ALICE], ['file.id', 'string'], ['file.name', 'a.txt'], ['file.size', 3], ['file.busid', 'int']])],
      ['group_admin set', () => ok('set_group_admin', { group_id: LOBBY, user_id: BOB }), notice('group_admin', 'set'), group([['user_id', BOB]])],
      ['group_admin unset', () => ok('set_group_admin', { group_id: LOBBY, user_id: BOB, enable: false }), notice('group_admin', 'unset'), group([['user_id', BOB]])],
      ['group_ban ban', () => ok('set_group_ban', { group_id: LOBBY, user_id: BOB, duration: 60 }), notice('group_ban', 'ban'),
        group([['operator_id', SELF], ['user_id', BOB], ['duration', 60]])],
      ['group_ban lift_ban', () => ok('set_group_ban', { group_id: LOBBY, user_id: BOB, duration: 0 }), notice('group_ban', 'lift_ban'),
        group([['operator_id', SELF], ['user_id', BOB], ['duration', 'int']])],
      ['group_ban whole', () => ok('set_group_whole_ban', { group_id: LOBBY }), (f) => notice('group_ban', 'ban')(f) && f.user_id === 0,
        group([['operator_id', SELF], ['user_id', 0], ['duration', -1]])],
      ['group_card', () => ok('set_group_card', { group_id: LOBBY, user_id: BOB, card: 'Bobby' }), notice('group_card'),
        group([['user_id', BOB], ['card_new', 'Bobby'], ['card_old', '']])],
      ['notify title', () => ok('set_group_special_title', { group_id: LOBBY, user_id: BOB, special_title: 'Star' }), notice('notify', 'title'),
        group([['user_id', BOB], ['title', 'Star']])],
      ['notify group_name', () => ok('set_group_name', { group_id: LOBBY, group_name: 'Lobby 2' }), notice('notify', 'group_name'),
        group([['user_id', SELF], ['name_new', 'Lobby 2']])],
      ['notify honor', () => control('member_honor', { group_id: LOBBY, user_id: ALICE, honor_type: 'talkative' }), notice('notify', 'honor'),
        group([['user_id', ALICE], ['honor_type', 'talkative']])],
      ['notify poke (group)', () => ok('group_poke', { group_id: LOBBY, user_id: ALICE }), (f) => notice('notify', 'poke')(f) && f.group_id === LOBBY,
        group([['user_id', SELF], ['target_id', ALICE]])],
      ['notify poke (friend)', () => control('poke', { user_id: ALICE }), (f) => notice('notify', 'poke')(f) && f.group_id === undefined,
        [['user_id', ALICE], ['target_id', SELF], ['sender_id', ALICE]]],
      ['notify input_status', () => control('input_status', { user_id: ALICE }), notice('notify', 'input_status'),
        [['user_id', ALICE], ['group_id', 0], ['event_type', 1], ['status_text', 'string']]],
      ['notify profile_like', () => control('profile_like', { user_id: ALICE, times: 3 }), notice('notify', 'profile_like'),
        [['operator_id', ALICE], ['operator_nick', 'string'], ['times', 3]]],
      ['notify group_sign', () => ok('send_group_sign', { group_id: LOBBY }), notice('notify', 'group_sign'),
        group([['user_id', SELF], ['nick', 'string'], ['sign_text', 'string']])],
      ['group_increase approve', () => control('member_join', { group_id: LOBBY, user_id: 30001 }), notice('group_increase', 'approve'),
        group([['operator_id', 'int'], ['user_id', 30001]])],
      ['group_decrease leave', () => control('member_leave', { group_id: LOBBY, user_id: 30001 }), notice('group_decrease', 'leave'),
        group([['operator_id', 30001], ['user_id', 30001]])],
      ['group_decrease kick', () => ok('set_group_kick', { group_id: LOBBY, user_id: DAVE }), notice('group_decrease', 'kick'),
        group([['operator_id', SELF], ['user_id', DAVE]])],
      ['friend_add', () => control('friend_add', { user_id: 10005 }), notice('friend_add'), [['user_id', 10005]]],
      ['friend_decrease', () => control('friend_delete', { user_id: 10005 }), notice('friend_decrease'), [['user_id', 10005]]],
      ['bot_offline', () => control('bot_offline', {}), notice('bot_offline'), [['user_id', SELF], ['tag', 'string'], ['message', 'string']]],
      ['bot_online', () => control('bot_online', {}), notice('bot_online'), [['reason', 'string']]],
    ];
    for (const [what, trigger, pred, spec] of cases) checkEvent(await expectEvent(trigger, pred), [['post_type', 'notice'], ...spec], what);

    // Recalls, essence and reactions need a message first.
    const { message_id } = await control('message', { user_id: ALICE, group_id: LOBBY, message: 'keep me' });
    checkEvent(await expectEvent(() => ok('set_essence_msg', { message_id }), notice('essence', 'add')),
      [['group_id', LOBBY], ['sender_id', ALICE], ['operator_id', SELF], ['message_id', message_id]], 'essence add');
    checkEvent(await expectEvent(() => ok('delete_essence_msg', { message_id }), notice('essence', 'delete')),
      [['group_id', LOBBY], ['sender_id', ALICE], ['operator_id', SELF], ['message_id', message_id]], 'essence delete');
    checkEvent(await expectEvent(() => ok('set_msg_emoji_like', { message_id, emoji_id: '66' }), notice('group_msg_emoji_like')),
      [['group_id', LOBBY], ['user_id', SELF], ['message_id', message_id], ['likes', 'array'], ['likes.0.emoji_id', '66'], ['likes.0.count', 'int'], ['is_add', true], ['sub_type', 'add']], 'reaction');
    checkEvent(await expectEvent(() => ok('delete_msg', { message_id }), notice('group_recall')),
      [['group_id', LOBBY], ['user_id', ALICE], ['operator_id', SELF], ['message_id', message_id]], 'group_recall');
    const dm = await control('message', { user_id: ALICE, message: 'oops' });
    checkEvent(await expectEvent(() => control('recall', { message_id: dm.message_id }), notice('friend_recall')),
      [['user_id', ALICE], ['message_id', dm.message_id]], 'friend_recall');
    checkEvent(await expectEvent(() => ok('set_group_kick', { group_id: CHATTER, user_id: 10003 }).catch(() => undefined).then(() => control('member_kick', { group_id: CHATTER, user_id: SELF })), notice('group_decrease', 'kick_me')),
      [['group_id', CHATTER], ['operator_id', BOB], ['user_id', SELF]], 'kick_me');
  });
});
