/**
 * Group files on the sandbox over the real OneBot HTTP face: listings, uploads from every kind of
 * source, folders, moves and renames (with every parameter spelling implementations use), rights.
 * Seed: group 20001 (owned by the bot) has readme.txt (by Alice) at the root and guide.pdf in the
 * folder /folder-docs; in 20003 the bot is a plain member.
 */
import { test, beforeEach, afterEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bridge } from '../src/app';
import type { OneBotEvent } from '../src/core/types';
import { oneBotHttp, openSandbox } from './helpers';

const SELF = 10000, EVE = 10005;
const G = 20001, MEMBER_OF = 20003;
const DOCS = '/folder-docs', README = '/file-readme', GUIDE = '/file-guide';
const CONTENT = 'hello, group files\n';

let bridge: Bridge;
let events: OneBotEvent[];
let tmp: string;
let localFile: string;

const { ok, fails, failsWith } = oneBotHttp(() => bridge);
const root = () => ok('get_group_root_files', { group_id: G });
const inFolder = (folder_id: string) => ok('get_group_files_by_folder', { group_id: G, folder_id });
const names = (l: { files: any[] }) => l.files.map((f) => f.file_name).sort();
const hex = (algo: string, data: string | Buffer) => createHash(algo).update(data).digest('hex').toUpperCase();

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-group-files-'));
  localFile = path.join(tmp, 'notes.txt');
  fs.writeFileSync(localFile, CONTENT);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  ({ bridge, events } = await openSandbox());
});
afterEach(() => bridge?.stop());

test('get_group_root_files answers the file and folder objects with the real group id', async () => {
  const l = await root();
  assert.deepEqual(l.files, [{
    group_id: G, file_id: README, file_name: 'readme.txt', busid: 102, file_size: 12, upload_time: 1_700_000_000, dead_time: 0,
    modify_time: 1_700_000_000, download_times: 3, uploader: 10001, uploader_name: 'Alice',
    sha1: 'D2A84F4B8B650937EC8F73CD8BE2C74ADD5A911BA', md5: '5EB63BBBE01EEED093CB22BB8F5ACDC3',
  }]);
  assert.deepEqual(l.folders, [{
    group_id: G, folder_id: DOCS, folder_name: 'docs', create_time: 1_700_000_000, creator: SELF, creator_name: 'MahBot', total_file_count: 1,
  }]);
  assert.deepEqual(await ok('get_group_root_files', { group_id: MEMBER_OF }), { files: [], folders: [] });
  await fails('get_group_root_files', { group_id: 99999 }, 1404);
});

test('get_group_files_by_folder lists a folder (folder_id or folder); an unknown folder is 1404', async () => {
  assert.deepEqual(names(await inFolder(DOCS)), ['guide.pdf']);
  assert.deepEqual(names(await ok('get_group_files_by_folder', { group_id: G, folder: DOCS })), ['guide.pdf']);
  assert.deepEqual(names(await inFolder('/')), ['readme.txt']);
  await fails('get_group_files_by_folder', { group_id: G, folder_id: '/nope' }, 1404);
  await fails('get_group_files_by_folder', { group_id: G }, 1400);
});

