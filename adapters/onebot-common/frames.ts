/**
 * One OneBot API frame (`{action, params?, echo?}`, WS text) → its envelope: the checks every WS
 * transport makes before the shared dispatch. Answers the same envelopes as the forward WS face.
 */
import type { Params } from '../../src/core/types';
import type { OneBotDispatch } from './dispatch';
import { failedEnvelope, type EchoSource, type Envelope } from './envelope';

const isPlain = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON.parse accepts nesting that JSON.stringify overflows the stack on. */
const serialisable = (v: unknown): boolean => {
  try {
    JSON.stringify(v);
    return true;
  } catch {
    return false;
  }
};

/** Validate and dispatch one frame for the bot `selfId` (absent: the backend's default bot). */
export async function apiFrameToEnvelope(dispatcher: OneBotDispatch, text: string, selfId?: number): Promise<{ action?: string; envelope: Envelope }> {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { envelope: failedEnvelope(1400, 'malformed JSON frame') };
  }
  if (!isPlain(frame)) return { envelope: failedEnvelope(1400, 'frame must be a JSON object') };
  if ('echo' in frame && typeof frame.echo === 'object' && !serialisable(frame.echo)) return { envelope: failedEnvelope(1400, 'echo is nested too deeply to copy back') };
  const echo: EchoSource = 'echo' in frame ? { hasEcho: true, echo: frame.echo } : { hasEcho: false };
  if (typeof frame.action !== 'string' || !frame.action) return { envelope: failedEnvelope(1400, 'frame has no action', echo) };
  const params = frame.params ?? {};
  if (!isPlain(params)) return { envelope: failedEnvelope(1400, 'params must be an object', echo) };
  const { envelope } = await dispatcher.dispatch({ action: frame.action, params, ...echo, ...(selfId === undefined ? {} : { selfId }) });
  return { action: frame.action, envelope };
}
