/**
 * File sources as OneBot accepts them (`file` of upload_group_file, set_group_portrait, notice images):
 * a local path or file:// URI (must exist), base64://… (must decode), or an http(s) URL. The sandbox
 * never goes online: a URL is taken on trust and has no known size.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BridgeError, badParams } from '../../../errors';

export interface SourceInfo {
  /** A name for the file: the path's or URL's last segment, or '' for base64 data. */
  name: string;
  size: number;
  /** Upper-case hex digests of the content (of the URL text for a URL, whose content is unknown). */
  sha1: string;
  md5: string;
  /** What it came from, for logs and the world (`base64`, the path, or the URL). */
  origin: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const digests = (bytes: Buffer) => ({
  sha1: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
  md5: createHash('md5').update(bytes).digest('hex').toUpperCase(),
});

async function hashFile(file: string): Promise<{ sha1: string; md5: string }> {
  const sha1 = createHash('sha1'), md5 = createHash('md5');
  for await (const c of fs.createReadStream(file)) { sha1.update(c as Buffer); md5.update(c as Buffer); }
  return { sha1: sha1.digest('hex').toUpperCase(), md5: md5.digest('hex').toUpperCase() };
}

export async function readSource(file: string): Promise<SourceInfo> {
  if (file.startsWith('base64://')) {
    const text = file.slice('base64://'.length).replace(/\s+/g, '');
    if (!text || text.length % 4 === 1 || !BASE64.test(text)) throw new BridgeError('rejected', 'file: base64 data does not decode');
    const bytes = Buffer.from(text, 'base64');
    return { name: '', size: bytes.length, ...digests(bytes), origin: 'base64' };
  }
  if (/^https?:\/\//i.test(file)) {
    let url: URL;
    try { url = new URL(file); } catch { throw badParams(`file: bad URL ${file}`); }
    return { name: decodeURIComponent(path.posix.basename(url.pathname)), size: 0, ...digests(Buffer.from(file)), origin: file };
  }
  let local = file;
  if (/^file:/i.test(file)) {
    try { local = fileURLToPath(file); } catch { throw badParams(`file: bad file URI ${file}`); }
  }
  const stat = await fs.promises.stat(local).catch(() => undefined);
  if (!stat?.isFile()) throw new BridgeError('file_missing', `file not found: ${local}`);
  return { name: path.basename(local), size: stat.size, ...(await hashFile(local)), origin: local };
}
