/** Message input in any OneBot form → segment array; segment array → plain-text summary. */
import { BridgeError } from '../errors';
import { cqToSegments } from './cq-code';
import type { Segment } from './types';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toSegment(v: unknown, autoEscape: boolean): Segment[] {
  if (typeof v === 'string') return autoEscape ? (v ? [{ type: 'text', data: { text: v } }] : []) : cqToSegments(v);
  if (isPlainObject(v) && typeof v.type === 'string' && v.type) {
    const data = v.data ?? {};
    if (!isPlainObject(data)) throw new BridgeError('bad_params', `segment ${v.type}: data must be an object`);
    return [{ type: v.type, data: { ...data } }];
  }
  throw new BridgeError('bad_params', 'message segment must be an object with a type');
}

/**
 * Accepts a segment array, one segment object, or a CQ string (plain text with `autoEscape`).
 * Throws bad_params for anything else and for an empty message.
 */
export function messageToSegments(message: unknown, autoEscape = false): Segment[] {
  let segments: Segment[];
  if (Array.isArray(message)) {
    // A plain loop: flatMap costs several times more on this per-message path.
    segments = [];
    for (const m of message) for (const s of toSegment(m, autoEscape)) segments.push(s);
  } else if (typeof message === 'string' || isPlainObject(message)) segments = toSegment(message, autoEscape);
  else throw new BridgeError('bad_params', 'message must be a string, a segment or an array of segments');
  if (!segments.length) throw new BridgeError('bad_params', 'empty message');
  return segments;
}

const LABELS: Record<string, string> = {
  face: '[表情]', mface: '[表情]', image: '[图片]', record: '[语音]', video: '[视频]', file: '[文件]',
  forward: '[聊天记录]', node: '[聊天记录]', json: '[卡片消息]', xml: '[卡片消息]', share: '[分享]',
  music: '[音乐]', dice: '[骰子]', rps: '[猜拳]', poke: '[戳一戳]', shake: '[窗口抖动]', contact: '[推荐]',
  location: '[位置]', markdown: '[Markdown]',
};

/** A plain-text summary (previews, forward card `news`), as QQ shows a message in a list. */
export function segmentsToText(segments: Segment[]): string {
  return segments
    .map((s) => {
      const d = s.data ?? {};
      if (s.type === 'text') return String(d.text ?? '');
      if (s.type === 'at') return d.qq === 'all' ? '@全体成员' : `@${d.name ?? d.qq ?? ''}`;
      if (s.type === 'reply') return '';
      if (s.type === 'image' && typeof d.summary === 'string' && d.summary) return d.summary;
      return (Object.hasOwn(LABELS, s.type) ? LABELS[s.type] : undefined) ?? `[${s.type}]`;
    })
    .join('');
}
