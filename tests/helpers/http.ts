/** Small HTTP helpers over the global fetch. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PNG_B64 } from './world';

/** POST a JSON body. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** An HTTP server on port 0 serving `files` (path → content type and body), 404 for anything else. */
export async function fileServer(files: Record<string, { type: string; body: Buffer }>): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (f) res.writeHead(200, { 'Content-Type': f.type }).end(f.body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export interface PngFixture {
  /** A temporary folder holding the picture (removed by close). */
  dir: string;
  /** The picture's path on disk. */
  file: string;
  /** The same picture over HTTP; anything else under `base` is 404. */
  url: string;
  base: string;
  close(): Promise<void>;
}

/** A real 1×1 PNG named `name`, on disk and served over HTTP. */
export async function pngFixture(name: string): Promise<PngFixture> {
  const body = Buffer.from(PNG_B64, 'base64');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-bridge-test-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  const server = await fileServer({ [`/${name}`]: { type: 'image/png', body } });
  return {
    dir,
    file,
    url: `${server.base}/${name}`,
    base: server.base,
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
