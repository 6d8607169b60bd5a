/**
 * mirai WebSocket frames (digest §4.3–4.5), shared by the WS server and the reverse-WS client:
 * one parser, one command path through `mirai.execute`, one set of frame shapes.
 */
import type { StateCode } from '../../src/mirai/state-code';
import type { BoundSession, MiraiModel } from '../../src/mirai/types';

/** An unparseable frame: MAH's raw answer (no envelope, no syncId); the socket stays open. */
export const RAW_BAD_FRAME = '{"code":400,"msg":"无效参数"}';

export interface CommandFrame {
  /** Echoed exactly as given (string, number or null), never converted. */
  syncId: unknown;
  command: string;
  subCommand: string | null;
  /** As sent; `undefined`/`null` mean "no content". */
  content: unknown;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text of a frame: binary frames are UTF-8 text too. */
export function frameText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}

/** `{syncId, command, subCommand?, content?}`, or undefined when the frame is not a command. */
export function parseFrame(text: string): CommandFrame | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlain(v) || typeof v.command !== 'string' || !v.command) return undefined;
  const sub = v.subCommand;
  return { syncId: v.syncId ?? null, command: v.command, subCommand: typeof sub === 'string' && sub ? sub : null, content: v.content };
}

export const replyFrame = (syncId: unknown, data: unknown) => JSON.stringify({ syncId, data });

/** The first frame after a handshake: the session on success, the StateCode otherwise. */
export const handshakeFrame = (data: { code: 0; session: string } | StateCode) => replyFrame('', data);

/** Whether the table serves the command over sockets (unknown ones are answered by execute: code 6). */
function servedOverSockets(mirai: MiraiModel, f: CommandFrame): boolean {
  return mirai.findCommand(f.command, f.subCommand)?.ws !== false;
}

const UNSUPPORTED: StateCode = { code: 6, msg: '指定操作不支持' };
const BAD_CONTENT: StateCode = { code: 400, msg: '无效参数' };

/**
 * Run one command frame for a socket's session and give the reply frame. `sessionKey` in the
 * content is ignored: the connection's session is used.
 */
export async function runFrame(mirai: MiraiModel, f: CommandFrame, session: BoundSession | null, transport: 'ws' | 'reverse-ws'): Promise<string> {
  if (f.content !== undefined && f.content !== null && !isPlain(f.content)) return replyFrame(f.syncId, BAD_CONTENT);
  if (!servedOverSockets(mirai, f)) return replyFrame(f.syncId, UNSUPPORTED);
  let content = (f.content as Record<string, unknown> | null | undefined) ?? {};
  if ('sessionKey' in content) {
    content = { ...content }; // execute copies the content anyway; only this rare case needs its own
    delete content.sessionKey;
  }
  const data = await mirai.execute({ command: f.command, subCommand: f.subCommand, content, transport, sessionKey: session?.key });
  return replyFrame(f.syncId, data);
}
