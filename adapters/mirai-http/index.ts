/**
 * mirai-api-http's HTTP face: parse the request, find the command in the table, run it through the
 * model's one dispatch, and write its reply. HTTP 200 for every handled request (errors are in
 * `code`); unknown paths are 404 with an empty body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { CommandSpec, MiraiModel, UploadedFile } from '../../src/mirai/types';
import { createCors } from './cors';
import { boundaryOf, parseMultipart } from './multipart';

/** Multipart parts that are files even when the client gives no filename. */
const FILE_FIELDS: ReadonlySet<string> = new Set(['img', 'voice', 'video', 'thumbnail', 'file']);

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, body: unknown, status = 200): void {
  const buf = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=UTF-8');
  res.setHeader('Content-Length', buf.length);
  res.end(buf);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON body, whatever the Content-Type says; a urlencoded form is accepted too. */
function parseBody(buf: Buffer, contentType: string): Record<string, unknown> | undefined {
  const text = buf.toString('utf8');
  try {
    const v = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    if (!/application\/x-www-form-urlencoded/i.test(contentType)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) out[k] = k in out ? ([] as unknown[]).concat(out[k], v) : v;
    return out;
  }
}

/** `Authorization: session <key>` or `sessionKey <key>` (scheme case-insensitive); other schemes are not ours. */
function authorizationKey(value: string | undefined): string | undefined {
  const m = value ? /^\s*(session|sessionkey)\s+(\S+)\s*$/i.exec(value) : null;
  return m ? m[2] : undefined;
}

export function createMiraiHttp(deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): express.Router {
  const { mirai, config } = deps;
  const log = deps.logger.child({ component: 'mirai-http' });
  const limit = config.limits.bodyBytes;
  // With only the ws adapter on, the shared server still serves the uploads (as MAH 2.10 does).
  const httpOn = config.mirai.adapters.includes('http');
  const router = express.Router();

  /**
   * Where the session key is (MAH's order): the `sessionKey` header, then `Authorization`, each only
   * if it names a live session; then the body / query / form field; else a dead header key (→ 3).
   */
  const sessionKeyOf = (req: express.Request, content: Record<string, unknown>): string | undefined => {
    const fromHeaders = [req.get('sessionKey'), authorizationKey(req.get('authorization'))].filter((k): k is string => !!k);
    const live = fromHeaders.find((k) => mirai.sessions.get(k) !== undefined);
    if (live) return live;
    const own = content.sessionKey;
    if (typeof own === 'string' || typeof own === 'number') return String(own);
    return fromHeaders[0];
  };

  const readContent = async (req: express.Request, cmd: CommandSpec): Promise<{ content: Record<string, unknown>; files: UploadedFile[] } | 'illegal'> => {
    const query = { ...(req.query as Record<string, unknown>) };
    if (cmd.http!.method === 'GET') return { content: query, files: [] };
    const buf = await readBody(req, limit);
    const type = req.get('content-type') ?? '';
    const boundary = /multipart\/form-data/i.test(type) ? boundaryOf(type) : undefined;
    if (boundary) {
      const form = parseMultipart(buf, boundary, FILE_FIELDS);
      return { content: { ...query, ...form.fields }, files: form.files };
    }
    if (cmd.http!.multipart && !buf.length) return { content: query, files: [] };
    const body = parseBody(buf, type);
    return body ? { content: { ...query, ...body }, files: [] } : 'illegal';
  };

  router.use(createCors(config.mirai.adapterSettings.http.cors));

  router.use(async (req, res, next) => {
    const cmd = mirai.findRoute(req.method, req.path);
    if (!cmd || (!httpOn && !cmd.http?.multipart)) return next();
    try {
      const read = await readContent(req, cmd);
      if (read === 'illegal') return reply(res, { code: 400, msg: 'Illegal input' });
      const out = await mirai.execute({
        command: cmd.name, subCommand: cmd.subCommand, content: read.content, transport: 'http',
        sessionKey: sessionKeyOf(req, read.content), files: read.files,
      });
      log.debug('request', { method: req.method, path: req.path, code: out.code ?? 0 });
      reply(res, out);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        log.warn('request body over the limit', { path: req.path, limit });
        res.setHeader('Connection', 'close');
        return reply(res, { code: 400, msg: `请求体超过 ${limit} 字节` }, 413);
      }
      log.error('request failed', { path: req.path, err: (e as Error)?.stack ?? String(e) });
      reply(res, { code: 500, msg: 'internal error' });
    }
  });

  // Unknown path or method: MAH's framework answers 404 with an empty body.
  router.use((_req, res) => {
    res.status(404).end();
  });
  return router;
}
