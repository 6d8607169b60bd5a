/** Reads an image named the OneBot way (local path, file://, base64://, http(s)://) and checks that it is one. */
import { BridgeError } from '../../../errors';
import { decodeBase64, fetchBytes, readLocal, sourceOf } from '../file-source';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

/** Resolves to the image bytes; `file_missing` for an absent local file, `rejected` for anything unreadable as an image. */
export async function loadImage(file: string): Promise<Buffer> {
  const bytes = await readSource(file);
  if (!isImage(bytes)) throw new BridgeError('rejected', 'the file is not a PNG, JPEG, GIF, BMP or WebP image');
  return bytes;
}

async function readSource(file: string): Promise<Buffer> {
  const src = sourceOf(file, 'file_missing');
  const opts = { maxBytes: MAX_IMAGE_BYTES, invalid: 'rejected' } as const;
  if (src.type === 'base64') return decodeBase64(src.data, opts);
  if (src.type === 'url') return fetchBytes(src.url, { maxBytes: MAX_IMAGE_BYTES, timeoutMs: FETCH_TIMEOUT_MS });
  return readLocal(src.path, opts);
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
