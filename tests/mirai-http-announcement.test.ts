/** mirai HTTP: group announcements — list (paged), publish (one object), delete. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, LOBBY, QUIET, SELF, type Json } from './helpers';

const GROUP = { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' };
const KEYS = ['group', 'content', 'senderId', 'fid', 'allConfirmed', 'confirmedMembersCount', 'publicationTime'];

describe('mirai HTTP: announcements', () => {
  const m = miraiPerSuite();

  test('anno/list: Announcement objects with every field', async () => {
    const r = await m.get('/anno/list', { id: LOBBY });
    assert.deepEqual(r, {
      code: 0, msg: '',
      data: [{ group: GROUP, content: 'Welcome to the sandbox', senderId: SELF, fid: 'notice-1', allConfirmed: false, confirmedMembersCount: 2, publicationTime: 1700000005 }],
    });
    assert.deepEqual(await m.get('/anno/list', { id: 99999 }), { code: 5, msg: '指定对象不存在' });
  });

  test('anno/publish answers the new announcement as a single object; list pages newest first', async () => {
    const r = await m.post('/anno/publish', { target: LOBBY, content: 'Second notice', pinned: true, requireConfirmation: 'true' });
    assert.equal(r.code, 0);
    assert.equal(r.msg, '');
    assert.ok(!Array.isArray(r.data));
    assert.deepEqual(Object.keys(r.data), KEYS);
    assert.deepEqual({ ...r.data, fid: 'f', publicationTime: 0 }, { group: GROUP, content: 'Second notice', senderId: SELF, fid: 'f', allConfirmed: false, confirmedMembersCount: 0, publicationTime: 0 });
    assert.ok(r.data.fid.length > 0);
    const page = await m.get('/anno/list', { id: LOBBY, offset: 0, size: 1 });
    assert.deepEqual(page.data.map((a: Json) => a.fid), [r.data.fid]);
    const rest = await m.get('/anno/list', { id: LOBBY, offset: 1 });
    assert.deepEqual(rest.data.map((a: Json) => a.fid), ['notice-1']);
  });

  test('anno/publish: a plain member bot is refused (10); a missing image file is 6', async () => {
    assert.deepEqual(await m.post('/anno/publish', { target: QUIET, content: 'nope' }), { code: 10, msg: '无操作权限' });
    const r = await m.post('/anno/publish', { target: LOBBY, content: 'with image', imagePath: '/nonexistent/mah-bridge.png' });
    assert.equal(r.code, 6);
    assert.match(r.msg, /^文件不存在：/);
  });

  test('anno/delete removes one; deleting it again is 5', async () => {
    assert.deepEqual(await m.post('/anno/delete', { id: LOBBY, fid: 'notice-1' }), { code: 0, msg: 'success' });
    assert.ok(!(await m.get('/anno/list', { id: LOBBY })).data.some((a: Json) => a.fid === 'notice-1'));
    assert.deepEqual(await m.post('/anno/delete', { id: LOBBY, fid: 'notice-1' }), { code: 5, msg: '指定对象不存在' });
  });
});
