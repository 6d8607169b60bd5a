/**
 * Files outside group file systems: `upload_private_file` sends a file message to a friend (or a
 * temp-session member), `get_private_file_url` finds it again, and `download_file` fetches a URL or
 * decodes base64 into a local file the caller can then send by path.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { badParams, notFound } from '../../../errors';
import { decodeBase64, fetchBytes } from '../file-source';
import type { Handler } from '../context';
import { lookupMedia } from './message-media';
import { sendPrivate } from './message-send';

/** How large a download may be (where it goes and how long it stays: `ctx.downloads`). */
export const MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** `headers` as OneBot clients send it: "K: V\r\nK2: V2", go-cqhttp's "K=V", or a list of either. */
export function headerList(headers: string | string[] | undefined): [string, string][] {
  const lines = (Array.isArray(headers) ? headers : (headers ?? '').split(/\r?\n/)).map((l) => l.trim()).filter(Boolean);
  return lines.flatMap((l): [string, string][] => {
    const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(l);
    return m ? [[m[1], m[2]]] : [];
  });
}

/** A safe file name: the caller's `name` or the URL's last segment, never a path. */
function fileName(name: string | undefined, url: string | undefined, bytes: Buffer): string {
  const fromUrl = url ? path.posix.basename(new URL(url).pathname) : '';
  const base = path.basename(name || fromUrl || '').replace(/[^\w.\-\u4e00-\u9fff]/g, '_').slice(0, 120);
  const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return base && base !== '.' && base !== '..' ? `${hash}-${base}` : hash;
}

export const PRIVATE_FILE_HANDLERS: Record<string, Handler> = {
  async download_file(ctx, p: { url?: string; base64?: string; name?: string; headers?: string | string[] }) {
    let bytes: Buffer;
    if (p.base64 !== undefined) bytes = decodeBase64(p.base64.replace(/^base64:\/\//, ''), { maxBytes: MAX_DOWNLOAD_BYTES });
    else if (p.url && /^https?:\/\//i.test(p.url)) {
      bytes = await fetchBytes(p.url, { maxBytes: MAX_DOWNLOAD_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS, headers: headerList(p.headers) });
    } else throw badParams('download_file needs an http(s) url or base64 data');
    return { file: await ctx.downloads.write(fileName(p.name, p.base64 === undefined ? p.url : undefined, bytes), bytes) };
  },

  async upload_private_file(ctx, p: { user_id: number; file: string; name?: string; group_id?: number }) {
    const m = await sendPrivate(ctx, p.user_id, [{ type: 'file', data: { file: p.file, ...(p.name ? { name: p.name } : {}) } }], p.group_id);
    return { file_id: String(m.message[0].data.file) };
  },

  get_private_file_url(ctx, p: { file_id: string }) {
    const media = lookupMedia(ctx.world, p.file_id);
    if (!media || media.kind !== 'file') throw notFound(`private file ${p.file_id} not found`);
    return { url: media.url };
  },
};