test('get_group_file_system_info counts files and space; get_group_file_url answers {url}', async () => {
  assert.deepEqual(await ok('get_group_file_system_info', { group_id: G }), { file_count: 2, limit_count: 10000, used_space: 2060, total_space: 10 * 1024 ** 3 });
  const { url } = await ok('get_group_file_url', { group_id: G, file_id: README, busid: 102 });
  assert.equal(typeof url, 'string');
  assert.match(url, /^https?:\/\//);
  await fails('get_group_file_url', { group_id: G, file_id: '/nope' }, 1404);
});

test('upload_group_file from a local path: named after it, hashed, listed, and announced by group_upload', async () => {
  const { file_id } = await ok('upload_group_file', { group_id: G, file: localFile });
  assert.equal(typeof file_id, 'string');
  const f = (await root()).files.find((x: any) => x.file_id === file_id);
  assert.equal(f.file_name, 'notes.txt');
  assert.equal(f.file_size, Buffer.byteLength(CONTENT));
  assert.equal(f.sha1, hex('sha1', CONTENT));
  assert.equal(f.md5, hex('md5', CONTENT));
  assert.equal(f.uploader, SELF);
  const up = events.filter((e) => e.notice_type === 'group_upload');
  assert.deepEqual(up.map(({ time, ...e }) => e), [{
    self_id: SELF, post_type: 'notice', notice_type: 'group_upload', group_id: G, user_id: SELF,
    file: { id: file_id, name: 'notes.txt', size: Buffer.byteLength(CONTENT), busid: 102 },
  }]);
  assert.equal((await ok('get_group_file_system_info', { group_id: G })).file_count, 3);
});

test('upload_group_file takes file://, base64:// and http(s) sources, a name, and a folder (folder or folder_id)', async () => {
  await ok('upload_group_file', { group_id: G, file: pathToFileURL(localFile).href, name: 'via-uri.txt', folder: DOCS });
  await ok('upload_group_file', { group_id: G, file: `base64://${Buffer.from('abc').toString('base64')}`, name: 'b64.bin', folder_id: DOCS });
  await ok('upload_group_file', { group_id: MEMBER_OF, file: 'https://example.invalid/path/remote.zip' });
  assert.deepEqual(names(await inFolder(DOCS)), ['b64.bin', 'guide.pdf', 'via-uri.txt']);
  assert.equal((await inFolder(DOCS)).files.find((f: any) => f.file_name === 'b64.bin').file_size, 3);
  assert.deepEqual(names(await ok('get_group_root_files', { group_id: MEMBER_OF })), ['remote.zip']);
});

test('upload_group_file errors: missing file 1500 (file_missing), bad base64 1500, unnamed data 1400, unknown folder 1404', async () => {
  await failsWith('upload_group_file', { group_id: G, file: path.join(tmp, 'missing.txt') }, 'file_missing');
  await fails('upload_group_file', { group_id: G, file: pathToFileURL(path.join(tmp, 'missing.txt')).href }, 1500);
  await fails('upload_group_file', { group_id: G, file: 'base64://%%%', name: 'x' }, 1500);
  await fails('upload_group_file', { group_id: G, file: 'base64://YWJj' }, 1400);
  await fails('upload_group_file', { group_id: G, file: localFile, folder: '/nope' }, 1404);
  await fails('upload_group_file', { group_id: G }, 1400);
  assert.equal((await ok('get_group_file_system_info', { group_id: G })).file_count, 2);
  assert.equal(events.length, 0);
});

test('delete_group_file removes a file; members may delete only their own', async () => {
  await ok('delete_group_file', { group_id: G, file_id: README, busid: 102 });
  assert.deepEqual((await root()).files, []);
  await fails('delete_group_file', { group_id: G, file_id: README }, 1404);
  // In 20003 the bot is a plain member: Eve's file is out of reach, its own is not.
  const eve = await (await fetch(`http://127.0.0.1:${bridge.ports.onebot}/sandbox/group_upload`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ group_id: MEMBER_OF, user_id: EVE, name: 'eve.txt', size: 5 }),
  })).json() as { file_id: string };
  await failsWith('delete_group_file', { group_id: MEMBER_OF, file_id: eve.file_id }, 'permission');
  const own = await ok('upload_group_file', { group_id: MEMBER_OF, file: localFile });
  await ok('delete_group_file', { group_id: MEMBER_OF, file_id: own.file_id });
  assert.deepEqual(names(await ok('get_group_root_files', { group_id: MEMBER_OF })), ['eve.txt']);
});

test('create_group_file_folder (name or folder_name) answers the folder, which then lists at the root', async () => {
  const folder = await ok('create_group_file_folder', { group_id: G, folder_name: 'music' });
  assert.equal(folder.group_id, G);
  assert.equal(folder.folder_name, 'music');
  assert.equal(folder.creator, SELF);
  assert.equal(folder.total_file_count, 0);
  assert.deepEqual(Object.keys(folder).sort(), ['create_time', 'creator', 'creator_name', 'folder_id', 'folder_name', 'group_id', 'total_file_count']);
  const again = await ok('create_group_file_folder', { group_id: G, name: 'video', parent_id: '/' });
  assert.deepEqual((await root()).folders.map((f: any) => f.folder_id), [DOCS, folder.folder_id, again.folder_id]);
  assert.deepEqual(await inFolder(folder.folder_id), { files: [], folders: [] });
});

