/**
 * File sources as OneBot accepts them (`file` of upload_group_file, set_group_portrait, notice images):
 * a local path or file:// URI (must exist), base64://… (must decode), or an http(s) URL. The sandbox
 * never goes online: a URL is taken on trust and has no known size.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { badParams } from '../../../errors';
import { decodeBase64, sourceOf, statLocal } from '../file-source';

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

const digests = (bytes: Buffer) => ({
  sha1: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
  md5: createHash('md5').update(bytes).digest('hex').toUpperCase(),
});

async function hashFile(file: string): Promise<{ sha1: string; md5: string }> {
  const sha1 = createHash('sha1'), md5 = createHash('md5');
  for await (const c of fs.createReadStream(file)) { sha1.update(c as Buffer); md5.update(c as Buffer); }
  return { sha1: sha1.digest('hex').toUpperCase(), md5: md5.digest('hex').toUpperCase() };
}

/** A URL segment unescaped; malformed escapes (`%E0`) stay as they are rather than throw. */
const safeDecode = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };

export async function readSource(file: string): Promise<SourceInfo> {
  const src = sourceOf(file);
  if (src.type === 'base64') {
    const bytes = decodeBase64(src.data, { invalid: 'rejected' });
    return { name: '', size: bytes.length, ...digests(bytes), origin: 'base64' };
  }
  if (src.type === 'url') {
    let url: URL;
    try { url = new URL(file); } catch { throw badParams(`file: bad URL ${file}`); }
    return { name: safeDecode(path.posix.basename(url.pathname)), size: 0, ...digests(Buffer.from(file)), origin: file };
  }
  const stat = await statLocal(src.path);
  return { name: path.basename(src.path), size: stat.size, ...(await hashFile(src.path)), origin: src.path };
}
