/**
 * CQ code: the OneBot v11 string form of a message, `text[CQ:type,k=v,…]text`.
 * Escaping: in text `&` `[` `]`; inside parameter values also `,`.
 */
import type { Segment } from './types';

const TEXT_ESCAPES: [string, string][] = [['&', '&amp;'], ['[', '&#91;'], [']', '&#93;']];
const PARAM_ESCAPES: [string, string][] = [...TEXT_ESCAPES, [',', '&#44;']];
const UNESCAPES: Record<string, string> = { '&amp;': '&', '&#91;': '[', '&#93;': ']', '&#44;': ',' };

export function escapeCq(text: string, inParam = false): string {
  let out = text;
  for (const [from, to] of inParam ? PARAM_ESCAPES : TEXT_ESCAPES) out = out.split(from).join(to);
  return out;
}

/** One pass, so `&amp;#91;` becomes `&#91;` and not `[`. */
export function unescapeCq(text: string): string {
  return text.replace(/&(?:amp|#91|#93|#44);/g, (m) => UNESCAPES[m]);
}

const TYPE_RE = /^[A-Za-z0-9_.-]+$/;

/** Parse a CQ string. Malformed codes stay text; unknown types become segments as they are. */
export function cqToSegments(text: string): Segment[] {
  const out: Segment[] = [];
  const pushText = (raw: string) => {
    if (!raw) return;
    const t = unescapeCq(raw);
    const last = out[out.length - 1];
    if (last && last.type === 'text') last.data.text = String(last.data.text) + t;
    else out.push({ type: 'text', data: { text: t } });
  };
  let pos = 0;
  while (pos < text.length) {
    const start = text.indexOf('[CQ:', pos);
    if (start < 0) break;
    const end = text.indexOf(']', start);
    if (end < 0) break;
    const body = text.slice(start + 4, end);
    const parts = body.split(',');
    const type = parts[0];
    if (!TYPE_RE.test(type)) {
      // Not a code: keep "[CQ:" as text and look further on.
      pushText(text.slice(pos, start + 4));
      pos = start + 4;
      continue;
    }
    pushText(text.slice(pos, start));
    const data: Record<string, unknown> = {};
    for (const p of parts.slice(1)) {
      if (!p) continue;
      const eq = p.indexOf('=');
      if (eq < 0) data[p] = '';
      else data[p.slice(0, eq)] = unescapeCq(p.slice(eq + 1));
    }
    out.push({ type, data });
    pos = end + 1;
  }
  pushText(text.slice(pos));
  return out;
}

function paramValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export function segmentsToCq(segments: Segment[]): string {
  return segments
    .map((s) => {
      const data = s.data ?? {};
      if (s.type === 'text') return escapeCq(String(data.text ?? ''));
      const params = Object.entries(data)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `,${k}=${escapeCq(paramValue(v), true)}`)
        .join('');
      return `[CQ:${s.type}${params}]`;
    })
    .join('');
}
