/** Reads an image named the OneBot way (local path, file://, base64://, http(s)://) and checks that it is one. */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BridgeError } from '../../../errors';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Resolves to the image bytes; `file_missing` for an absent local file, `rejected` for anything unreadable as an image. */
export async function loadImage(file: string): Promise<Buffer> {
  const bytes = await readSource(file);
  if (!isImage(bytes)) throw new BridgeError('rejected', 'the file is not a PNG, JPEG, GIF, BMP or WebP image');
  return bytes;
}

function readSource(file: string): Promise<Buffer> {
  if (file.startsWith('base64://')) return Promise.resolve(decodeBase64(file.slice('base64://'.length)));
  if (/^https?:\/\//i.test(file)) return download(file);
  if (file.startsWith('file://')) {
    let p: string;
    try {
      p = fileURLToPath(file);
    } catch {
      throw new BridgeError('file_missing', 'invalid file:// URL');
    }
    return readLocal(p);
  }
  return readLocal(file);
}

async function readLocal(p: string): Promise<Buffer> {
  const st = await fs.stat(p).catch(() => undefined);
  if (!st?.isFile()) throw new BridgeError('file_missing', `no such file: ${p}`);
  if (st.size > MAX_IMAGE_BYTES) throw new BridgeError('rejected', `image larger than ${MAX_IMAGE_BYTES} bytes`);
  return fs.readFile(p);
}

function decodeBase64(text: string): Buffer {
  const clean = text.replace(/\s+/g, '');
  // Buffer.from never fails on bad base64, it silently skips characters: check the alphabet first.
  if (!clean || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) throw new BridgeError('rejected', 'invalid base64 data');
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES) throw new BridgeError('rejected', `image larger than ${MAX_IMAGE_BYTES} bytes`);
  return bytes;
}

async function download(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch {
    throw new BridgeError('rejected', 'could not download the image');
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new BridgeError('rejected', `downloading the image failed with HTTP ${res.status}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_IMAGE_BYTES) throw new BridgeError('rejected', `image larger than ${MAX_IMAGE_BYTES} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (e) {
    await res.body.cancel().catch(() => undefined);
    throw e instanceof BridgeError ? e : new BridgeError('rejected', 'could not download the image');
  }
  return Buffer.concat(chunks);
}

const MAGIC: [number, number[]][] = [
  [0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]], // PNG
  [0, [0xff, 0xd8, 0xff]], // JPEG
  [0, [0x47, 0x49, 0x46, 0x38]], // GIF8
  [0, [0x42, 0x4d]], // BMP
  [8, [0x57, 0x45, 0x42, 0x50]], // WEBP (after RIFF....)
];

export function isImage(b: Buffer): boolean {
  return MAGIC.some(([at, sig]) => b.length >= at + sig.length + 4 && sig.every((x, i) => b[at + i] === x));
}
