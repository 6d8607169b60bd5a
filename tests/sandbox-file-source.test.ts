import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { decodeBase64, fetchBytes, localPathOf, readLocal, sourceOf, statLocal } from '../src/backends/sandbox/file-source';

const kindOf = async (p: unknown) => {
  try {
    await p;
  } catch (e) {
    return (e as { kind?: string }).kind;
  }
  return 'resolved';
};
const kindOfSync = (f: () => unknown) => kindOf(Promise.resolve().then(f));

let tmp: string;
let server: http.Server;
let base: string;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'file-source-'));
  fs.writeFileSync(path.join(tmp, 'ten.bin'), Buffer.alloc(10, 7));
  server = http.createServer((req, res) => {
    if (req.url === '/big') {
      // Endless body in chunks: only the cap can end the download.
      const chunk = Buffer.alloc(1024, 1);
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      pump();
      return;
    }
    if (req.url === '/echo') return void res.end(String(req.headers['x-token']));
    res.statusCode = 404;
    res.end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('sourceOf tells base64, URLs and paths apart; a file: URI becomes its path', () => {
  assert.deepEqual(sourceOf('base64://aGk='), { type: 'base64', data: 'aGk=' });
  assert.deepEqual(sourceOf('HTTPS://x.example/a.png'), { type: 'url', url: 'HTTPS://x.example/a.png' });
  assert.deepEqual(sourceOf('/tmp/a b.png'), { type: 'path', path: '/tmp/a b.png' });
  assert.deepEqual(sourceOf(pathToFileURL('/tmp/a b.png').href), { type: 'path', path: '/tmp/a b.png' });
});

test('a file URI that names no local path throws the kind the caller chose', async () => {
  assert.equal(await kindOfSync(() => localPathOf('file://remote-host/x.png')), 'bad_params');
  assert.equal(await kindOfSync(() => sourceOf('file://remote-host/x.png', 'file_missing')), 'file_missing');
});

test('decodeBase64 accepts standard and URL-safe data with whitespace, refuses what Buffer would silently skip', async () => {
  assert.equal(decodeBase64('aGVs\nbG8=').toString(), 'hello');
  assert.deepEqual(decodeBase64('-_8'), Buffer.from([0xfb, 0xff]));
  for (const bad of ['', '%%%', 'aGk=!', 'aGVsbG8==x', 'QUJDR']) {
    assert.equal(await kindOfSync(() => decodeBase64(bad)), 'bad_params', bad);
  }
  assert.equal(await kindOfSync(() => decodeBase64('***', { invalid: 'rejected' })), 'rejected');
  assert.equal(await kindOfSync(() => decodeBase64('aGVsbG8=', { maxBytes: 4 })), 'rejected');
  assert.equal(decodeBase64('aGVsbG8=', { maxBytes: 5 }).length, 5);
});

test('readLocal: file_missing for an absent file or a folder, rejected over the cap', async () => {
  const ten = path.join(tmp, 'ten.bin');
  assert.deepEqual(await readLocal(ten, { maxBytes: 10 }), Buffer.alloc(10, 7));
  assert.equal((await statLocal(ten)).size, 10);
  assert.equal(await kindOf(readLocal(ten, { maxBytes: 9 })), 'rejected');
  assert.equal(await kindOf(readLocal(path.join(tmp, 'absent.bin'))), 'file_missing');
  assert.equal(await kindOf(readLocal(path.join(ten, 'under-a-file'))), 'file_missing');
  assert.equal(await kindOf(statLocal(tmp)), 'file_missing');
});

test('fetchBytes sends the headers, and refuses an HTTP error, a refused connection and a body over the cap', async () => {
  const opts = { maxBytes: 64 * 1024, timeoutMs: 10_000 };
  assert.equal((await fetchBytes(`${base}/echo`, { ...opts, headers: [['X-Token', 'abc']] })).toString(), 'abc');
  await assert.rejects(fetchBytes(`${base}/missing`, opts), { kind: 'rejected', message: /HTTP 404/ });
  await assert.rejects(fetchBytes(`${base}/big`, opts), { kind: 'rejected', message: /larger than 65536 bytes/ });
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(fetchBytes(`http://127.0.0.1:${port}/`, opts), { kind: 'rejected' });
});
