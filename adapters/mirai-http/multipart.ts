/**
 * A small multipart/form-data reader over an already size-limited body. Written here rather than
 * with busboy because real mirai clients need two leniencies busboy cannot give: a part named like a
 * file field is a file even without a filename (busboy decodes it as text), and a malformed
 * `filename*` must fall back to `filename` (busboy drops the whole part), which may itself be a raw
 * UTF-8 name or an RFC 2047 encoded word.
 */
import type { UploadedFile } from '../../src/mirai/types';

export interface FormData { fields: Record<string, string>; files: UploadedFile[] }

const CRLF2 = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A Content-Disposition parameter (`name`, `filename`, `filename*`), quoted or not. */
function param(disposition: string, key: string): string | undefined {
  const esc = key.replace('*', '\\*');
  const m = new RegExp(`(?:^|;)\\s*${esc}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(disposition);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
}

/** RFC 5987 `charset'lang'pct-encoded`; undefined when malformed (then `filename` is used). */
function extended(v: string | undefined): string | undefined {
  const m = v === undefined ? null : /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(v);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
}

/**
 * An RFC 2047 encoded-word filename (`=?utf-8?B?…?=`, `=?utf-8?Q?…?=`), as .NET writes non-ASCII
 * names; anything else is returned as it is.
 */
function encodedWord(v: string | undefined): string | undefined {
  const m = v === undefined ? null : /^=\?([\w-]+)\?([BbQq])\?([^?]*)\?=$/.exec(v.trim());
  if (!m || !/^utf-?8$/i.test(m[1])) return v;
  const bytes = m[2].toUpperCase() === 'B'
    ? Buffer.from(m[3], 'base64')
    : Buffer.from(m[3].replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return bytes.toString('utf8');
}

/** Header bytes are latin1 on the wire, but clients put raw UTF-8 names there: read them as UTF-8. */
const headerText = (b: Buffer) => b.toString('utf8');

export function parseMultipart(body: Buffer, boundary: string, fileFields: ReadonlySet<string>): FormData {
  const out: FormData = { fields: {}, files: [] };
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  while (pos !== -1) {
    let start = pos + delim.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    pos = next + 2;
    const headEnd = part.indexOf(CRLF2);
    if (headEnd === -1) continue;
    const headers = new Map<string, string>();
    for (const line of headerText(part.subarray(0, headEnd)).split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition');
    if (!disposition) continue;
    const name = param(disposition, 'name');
    if (name === undefined) continue;
    const data = part.subarray(headEnd + 4);
    const filename = extended(param(disposition, 'filename*')) ?? encodedWord(param(disposition, 'filename'));
    const mimeType = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (filename !== undefined || fileFields.has(name) || mimeType === 'application/octet-stream') {
      out.files.push({ field: name, filename: (filename ?? '').split(/[\\/]/).pop() ?? '', mimeType: mimeType || 'application/octet-stream', data: Buffer.from(data) });
    } else {
      out.fields[name] = data.toString('utf8');
    }
  }
  return out;
}
