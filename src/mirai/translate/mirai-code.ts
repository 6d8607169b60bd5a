/**
 * MiraiCode (§6.3): plain text interleaved with `[mirai:name:args]` codes, backslash-escaped.
 * Parsing is context-free and lenient: a code that does not parse stays as (unescaped) text.
 */
import type { MessageChain, MiraiObject } from '../types';
import { faceNameById, UNKNOWN_FACE_NAME } from './faces';
import { pokeByName, pokeNameOf } from './media';
import { entry } from './util';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '[': '\\[', ']': '\\]', ':': '\\:', ',': '\\,', '\n': '\\n', '\r': '\\r' };

export function escapeMiraiCode(text: string): string {
  return text.replace(/[\\[\]:,\n\r]/g, (c) => ESCAPES[c]);
}

/** Undo escaping: `\n`→LF, `\r`→CR, backslash+newline→nothing, backslash+other→that char. */
export function unescapeMiraiCode(text: string): string {
  return text.replace(/\\([\s\S]?)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === '\n' ? '' : c === '' ? '\\' : c));
}

/** Split on a separator that is not escaped; parts stay escaped. */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) { cur += c + s[++i]; continue; }
    if (c === sep) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const DIGITS = /^-?\d+$/;

export function imageElement(type: 'Image' | 'FlashImage', imageId: string): MiraiObject {
  return { type, imageId, url: null, path: null, base64: null, width: 0, height: 0, size: 0, imageType: 'UNKNOWN', isEmoji: false };
}

/** Code name → element builder over the unescaped args; undefined = the code does not parse. */
const CODES: Record<string, (args: string[]) => MiraiObject | undefined> = {
  at: ([qq, ...rest]) => (DIGITS.test(qq ?? '') && !rest.length ? { type: 'At', target: Number(qq), display: '' } : undefined),
  atall: (args) => (args.length === 0 || (args.length === 1 && args[0] === '') ? { type: 'AtAll', target: 0 } : undefined),
  face: ([id, ...rest]) =>
    DIGITS.test(id ?? '') && !rest.length
      ? { type: 'Face', faceId: Number(id), name: faceNameById(Number(id)) ?? UNKNOWN_FACE_NAME, isSuperFace: false }
      : undefined,
  superface: ([id]) =>
    DIGITS.test(id ?? '') ? { type: 'Face', faceId: Number(id), name: faceNameById(Number(id)) ?? UNKNOWN_FACE_NAME, isSuperFace: true } : undefined,
  // VIP faces cannot be sent through OneBot: keep what QQ shows for them.
  vipface: ([id, name, count]) => (DIGITS.test(id ?? '') && name !== undefined ? { type: 'Plain', text: `[${name}]x${count ?? 1}` } : undefined),
  poke: ([name, type, id]) => {
    if (DIGITS.test(type ?? '') && DIGITS.test(id ?? '')) return { type: 'Poke', name: pokeNameOf(Number(type), Number(id)) };
    return name ? { type: 'Poke', name: pokeNameOf(pokeByName(name).type, pokeByName(name).id) } : undefined;
  },
  image: ([id, ...rest]) => (id && !rest.length ? imageElement('Image', id) : undefined),
  flash: ([id, ...rest]) => (id && !rest.length ? imageElement('FlashImage', id) : undefined),
  service: ([id, ...content]) => {
    if (!DIGITS.test(id ?? '') || !content.length) return undefined;
    const body = content.join(',');
    return Number(id) === 1 ? { type: 'Json', json: body } : { type: 'Xml', xml: body };
  },
  app: (content) => (content.length && content.join(',') !== '' ? { type: 'App', content: content.join(',') } : undefined),
  dice: ([v, ...rest]) => (/^[1-6]$/.test(v ?? '') && !rest.length ? { type: 'Dice', value: Number(v) } : undefined),
  rps: ([v, ...rest]) => (/^(rock|paper|scissors)$/i.test(v ?? '') && !rest.length ? { type: 'RockPaperScissors', choice: v.toLowerCase() } : undefined),
  musicshare: (a) =>
    a.length === 7
      ? { type: 'MusicShare', kind: a[0], title: a[1], summary: a[2], jumpUrl: a[3], pictureUrl: a[4], musicUrl: a[5], brief: a[6] }
      : undefined,
  file: ([id, internalId, name, size, ...rest]) =>
    id !== undefined && name !== undefined && DIGITS.test(size ?? '') && DIGITS.test(internalId ?? '') && !rest.length
      ? { type: 'File', id, name, size: Number(size) }
      : undefined,
};

export function miraiCodeToChain(code: string): MessageChain {
  const chain: MessageChain = [];
  let text = '';
  const flush = () => {
    if (text) chain.push({ type: 'Plain', text });
    text = '';
  };
  let i = 0;
  while (i < code.length) {
    if (code[i] === '\\') {
      text += unescapeMiraiCode(code.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (code.startsWith('[mirai:', i)) {
      let j = i + 7;
      while (j < code.length && code[j] !== ']') j += code[j] === '\\' ? 2 : 1;
      if (j >= code.length) break; // unterminated: the rest is plain text
      const body = code.slice(i + 7, j);
      const [name, ...argParts] = splitUnescaped(body, ':');
      const argsRaw = argParts.join(':');
      const args = argParts.length ? splitUnescaped(argsRaw, ',').map(unescapeMiraiCode) : [];
      const el = entry(CODES, unescapeMiraiCode(name).toLowerCase())?.(args);
      if (el) {
        flush();
        chain.push(el);
      } else {
        text += unescapeMiraiCode(code.slice(i, j + 1));
      }
      i = j + 1;
      continue;
    }
    text += code[i++];
  }
  if (i < code.length) text += unescapeMiraiCode(code.slice(i));
  flush();
  return chain;
}

const e = (v: unknown) => escapeMiraiCode(String(v ?? ''));

/** Element type → its MiraiCode; types without a code (Source, Quote, Voice, Forward…) render as nothing. */
const TO_CODE: Record<string, (el: MiraiObject) => string> = {
  Plain: (el) => e(el.text),
  At: (el) => `[mirai:at:${el.target}]`,
  AtAll: () => '[mirai:atall]',
  Face: (el) => (el.isSuperFace ? `[mirai:superface:${el.faceId},${el.faceId},1]` : `[mirai:face:${el.faceId}]`),
  Poke: (el) => {
    const p = pokeByName(el.name);
    return `[mirai:poke:${e(el.name)},${p.type},${p.id}]`;
  },
  Image: (el) => `[mirai:image:${e(el.imageId)}]`,
  FlashImage: (el) => `[mirai:flash:${e(el.imageId)}]`,
  Xml: (el) => `[mirai:service:60,${e(el.xml)}]`,
  Json: (el) => `[mirai:service:1,${e(el.json)}]`,
  App: (el) => `[mirai:app:${e(el.content)}]`,
  Dice: (el) => `[mirai:dice:${el.value}]`,
  RockPaperScissors: (el) => `[mirai:rps:${e(el.choice)}]`,
  MusicShare: (el) =>
    `[mirai:musicshare:${[el.kind, el.title, el.summary, el.jumpUrl, el.pictureUrl, el.musicUrl, el.brief].map(e).join(',')}]`,
  File: (el) => `[mirai:file:${e(el.id)},0,${e(el.name)},${Number(el.size) || 0}]`,
  MarketFace: (el) => e(el.name),
};

export function chainToMiraiCode(chain: MessageChain): string {
  return chain.map((el) => entry(TO_CODE, String(el?.type))?.(el) ?? '').join('');
}
