/**
 * Reading a OneBot `file` value: a local path, a file:// URI, base64://…, or an http(s) URL.
 * One reader for every sandbox action that takes one. Which BridgeError kind an unusable source
 * gives differs per action on purpose (the seed wants 1500 for an unreadable avatar, message media
 * answers bad_params), so callers name it; an absent file is always `file_missing` and data over a
 * cap always `rejected`.
 */
import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BridgeError, type ErrorKind } from '../../errors';

export interface ReadOptions {
  /** Larger content is refused (`rejected`); no cap when absent. */
  maxBytes?: number;
  /** The kind thrown for unusable input (bad base64, an unreadable file); default bad_params. */
  invalid?: ErrorKind;
}

export type FileSource = { type: 'base64'; data: string } | { type: 'url'; url: string } | { type: 'path'; path: string };

const tooLarge = (max: number) => new BridgeError('rejected', `the file is larger than ${max} bytes`);

/** What a `file` value names; a file: URI becomes its path (an invalid one throws `invalid`). */
export function sourceOf(file: string, invalid: ErrorKind = 'bad_params'): FileSource {
  if (file.startsWith('base64://')) return { type: 'base64', data: file.slice('base64://'.length) };
  if (/^https?:\/\//i.test(file)) return { type: 'url', url: file };
  return { type: 'path', path: localPathOf(file, invalid) };
}

/** A file: URI's path, or the value itself when it is a plain path. */
export function localPathOf(file: string, invalid: ErrorKind = 'bad_params'): string {
  if (!/^file:/i.test(file)) return file;
  try {
    return fileURLToPath(file);
  } catch {
    throw new BridgeError(invalid, `invalid file URI: ${file}`);
  }
}

/** Base64 (standard or URL-safe, whitespace ignored) to bytes. */
export function decodeBase64(text: string, { maxBytes, invalid = 'bad_params' }: ReadOptions = {}): Buffer {
  const clean = text.replace(/\s+/g, '');
  // Buffer.from never fails on bad base64, it silently skips characters: check the alphabet first,
  // and that no lone trailing character (6 bits, not a byte) would be dropped.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean) || clean.replace(/=+$/, '').length % 4 === 1) {
    throw new BridgeError(invalid, 'invalid base64 data');
  }
  const bytes = Buffer.from(clean, 'base64');
  if (maxBytes !== undefined && bytes.length > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

const isAbsent = (e: unknown) => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
const unreadable = (p: string, e: unknown, invalid: ErrorKind) =>
  isAbsent(e) ? new BridgeError('file_missing', `file not found: ${p}`) : new BridgeError(invalid, `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);

/** The stat of a regular file; `file_missing` when there is none at `p`. */
export async function statLocal(p: string, invalid: ErrorKind = 'bad_params'): Promise<Stats> {
  let st: Stats;
  try {
    st = await fs.stat(p);
  } catch (e) {
    throw unreadable(p, e, invalid);
  }
  if (!st.isFile()) throw new BridgeError('file_missing', `file not found: ${p}`);
  return st;
}

/** A local file's bytes, its size checked before reading. */
export async function readLocal(p: string, { maxBytes, invalid = 'bad_params' }: ReadOptions = {}): Promise<Buffer> {
  const st = await statLocal(p, invalid);
  if (maxBytes !== undefined && st.size > maxBytes) throw tooLarge(maxBytes);
  try {
    return await fs.readFile(p);
  } catch (e) {
    throw unreadable(p, e, invalid);
  }
}

export interface FetchOptions {
  maxBytes: number;
  timeoutMs: number;
  headers?: [string, string][];
}

/** Downloads `url`, streamed against the cap; every failure is `rejected` and leaves no body open. */
export async function fetchBytes(url: string, { maxBytes, timeoutMs, headers }: FetchOptions): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    throw new BridgeError('rejected', `download failed: ${(e as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new BridgeError('rejected', `download failed with HTTP ${res.status}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(Buffer.from(chunk));
    }
  } catch (e) {
    await res.body.cancel().catch(() => undefined);
    throw e instanceof BridgeError ? e : new BridgeError('rejected', 'download interrupted');
  }
  return Buffer.concat(chunks);
}
