/** mirai HTTP: group files as RemoteFile trees, and the multipart uploads (images, voices, videos, files). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { miraiPerSuite, ALICE, LOBBY, QUIET, type Json } from './helpers';

const GROUP = { id: LOBBY, name: 'Sandbox Lobby', permission: 'OWNER' };
const ROOT = {
  name: '/', id: '/', path: '/', parent: null, contact: GROUP, isFile: false, isDictionary: true, isDirectory: true,
  size: 0, sha1: null, md5: null, uploaderId: null, uploadTime: null, lastModifyTime: null, downloadInfo: null,
};
const REMOTE_FILE_KEYS = Object.keys(ROOT);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** A hand-written multipart body, so tests control every header byte. */
function multipart(parts: { name: string; filename?: string; disposition?: string; type?: string; data: Buffer | string }[]) {
  const boundary = '----mahbridge' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = p.disposition ?? `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('mirai HTTP: group files', () => {
  const m = miraiPerSuite();

  const list = (q: Record<string, unknown>) => m.get('/file/list', { target: LOBBY, ...q });

  test('file/list of the root: folders then files, every RemoteFile field, the root as parent', async () => {
    const r = await list({ id: '' });
    assert.equal(r.code, 0);
    assert.equal(r.msg, '');
    assert.deepEqual(r.data.map((f: Json) => f.name), ['docs', 'readme.txt']);
    for (const f of r.data) assert.deepEqual(Object.keys(f), REMOTE_FILE_KEYS);
    assert.deepEqual(r.data[0], { ...ROOT, name: 'docs', id: '/folder-docs', path: '/docs', parent: ROOT });
    assert.deepEqual(r.data[1], {
      name: 'readme.txt', id: '/file-readme', path: '/readme.txt', parent: ROOT, contact: GROUP, isFile: true, isDictionary: false, isDirectory: false,
      size: 12, sha1: 'D2A84F4B8B650937EC8F73CD8BE2C74ADD5A911BA', md5: '5EB63BBBE01EEED093CB22BB8F5ACDC3', uploaderId: ALICE,
      uploadTime: 1700000000, lastModifyTime: 1700000000, downloadInfo: null,
    });
  });

  test('file/list pages with offset/size and adds downloadInfo to files on request', async () => {
    assert.deepEqual((await list({ offset: 1, size: 1 })).data.map((f: Json) => f.name), ['readme.txt']);
    assert.deepEqual((await list({ offset: 0, size: 1 })).data.map((f: Json) => f.name), ['docs']);
    const withInfo = (await list({ withDownloadInfo: true })).data;
    assert.equal(withInfo[0].downloadInfo, null);
    assert.deepEqual(Object.keys(withInfo[1].downloadInfo), ['sha1', 'md5', 'downloadTimes', 'uploaderId', 'uploadTime', 'lastModifyTime', 'url']);
    assert.match(withInfo[1].downloadInfo.url, /^http/);
    assert.equal(withInfo[1].downloadInfo.uploaderId, ALICE);
  });

  test('a folder is listed by id or by path; its files have the folder (then the root) as parents', async () => {
    const byId = (await list({ id: '/folder-docs' })).data;
    const byPath = (await list({ path: '/docs' })).data;
    assert.deepEqual(byId, byPath);
    assert.equal(byId[0].name, 'guide.pdf');
    assert.equal(byId[0].path, '/docs/guide.pdf');
    assert.deepEqual(byId[0].parent, { ...ROOT, name: 'docs', id: '/folder-docs', path: '/docs', parent: ROOT });
    // mirai-js sends both target and group.
    assert.deepEqual((await m.get('/file/list', { target: LOBBY, group: LOBBY, id: '/folder-docs' })).data, byId);
  });

  test('file/info by id or path; the root, unknown ids, friend files and a missing group are 5', async () => {
    const a = await m.get('/file/info', { target: LOBBY, id: '/file-guide' });
    const b = await m.get('/file/info', { group: LOBBY, path: '/docs/guide.pdf', withDownloadInfo: true });
    assert.equal(a.data.path, '/docs/guide.pdf');
    assert.deepEqual({ ...b.data, downloadInfo: null }, a.data);
    assert.equal(typeof b.data.downloadInfo.url, 'string');
    for (const q of [{ target: LOBBY, id: '' }, { target: LOBBY, id: '/nope' }, { target: LOBBY, path: '/docs/nope.txt' }, { qq: ALICE, id: '/x' }, { id: '/file-guide' }]) {
      assert.deepEqual(await m.get('/file/info', q), { code: 5, msg: '指定对象不存在' }, JSON.stringify(q));
    }
  });

  test('mkdir, rename, move and delete change the tree', async () => {
    const made = await m.post('/file/mkdir', { target: LOBBY, id: '', directoryName: 'pics' });
    assert.equal(made.code, 0);
    assert.deepEqual({ ...made.data, id: undefined }, { ...ROOT, id: undefined, name: 'pics', path: '/pics', parent: ROOT });
    assert.deepEqual(await m.post('/file/rename', { target: LOBBY, path: '/readme.txt', renameTo: 'README.md' }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/file/move', { target: LOBBY, id: '/file-readme', moveToPath: '/pics' }), { code: 0, msg: 'success' });
    assert.deepEqual((await list({ path: '/pics' })).data.map((f: Json) => f.path), ['/pics/README.md']);
    assert.deepEqual(await m.post('/file/move', { target: LOBBY, id: '/file-readme', moveTo: '/folder-docs' }), { code: 0, msg: 'success' });
    assert.deepEqual((await list({ path: '/docs' })).data.map((f: Json) => f.name).sort(), ['README.md', 'guide.pdf']);
    assert.deepEqual(await m.post('/file/move', { target: LOBBY, id: '/file-readme' }), { code: 5, msg: '指定对象不存在' });
    assert.deepEqual(await m.post('/file/rename', { target: LOBBY, path: '/pics', renameTo: 'photos' }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/file/delete', { target: LOBBY, path: '/docs/README.md' }), { code: 0, msg: 'success' });
    assert.deepEqual(await m.post('/file/delete', { target: LOBBY, path: '/photos' }), { code: 0, msg: 'success' });
    assert.deepEqual((await list({})).data.map((f: Json) => f.name), ['docs']);
    assert.deepEqual(await m.post('/file/delete', { target: LOBBY, id: '/file-readme' }), { code: 5, msg: '指定对象不存在' });
  });

  test('where the bot is a plain member, making folders is refused (10)', async () => {
    assert.deepEqual(await m.post('/file/mkdir', { target: QUIET, directoryName: 'x' }), { code: 10, msg: '无操作权限' });
  });

  test('file/upload: multipart into a folder by path, session in a form field; answers the RemoteFile', async () => {
    const { body, contentType } = multipart([
      { name: 'sessionKey', data: m.key }, { name: 'type', data: 'group' }, { name: 'target', data: String(LOBBY) }, { name: 'path', data: '/docs' },
      { name: 'file', filename: 'notes.txt', type: 'text/plain', data: 'hello files' },
    ]);
    const r = await m.raw('/file/upload', { method: 'POST', headers: { 'Content-Type': contentType }, body });
    assert.equal(r.json.code, 0, r.text);
    assert.deepEqual(Object.keys(r.json.data), REMOTE_FILE_KEYS);
    assert.equal(r.json.data.name, 'notes.txt');
    assert.equal(r.json.data.path, '/docs/notes.txt');
    assert.equal(r.json.data.size, 11);
    assert.equal(r.json.data.isFile, true);
    assert.ok((await list({ path: '/docs' })).data.some((f: Json) => f.name === 'notes.txt'));
  });

  test('file/upload tolerates a part without filename and a malformed filename*; checks type and the file part', async () => {
    const send = (parts: Parameters<typeof multipart>[0]) => {
      const { body, contentType } = multipart([{ name: 'type', data: 'group' }, { name: 'target', data: String(LOBBY) }, { name: 'path', data: '' }, ...parts]);
      return m.raw('/file/upload', { method: 'POST', headers: { 'Content-Type': contentType, Authorization: `session ${m.key}` }, body }).then((r) => r.json);
    };
    const nameless = await send([{ name: 'file', data: 'no name given' }]);
    assert.equal(nameless.code, 0);
    assert.match(nameless.data.name, /^\d{13}$/);
    for (const bad of ["utf-8''%E6%8A%A5%E5%9", '"报告.txt"']) {
      const odd = await send([{ name: 'file', disposition: `form-data; name=file; filename="报告.txt"; filename*=${bad}`, data: 'x' }]);
      assert.equal(odd.code, 0, bad);
      assert.equal(odd.data.name, '报告.txt', bad);
    }
    assert.deepEqual(await send([]), { code: 400, msg: '缺少参数 file' });
    const { body, contentType } = multipart([{ name: 'type', data: 'friend' }, { name: 'target', data: String(ALICE) }, { name: 'path', data: '' }, { name: 'file', filename: 'a', data: 'a' }]);
    assert.deepEqual((await m.raw('/file/upload', { method: 'POST', headers: { 'Content-Type': contentType, sessionKey: m.key }, body })).json, { code: 6, msg: '指定操作不支持' });
  });
});

describe('mirai HTTP: media uploads', () => {
  const m = miraiPerSuite();

  const upload = (path: string, parts: Parameters<typeof multipart>[0]) => {
    const { body, contentType } = multipart(parts);
    return m.raw(path, { method: 'POST', headers: { 'Content-Type': contentType, sessionKey: m.key }, body }).then((r) => r.json);
  };

  test('uploadImage answers a bare {imageId, url}; the id sends the same picture later', async () => {
    const r = await upload('/uploadImage', [{ name: 'type', data: 'group' }, { name: 'img', filename: 'img.jpg', type: 'image/png', data: PNG }]);
    assert.deepEqual(Object.keys(r), ['imageId', 'url']);
    assert.match(r.imageId, /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}\.png$/);
    const sent = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Image', imageId: r.imageId }] });
    assert.equal(sent.code, 0);
    const msg = (await m.bridge.core.call('get_msg', { message_id: sent.messageId })) as Json;
    assert.equal(msg.message[0].type, 'image');
  });

  test('uploadImage: an img part without filename is still the file; url is taken instead of a file', async () => {
    const r = await upload('/uploadImage', [{ name: 'type', data: 'friend' }, { name: 'img', type: 'image/png', data: PNG }]);
    assert.match(r.imageId, /\.png$/);
    const byUrl = await upload('/uploadImage', [{ name: 'type', data: 'Group' }, { name: 'url', data: 'https://example.com/x.gif' }]);
    assert.deepEqual({ ...byUrl, imageId: 'id' }, { imageId: 'id', url: 'https://example.com/x.gif' });
    assert.match(byUrl.imageId, /\.gif$/);
  });

  test('upload errors: a bad type is 500, a missing file part 400, a missing type 400', async () => {
    assert.deepEqual(await upload('/uploadImage', [{ name: 'type', data: 'channel' }, { name: 'img', filename: 'a.png', data: PNG }]), { code: 500, msg: '图片上传错误' });
    assert.deepEqual(await upload('/uploadImage', [{ name: 'type', data: 'group' }]), { code: 400, msg: '缺少参数 img' });
    assert.deepEqual(await upload('/uploadVoice', [{ name: 'type', data: 'group' }]), { code: 400, msg: '缺少参数 voice' });
    assert.equal((await upload('/uploadImage', [{ name: 'img', filename: 'a.png', data: PNG }])).code, 400);
    assert.deepEqual(await upload('/uploadShortVideo', [{ name: 'type', data: 'group' }, { name: 'video', filename: 'v.mp4', data: 'v' }]), { code: 400, msg: '缺少参数 thumbnail' });
  });

  test('uploadVoice answers {voiceId} (md5.amr) and uploadShortVideo {videoId}', async () => {
    const v = await upload('/uploadVoice', [{ name: 'type', data: 'friend' }, { name: 'voice', filename: 'voice.slk', data: Buffer.from('#!SILK_V3 data') }]);
    assert.deepEqual(Object.keys(v), ['voiceId']);
    assert.match(v.voiceId, /^[0-9A-F]{32}\.amr$/);
    const sent = await m.post('/sendFriendMessage', { target: ALICE, messageChain: [{ type: 'Voice', voiceId: v.voiceId }] });
    assert.equal(sent.code, 0);
    const video = await upload('/uploadShortVideo', [
      { name: 'type', data: 'group' }, { name: 'thumbnail', filename: 't.png', data: PNG }, { name: 'video', filename: 'v.mp4', data: 'mp4 bytes' },
    ]);
    assert.deepEqual(Object.keys(video), ['videoId']);
    assert.equal(typeof video.videoId, 'string');
  });
});
