/**
 * The backend conformance suite: one set of behaviours every backend must show, run against the
 * sandbox directly and against the upstream backend talking to a second bridge that runs the
 * sandbox (over forward WS, HTTP + HTTP-POST, and reverse WS). The sandbox's control surface plays
 * the other people; everything is observed through the bridge under test's action core. The sandbox's
 * ids are positive int32s, which an upstream passes through unchanged: control operations take the ids
 * the bridge under test shows.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { isBridgeError } from '../../src/errors';
import type { Params } from '../../src/core/types';
import { nextEmit } from '../helpers';

export interface Harness {
  /** Call an action through the bridge under test (its action core). */
  call(action: string, params?: Params): Promise<unknown>;
  /** Run a sandbox control operation (a friend writes, a member joins…). */
  control(op: string, params?: Params): Promise<unknown>;
  /** The bridge under test's event stream (core events). */
  events: EventEmitter;
  bots(): number[];
  stop(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const INT32_MAX = 0x7fffffff;
const isOurId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= INT32_MAX;

export function conformanceSuite(name: string, start: () => Promise<Harness>): void {
  describe(`backend conformance: ${name}`, () => {
    let h: Harness;
    before(async () => {
      h = await start();
    });
    after(async () => {
      await h?.stop();
    });

    /** Register before acting: resolves with the first event matching `pred` (a missing one fails, it does not hang). */
    const expectEvent = (pred: (e: Any) => boolean): Promise<Any> => nextEmit<Any>(h.events, 'event', pred, `an event matching ${pred.toString()}`);
    const notice = (type: string, extra: (e: Any) => boolean = () => true) => (e: Any) => e.post_type === 'notice' && e.notice_type === type && extra(e);
    const fails = async (p: Promise<unknown>, kinds?: string[]) =>
      assert.rejects(p, (e) => isBridgeError(e) && (!kinds || kinds.includes(e.kind)));

    test('the bot is known and describes itself', async () => {
      assert.ok(h.bots().includes(10000));
      assert.deepEqual(await h.call('get_login_info'), { user_id: 10000, nickname: 'MahBot' });
    });

    test('contact lists: friends, groups, members', async () => {
      const friends = (await h.call('get_friend_list')) as Any[];
      assert.deepEqual(friends.find((f) => f.user_id === 10001), { ...friends.find((f) => f.user_id === 10001), user_id: 10001, nickname: 'Alice', remark: 'alice' });
      const groups = (await h.call('get_group_list')) as Any[];
      assert.equal(groups.find((g) => g.group_id === 20001)?.group_name, 'Sandbox Lobby');
      const members = (await h.call('get_group_member_list', { group_id: 20001 })) as Any[];
      assert.equal(members.find((m) => m.user_id === 10004)?.card, 'Dave');
      const bob = (await h.call('get_group_member_info', { group_id: 20002, user_id: 10002 })) as Any;
      assert.equal(bob.role, 'owner');
      await fails(h.call('get_group_info', { group_id: 29999 }));
    });

    test('a friend’s message arrives as an event, and get_msg / reply / recall work on its id', async () => {
      const arrived = expectEvent((e) => e.post_type === 'message' && e.message_type === 'private' && e.user_id === 10001);
      await h.control('message', { user_id: 10001, message: 'hello bridge' });
      const ev = await arrived;
      assert.ok(isOurId(ev.message_id));
      assert.deepEqual(ev.message, [{ type: 'text', data: { text: 'hello bridge' } }]);
      assert.equal(ev.self_id, 10000);
      const got = (await h.call('get_msg', { message_id: ev.message_id })) as Any;
      assert.equal(got.message_id, ev.message_id);
      assert.deepEqual(got.message, ev.message);

      const sent = (await h.call('send_private_msg', { user_id: 10001, message: [{ type: 'reply', data: { id: String(ev.message_id) } }, { type: 'text', data: { text: 'hi Alice' } }] })) as Any;
      assert.ok(isOurId(sent.message_id));
      const mine = (await h.call('get_msg', { message_id: sent.message_id })) as Any;
      assert.deepEqual(mine.message, [{ type: 'reply', data: { id: String(ev.message_id) } }, { type: 'text', data: { text: 'hi Alice' } }]);

      await h.call('delete_msg', { message_id: sent.message_id });
      await fails(h.call('get_msg', { message_id: sent.message_id }));
    });

    test('a group message sent as a CQ string arrives in the group history', async () => {
      const sent = (await h.call('send_group_msg', { group_id: 20001, message: 'hi [CQ:at,qq=10001]' })) as Any;
      assert.ok(isOurId(sent.message_id));
      const hist = (await h.call('get_group_msg_history', { group_id: 20001, count: 5 })) as Any;
      const item = hist.messages.find((m: Any) => m.message_id === sent.message_id);
      assert.ok(item, 'the sent message is in the history under the same id');
      assert.deepEqual(item.message, [{ type: 'text', data: { text: 'hi ' } }, { type: 'at', data: { qq: '10001' } }]);
    });

    test('a merged forward is sent from nodes and read back by its id', async () => {
      const sent = (await h.call('send_group_forward_msg', {
        group_id: 20001,
        messages: [
          { type: 'node', data: { user_id: 10001, nickname: 'Alice', content: 'first' } },
          { type: 'node', data: { user_id: 10002, nickname: 'Bob', content: [{ type: 'text', data: { text: 'second' } }] } },
        ],
      })) as Any;
      assert.ok(isOurId(sent.message_id));
      assert.equal(typeof sent.forward_id, 'string');
      const fwd = (await h.call('get_forward_msg', { id: sent.forward_id })) as Any;
      assert.deepEqual(fwd.messages.map((n: Any) => [n.sender.user_id, n.sender.nickname, n.content]), [
        [10001, 'Alice', [{ type: 'text', data: { text: 'first' } }]],
        [10002, 'Bob', [{ type: 'text', data: { text: 'second' } }]],
      ]);
    });

    test('someone else recalls a message: the recall notice names the id the message event had', async () => {
      const arrived = expectEvent((e) => e.post_type === 'message' && e.group_id === 20001 && e.user_id === 10002);
      await h.control('message', { group_id: 20001, user_id: 10002, message: 'oops' });
      const ev = await arrived;
      const recalled = expectEvent(notice('group_recall'));
      await h.control('recall', { message_id: ev.message_id, operator_id: 10002 });
      const rn = await recalled;
      assert.equal(rn.message_id, ev.message_id);
      assert.equal(rn.group_id, 20001);
    });

    test('group administration: card, ban with an explicit and a default duration, admin, and the notices they cause', async () => {
      const card = expectEvent(notice('group_card'));
      await h.call('set_group_card', { group_id: 20001, user_id: 10004, card: 'Dave 2' });
      assert.equal((await card).card_new, 'Dave 2');
      assert.equal(((await h.call('get_group_member_info', { group_id: 20001, user_id: 10004 })) as Any).card, 'Dave 2');

      const ban = expectEvent(notice('group_ban', (e) => e.sub_type === 'ban'));
      await h.call('set_group_ban', { group_id: 20001, user_id: 10002, duration: 60 });
      const b = await ban;
      assert.equal(b.duration, 60);
      assert.equal(b.user_id, 10002);
      const lift = expectEvent(notice('group_ban', (e) => e.sub_type === 'lift_ban'));
      await h.call('set_group_ban', { group_id: 20001, user_id: 10002, duration: 0 });
      await lift;
      const byDefault = expectEvent(notice('group_ban', (e) => e.sub_type === 'ban'));
      await h.call('set_group_ban', { group_id: 20001, user_id: 10002 });
      assert.equal((await byDefault).duration, 1800, 'no duration means the standard 30 minutes, on every backend');
      await h.call('set_group_ban', { group_id: 20001, user_id: 10002, duration: 0 });

      const admin = expectEvent(notice('group_admin'));
      await h.call('set_group_admin', { group_id: 20001, user_id: 10002, enable: true });
      assert.equal((await admin).sub_type, 'set');
      await fails(h.call('set_group_kick', { group_id: 20003, user_id: 10005 }), ['permission', 'rejected']);
    });

    test('group files: listing, folder creation, download url', async () => {
      const root = (await h.call('get_group_root_files', { group_id: 20001 })) as Any;
      const readme = root.files.find((f: Any) => f.file_name === 'readme.txt');
      assert.ok(readme);
      assert.ok(root.folders.some((f: Any) => f.folder_name === 'docs'));
      await h.call('create_group_file_folder', { group_id: 20001, name: 'conformance' });
      const again = (await h.call('get_group_root_files', { group_id: 20001 })) as Any;
      assert.ok(again.folders.some((f: Any) => f.folder_name === 'conformance'));
      const url = (await h.call('get_group_file_url', { group_id: 20001, file_id: readme.file_id, busid: readme.busid })) as Any;
      assert.equal(typeof url.url, 'string');
    });

    test('announcements: publish, then list', async () => {
      await h.call('send_group_notice', { group_id: 20001, content: 'conformance notice' });
      const list = (await h.call('get_group_notice', { group_id: 20001 })) as Any[];
      assert.ok(list.some((n) => JSON.stringify(n).includes('conformance notice')));
    });

    test('a friend request arrives with a flag, and approving it makes a friend', async () => {
      const req = expectEvent((e) => e.post_type === 'request' && e.request_type === 'friend');
      await h.control('friend_request', { user_id: 10005, comment: 'add me' });
      const r = await req;
      assert.equal(typeof r.flag, 'string');
      assert.equal(r.comment, 'add me');
      const added = expectEvent(notice('friend_add'));
      await h.call('set_friend_add_request', { flag: r.flag, approve: true });
      assert.equal((await added).user_id, 10005);
      assert.ok(((await h.call('get_friend_list')) as Any[]).some((f) => f.user_id === 10005));
    });

    test('pokes, renames and reactions arrive as the standard notices', async () => {
      const poke = expectEvent(notice('notify', (e) => e.sub_type === 'poke'));
      await h.control('poke', { group_id: 20001, user_id: 10001 });
      const p = await poke;
      assert.equal(p.user_id, 10001);
      assert.equal(p.target_id, 10000);

      const rename = expectEvent(notice('notify', (e) => e.sub_type === 'group_name'));
      await h.control('group_name', { group_id: 20001, name: 'Renamed Lobby', operator_id: 10001 });
      assert.equal((await rename).name_new, 'Renamed Lobby');
      assert.equal(((await h.call('get_group_info', { group_id: 20001 })) as Any).group_name, 'Renamed Lobby');

      const sent = (await h.call('send_group_msg', { group_id: 20001, message: 'react to me' })) as Any;
      const reaction = expectEvent(notice('group_msg_emoji_like'));
      await h.control('reaction', { group_id: 20001, message_id: sent.message_id, user_id: 10001, emoji_id: '76' });
      const re = await reaction;
      assert.equal(re.message_id, sent.message_id);
      assert.equal(re.is_add, true);
    });

    test('extensions: recent contacts, a temporary group file made permanent, a doubtful friend request approved', async () => {
      const sent = (await h.call('send_private_msg', { user_id: 10003, message: 'most recent' })) as Any;
      const rows = (await h.call('get_recent_contact', { count: 50 })) as Any[];
      assert.deepEqual(
        { ...rows[0], lastestMsg: undefined, msgTime: undefined },
        { lastestMsg: undefined, msgTime: undefined, peerUin: '10003', remark: 'carol (work)', chatType: 1, msgId: String(sent.message_id), sendNickName: 'MahBot', sendMemberName: '', peerName: 'Carol' },
      );
      assert.equal(rows[0].lastestMsg.message_id, sent.message_id);
      assert.deepEqual(rows[0].lastestMsg.message, [{ type: 'text', data: { text: 'most recent' } }]);

      const up = (await h.control('group_upload', { group_id: 20001, user_id: 10001, name: 'temporary.bin', size: 1, temporary: true })) as Any;
      assert.equal(up.busid, 104);
      assert.deepEqual(await h.call('trans_group_file', { group_id: 20001, file_id: up.file_id }), { ok: true });
      assert.equal(await h.call('set_group_file_forever', { group_id: 20001, file_id: up.file_id }), null);
      const file = ((await h.call('get_group_root_files', { group_id: 20001 })) as Any).files.find((f: Any) => f.file_id === up.file_id);
      assert.deepEqual([file.busid, file.dead_time], [102, 0]);
      await fails(h.call('trans_group_file', { group_id: 20001, file_id: '/nope' }), ['not_found']);

      const { flag } = (await h.control('doubt_friend_request', { user_id: 10004, comment: 'doubtful' })) as Any;
      const doubts = (await h.call('get_doubt_friends_add_request')) as Any[];
      assert.deepEqual({ ...doubts[0], time: undefined, reason: undefined, source: undefined }, {
        flag, uin: '10004', nick: 'Dave', msg: 'doubtful', group_code: '0', type: 'doubt', time: undefined, reason: undefined, source: undefined,
      });
      const added = expectEvent(notice('friend_add', (e) => e.user_id === 10004));
      assert.equal(await h.call('set_doubt_friends_add_request', { flag }), null);
      await added;
      assert.deepEqual(await h.call('get_doubt_friends_add_request'), []);
      await fails(h.call('set_doubt_friends_add_request', { flag }), ['bad_params']);
    });

    test('bad params and unsupported actions fail with the right kinds', async () => {
      await fails(h.call('send_group_msg', { message: 'no group' }), ['bad_params']);
      await fails(h.call('no_such_action'), ['unknown_action']);
    });
  });
}

