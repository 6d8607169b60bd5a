/**
 * Segment normalisation for messages entering the world: one table of per-type rules; types it does
 * not name pass through untouched. Media are "uploaded" (see message-media).
 */
import { BridgeError, badParams } from '../../../errors';
import type { Segment } from '../../../core/types';
import type { SandboxContext } from '../context';
import { MAX_TEXT } from './message-model';
import { MEDIA_TYPES, receiveMedia, uploadMedia } from './message-media';

type Data = Record<string, unknown>;
type Rule = (ctx: SandboxContext, data: Data, incoming: boolean, type: string) => Data | Promise<Data>;

const idString = (type: string, key: string) => (_: SandboxContext, d: Data): Data => {
  const v = d[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw badParams(`${type} segment needs ${key}`);
  if (String(v).trim() === '') throw badParams(`${type} segment needs ${key}`);
  return { ...d, [key]: String(v).trim() };
};

const randomResult = (max: number) => (_: SandboxContext, d: Data): Data =>
  d.result === undefined ? { ...d, result: String(1 + Math.floor(Math.random() * max)) } : d;

const media: Rule = (ctx, d, incoming, type) => (incoming ? receiveMedia(ctx.world, type, d) : uploadMedia(ctx.world, type, d));

const RULES: Record<string, Rule> = {
  text: (_, d) => ({ ...d, text: typeof d.text === 'string' ? d.text : String(d.text ?? '') }),
  at: (_, d) => {
    const q = String(d.qq ?? '').trim();
    if (q !== 'all' && !/^\d+$/.test(q)) throw badParams('at segment needs qq (a QQ number or "all")');
    return { ...d, qq: q };
  },
  face: idString('face', 'id'),
  reply: (ctx, d) => {
    const id = String(d.id ?? '').trim();
    const m = /^-?\d+$/.test(id) ? ctx.world.messages.get(Number(id)) : undefined;
    if (!m) throw badParams(`reply: message ${id || '(none)'} not found`);
    return { ...d, id };
  },
  node: () => {
    throw badParams('node segments are only valid in a forward message');
  },
  forward: (ctx, d) => {
    const id = String(d.id ?? '');
    if (!ctx.world.forwards.has(id)) throw badParams(`forward ${id || '(none)'} not found`);
    return { ...d, id };
  },
  json: (_, d) => ({ ...d, data: typeof d.data === 'string' ? d.data : JSON.stringify(d.data ?? {}) }),
  // Some implementations spell longitude `lng`; the standard says `lon`.
  location: (_, { lng, ...d }) => (d.lon === undefined && lng === undefined ? d : { ...d, lon: d.lon ?? lng }),
  dice: randomResult(6),
  rps: randomResult(3),
};
for (const t of MEDIA_TYPES) RULES[t] = media;

/** Normalise a message for storage; `incoming` = written by someone else (received media keep their names). */
export async function composeMessage(ctx: SandboxContext, segments: Segment[], incoming = false): Promise<Segment[]> {
  const out: Segment[] = [];
  let textLength = 0;
  for (const s of segments) {
    // Own keys only: a segment typed `constructor` or `__proto__` is an unknown type, not a rule.
    const rule = Object.hasOwn(RULES, s.type) ? RULES[s.type] : undefined;
    let data: Data = s.data ?? {};
    if (rule) {
      const ruled = rule(ctx, data, incoming, s.type);
      data = ruled instanceof Promise ? await ruled : ruled; // only media rules wait: no tick per text segment
    }
    if (s.type === 'text') {
      textLength += (data.text as string).length;
      if (!data.text) continue;
    }
    out.push({ type: s.type, data });
  }
  if (textLength > MAX_TEXT) throw new BridgeError('too_long', `message text is ${textLength} characters; QQ allows ${MAX_TEXT}`);
  if (!out.length) throw badParams('empty message');
  return out;
}
