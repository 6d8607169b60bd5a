/**
 * Temp files (download_file's downloads): real files on disk, deleted when their TTL expires, when
 * the count bound evicts them (oldest first), and all of them with their folder when the store or
 * the bridge stops.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startBridge } from '../src/app';
import { createTempFiles, type TempFiles } from '../src/temp-files';
import { fileServer, postJson, until } from './helpers';

const stores: TempFiles[] = [];
const store = (opts: Omit<Parameters<typeof createTempFiles>[0], 'prefix'> = {}) => {
  const s = createTempFiles({ prefix: 'mah-bridge-temp-test-', ...opts });
  stores.push(s);
  return s;
};
after(async () => {
  for (const s of stores) await s.stop();
});

const exists = (p: string) => fs.existsSync(p);

test('a written file is a real file in a private folder under the OS temp folder', async () => {
  const s = store();
  assert.equal(await s.dir(), undefined, 'no folder before the first write');
  const file = await s.write('a.txt', Buffer.from('alpha'));
  const dir = await s.dir();
  assert.ok(dir && dir.startsWith(path.join(os.tmpdir(), 'mah-bridge-temp-test-')));
  assert.equal(path.dirname(file), dir);
  assert.equal(fs.readFileSync(file, 'utf8'), 'alpha');
  assert.deepEqual(s.stats(), { files: 1, expired: 0, evicted: 0 });
});

test('a name is never a path: it cannot leave the folder', async () => {
  const s = store();
  const file = await s.write('../../escape.txt', Buffer.from('x'));
  assert.equal(path.dirname(file), await s.dir());
  assert.equal(path.basename(file), 'escape.txt');
});

test('a file is deleted once its TTL expires', async () => {
  const s = store({ ttlSeconds: 0.05, checkPeriodSeconds: 0.02 });
  const file = await s.write('short.txt', Buffer.from('brief'));
  assert.ok(exists(file));
  await until(() => !exists(file), 'the expired file to be deleted');
  await until(() => s.stats().expired === 1, 'the expiry to be counted');
  assert.equal(s.stats().files, 0);
  // The folder stays usable.
  const again = await s.write('next.txt', Buffer.from('n'));
  assert.equal(fs.readFileSync(again, 'utf8'), 'n');
});

test('past maxFiles the oldest file is deleted; writing a name again makes it the youngest', async () => {
  const s = store({ maxFiles: 2 });
  const a = await s.write('a', Buffer.from('a'));
  const b = await s.write('b', Buffer.from('b'));
  await s.write('a', Buffer.from('a2')); // a is now younger than b
  const c = await s.write('c', Buffer.from('c'));
  await until(() => !exists(b), 'the oldest file (b) to be deleted');
  assert.ok(exists(a) && exists(c));
  assert.equal(fs.readFileSync(a, 'utf8'), 'a2');
  assert.deepEqual(s.stats(), { files: 2, expired: 0, evicted: 1 });
});

test('stop deletes every file and the folder; a later write starts a new folder', async () => {
  const s = store();
  const files = [await s.write('x', Buffer.from('x')), await s.write('y', Buffer.from('y'))];
  const dir = (await s.dir())!;
  await s.stop();
  assert.ok(!exists(dir), 'the folder is gone');
  assert.ok(files.every((f) => !exists(f)));
  assert.equal(await s.dir(), undefined);
  assert.equal(s.stats().files, 0);
  const later = await s.write('z', Buffer.from('z'));
  assert.notEqual(path.dirname(later), dir);
  assert.ok(exists(later));
  await s.stop();
  assert.ok(!exists(path.dirname(later)));
});

test('download_file through a sandbox bridge: the path exists, the configured bound evicts the oldest, all are gone after stop', async (t) => {
  const server = await fileServer({ '/report.txt': { type: 'text/plain', body: Buffer.from('report body') } });
  t.after(() => server.close());
  const bridge = await startBridge({
    onebot: { port: 0 },
    mirai: { adapters: [] },
    sandbox: { downloads: { ttlSeconds: 3600, maxFiles: 2 } },
    logLevel: 'silent',
  });
  let stopped = false;
  t.after(() => (stopped ? undefined : bridge.stop()));
  const call = async (action: string, params: unknown) => {
    const res = (await (await postJson(`http://127.0.0.1:${bridge.ports.onebot}/${action}`, params)).json()) as { retcode: number; data: { file: string } };
    assert.equal(res.retcode, 0, JSON.stringify(res));
    return res.data.file;
  };

  const fetched = await call('download_file', { url: `${server.base}/report.txt` });
  assert.equal(fs.readFileSync(fetched, 'utf8'), 'report body');
  const decoded = await call('download_file', { base64: Buffer.from('one').toString('base64'), name: 'one.txt' });
  assert.equal(fs.readFileSync(decoded, 'utf8'), 'one');
  // maxFiles: 2 from the config: a third download evicts the first.
  const third = await call('download_file', { base64: Buffer.from('two').toString('base64'), name: 'two.txt' });
  await until(() => !exists(fetched), 'the oldest download to be evicted');
  assert.ok(exists(decoded) && exists(third));

  const dir = path.dirname(third);
  await bridge.stop();
  stopped = true;
  assert.ok(!exists(third) && !exists(decoded));
  assert.ok(!exists(dir), 'the download folder is removed on stop');
});

test('the download TTL is validated by the config schema', async () => {
  const { validateConfig } = await import('../src/config-file');
  assert.throws(() => validateConfig({ sandbox: { downloads: { ttlSeconds: 0 } } }), /ttlSeconds/);
  assert.throws(() => validateConfig({ sandbox: { downloads: { maxFiles: 0 } } }), /maxFiles/);
  assert.throws(() => validateConfig({ sandbox: { downloads: { keep: 1 } } }), /keep/);
  validateConfig({ sandbox: { downloads: { ttlSeconds: 0.5, maxFiles: '10' } } });
});
