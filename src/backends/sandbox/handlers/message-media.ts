/**
 * The sandbox's media "upload": a file source (path, file://, base64://, http(s)://, or a name the
 * sandbox gave earlier) becomes `<MD5>.<ext>` with a sandbox URL, remembered so it can be sent again.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { badParams } from '../../../errors';
import { decodeBase64, readLocal, sourceOf } from '../file-source';
import type { World } from '../world';
import { stateOf, type MediaEntry } from './message-model';

export const MEDIA_TYPES = new Set(['image', 'record', 'video', 'file']);
const DEFAULT_EXT: Record<string, string> = { image: 'jpg', record: 'amr', video: 'mp4', file: 'bin' };
export const MEDIA_BASE = 'http://sandbox.invalid/media/';
/** Send-time transfer flags: they describe the upload, not the message. */
const TRANSFER_FLAGS = ['cache', 'proxy', 'timeout', 'c', 'thread_count', 'headers', 'path'];

function sniffExt(b: Buffer): string | undefined {
  const head = b.subarray(0, 12);
  if (head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG') return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (head.toString('latin1', 0, 3) === 'GIF') return 'gif';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (head.toString('latin1', 0, 5) === '#!AMR') return 'amr';
  if (head.includes('#!SILK')) return 'silk';
  if (head.toString('latin1', 0, 3) === 'ID3') return 'mp3';
  if (head.toString('latin1', 4, 8) === 'ftyp') return 'mp4';
  return undefined;
}

const extOf = (name: string) => {
  const e = path.extname(name.split(/[?#]/)[0]).slice(1).toLowerCase();
  return /^[a-z0-9]{1,5}$/.test(e) ? e : undefined;
};

/** The bytes (or, for a URL the sandbox cannot fetch, the URL itself) behind a `file` value. */
async function load(file: string): Promise<{ bytes: Buffer; size: number; hint?: string; path?: string }> {
  const src = sourceOf(file);
  if (src.type === 'base64') {
    const bytes = decodeBase64(src.data);
    return { bytes, size: bytes.length };
  }
  // The sandbox is offline: the URL stands in for the content.
  if (src.type === 'url') return { bytes: Buffer.from(file), size: 0, hint: file };
  const bytes = await readLocal(src.path);
  return { bytes, size: bytes.length, hint: src.path, path: path.resolve(src.path) };
}

/** Register a name (and its URL) so a later send or get_image can find it. */
export function rememberMedia(world: World, e: MediaEntry): MediaEntry {
  const { media } = stateOf(world);
  media.set(e.name, e);
  if (e.url) media.set(e.url, e);
  return e;
}

export const lookupMedia = (world: World, key: string): MediaEntry | undefined => stateOf(world).media.get(key);

/** Upload one media segment's `file`; returns the stored data. */
export async function uploadMedia(world: World, type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const src = data.file ?? data.url ?? data.path;
  if (typeof src !== 'string' || !src) throw badParams(`${type} segment needs a file`);
  const out: Record<string, unknown> = { ...data };
  for (const k of TRANSFER_FLAGS) delete out[k];
  const known = lookupMedia(world, src);
  let entry: MediaEntry;
  if (known) entry = known;
  else {
    const { bytes, size, hint, path: p } = await load(src);
    const md5 = crypto.createHash('md5').update(bytes).digest('hex').toUpperCase();
    const ext = (hint && extOf(hint)) ?? (typeof data.name === 'string' ? extOf(data.name) : undefined) ?? (size ? sniffExt(bytes) : undefined) ?? DEFAULT_EXT[type] ?? 'bin';
    const name = `${md5}.${ext}`;
    entry = rememberMedia(world, { kind: type, name, url: `${MEDIA_BASE}${name}`, size, path: p });
  }
  out.file = entry.name;
  out.url = entry.url;
  out.file_size = entry.size;
  if (type === 'file' && typeof out.name !== 'string') out.name = entry.path ? path.basename(entry.path) : entry.name;
  return out;
}

/** Media in a message someone else sent: a file/url pair is kept as received; a local source is uploaded. */
export async function receiveMedia(world: World, type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const file = data.file;
  if (typeof file === 'string' && typeof data.url === 'string' && !/^(base64|file):/i.test(file)) {
    const size = Number(data.file_size) || 0;
    rememberMedia(world, { kind: type, name: file, url: data.url, size });
    return { ...data };
  }
  return uploadMedia(world, type, data);
}