test('create_group_file_folder: duplicate names and nested folders are refused, members may not, unknown parent 1404', async () => {
  await failsWith('create_group_file_folder', { group_id: G, name: 'docs' }, 'rejected');
  await failsWith('create_group_file_folder', { group_id: G, name: 'sub', parent_id: DOCS }, 'rejected');
  await failsWith('create_group_file_folder', { group_id: G, name: 'sub', parent_id: '/nope' }, 'not_found');
  await failsWith('create_group_file_folder', { group_id: MEMBER_OF, name: 'mine' }, 'permission');
  await fails('create_group_file_folder', { group_id: G }, 1400);
});

test('delete_group_folder (alias delete_group_file_folder) removes the folder and its files', async () => {
  await ok('delete_group_file_folder', { group_id: G, folder_id: DOCS });
  assert.deepEqual((await root()).folders, []);
  assert.equal((await ok('get_group_file_system_info', { group_id: G })).file_count, 1);
  await fails('delete_group_folder', { group_id: G, folder_id: DOCS }, 1404);
  await fails('get_group_files_by_folder', { group_id: G, folder_id: DOCS }, 1404);
});

test('move_group_file accepts every spelling of the target directory', async () => {
  const spellings: Record<string, string>[] = [
    { target_directory: DOCS }, { target_parent_directory: '/' }, { parent_id: DOCS }, { parent_directory: '/' },
    { target_directory: DOCS, parent_directory: '/' }, // L/La: parent_directory is then the current directory
    { target_parent_directory: '/', current_parent_directory: DOCS },
  ];
  for (const dirs of spellings) {
    await ok('move_group_file', { group_id: G, file_id: README, ...dirs });
    const where = Object.values(dirs)[0];
    assert.ok((await inFolder(where)).files.some((f: any) => f.file_id === README), `moved to ${where} with ${JSON.stringify(dirs)}`);
  }
});

test('move_group_file errors: no target 1400, unknown target or file 1404, wrong current directory 1404', async () => {
  await fails('move_group_file', { group_id: G, file_id: README }, 1400);
  await fails('move_group_file', { group_id: G, file_id: README, target_directory: '/nope' }, 1404);
  await fails('move_group_file', { group_id: G, file_id: '/nope', target_directory: DOCS }, 1404);
  await fails('move_group_file', { group_id: G, file_id: README, target_directory: DOCS, current_parent_directory: DOCS }, 1404);
  assert.deepEqual(names(await root()), ['readme.txt']);
});

test('rename_group_file: the file lists under its new name', async () => {
  await ok('rename_group_file', { group_id: G, file_id: GUIDE, current_parent_directory: DOCS, new_name: 'manual.pdf' });
  assert.deepEqual(names(await inFolder(DOCS)), ['manual.pdf']);
  await fails('rename_group_file', { group_id: G, file_id: GUIDE, new_name: '' }, 1400);
  await fails('rename_group_file', { group_id: G, file_id: '/nope', new_name: 'x' }, 1404);
});

test('rename_group_file_folder renames a folder; names stay unique; members may not', async () => {
  await ok('rename_group_file_folder', { group_id: G, folder_id: DOCS, new_folder_name: 'documents' });
  assert.deepEqual((await root()).folders.map((f: any) => f.folder_name), ['documents']);
  await ok('create_group_file_folder', { group_id: G, name: 'other' });
  await failsWith('rename_group_file_folder', { group_id: G, folder_id: DOCS, new_folder_name: 'other' }, 'rejected');
  await fails('rename_group_file_folder', { group_id: G, folder_id: '/nope', new_folder_name: 'x' }, 1404);
});
