/**
 * mirai MessageChain ⇄ OneBot segments. Outgoing (`chainToSegments`) honours MAH's send rules
 * (media priority imageId > url > path > base64, blank = absent, unknown elements dropped);
 * incoming (`segmentsToChain`) emits every declared field, nulls included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BridgeError } from '../../errors';
import type { Segment } from '../../core/types';
import type { CachedMessage, MediaRegistry, MessageChain, MiraiObject } from '../types';
import { faceIdByName, faceNameById, UNKNOWN_FACE_ID, UNKNOWN_FACE_NAME } from './faces';
import {
  extensionOf, imageIdFor, imageTypeOf, isHttpUrl, mediaDigest, mediaSource, MUSIC_KINDS, pokeByName, pokeNameOf,
} from './media';
import { miraiCodeToChain } from './mirai-code';
import { bool, given, int, isRecord, num, str } from './util';

export interface ChainContext {
  botId: number;
  media: MediaRegistry;
  /** Forward nodes by messageId / messageRef: a cached message in that context (or any context). */
  resolveMessage(messageId: number, contextId?: number): CachedMessage | undefined;
  /** The send target's context id (friend QQ or group id), for Forward nodes given by messageId. */
  contextId?: number;
}

/** Nested forwards / MiraiCode beyond this depth are dropped (hostile input guard). */
const MAX_DEPTH = 8;

type El = Record<string, unknown>;
type MediaKind = 'image' | 'voice' | 'video';
const seg = (type: string, data: Record<string, unknown> = {}): Segment => ({ type, data });

/** A local path (relative to the process cwd) as a `file://` URI; a missing file is MAH's code 6. */
function localFile(p: string): string {
  if (/^file:\/\//i.test(p)) return p;
  const abs = path.resolve(process.cwd(), p);
  if (!fs.existsSync(abs)) throw new BridgeError('file_missing', `文件不存在：${abs}`);
  return pathToFileURL(abs).href;
}

const base64Source = (b: string) => `base64://${b.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '')}`;

/**
 * The OneBot `file` for a media element, by MAH's priority. An id the registry does not know is
 * passed through last: some backends accept a received file token as `file`.
 */
function mediaFile(el: El, kind: MediaKind, idKey: string, urlKey: string, ctx: ChainContext): string | undefined {
  const id = given(el[idKey]);
  const known = id && ctx.media.resolve(kind, id);
  if (known) return known;
  const url = given(el[urlKey]);
  if (url) return url;
  const p = given(el.path);
  if (p) return localFile(p);
  const b64 = given(el.base64);
  if (b64) return base64Source(b64);
  return id;
}

function faceId(el: El): number {
  const id = num(el.faceId ?? el.id, -1);
  if (id >= 0) return Math.trunc(id);
  const name = given(el.name);
  return (name !== undefined ? faceIdByName(name) : undefined) ?? UNKNOWN_FACE_ID;
}

type Send = (el: El, ctx: ChainContext, depth: number) => Segment[];

function image(flash: boolean): Send {
  return (el, ctx) => {
    const file = mediaFile(el, 'image', 'imageId', 'url', ctx);
    return file ? [seg('image', flash ? { file, type: 'flash' } : { file })] : [];
  };
}

/** A Forward element becomes `node` segments; the send command routes them to a forward action. */
function forwardNodes(el: El, ctx: ChainContext, depth: number): Segment[] {
  const nodes = Array.isArray(el.nodeList) ? el.nodeList : [];
  const out: Segment[] = [];
  for (const n of nodes) {
    if (!isRecord(n)) continue;
    const cached = cachedNode(n, ctx);
    if (cached) {
      out.push(cachedToNode(cached, ctx, depth));
      continue;
    }
    if (n.senderId == null || !Array.isArray(n.messageChain)) continue;
    const data: Record<string, unknown> = {
      user_id: int(n.senderId),
      nickname: str(n.senderName),
      content: convert(n.messageChain, ctx, depth + 1),
    };
    const time = int(n.time, -1);
    if (time > 0) data.time = time;
    out.push(seg('node', data));
  }
  return out;
}

function cachedNode(n: El, ctx: ChainContext): CachedMessage | undefined {
  if (n.messageId != null && Number.isFinite(num(n.messageId, NaN))) {
    const hit = ctx.resolveMessage(int(n.messageId), ctx.contextId);
    if (hit) return hit;
  }
  const ref = n.messageRef;
  if (isRecord(ref) && ref.messageId != null) return ctx.resolveMessage(int(ref.messageId), ref.target != null ? int(ref.target) : undefined);
  return undefined;
}

function cachedToNode(m: CachedMessage, ctx: ChainContext, depth: number): Segment {
  const sender = isRecord(m.packet?.sender) ? m.packet.sender : undefined;
  const name = str(sender?.memberName ?? sender?.nickname) || String(m.senderId);
  return seg('node', { user_id: m.senderId, nickname: name, content: convert(m.chain, ctx, depth + 1), time: m.time });
}

const ignore: Send = () => [];

/** Outgoing element type (lower case) → segments. Types absent here are dropped. */
const SEND: Record<string, Send> = {
  plain: (el) => (str(el.text) ? [seg('text', { text: str(el.text) })] : []),
  at: (el) => (el.target != null && int(el.target) > 0 ? [seg('at', { qq: int(el.target) })] : []),
  atall: () => [seg('at', { qq: 'all' })],
  face: (el) => [seg('face', bool(el.isSuperFace) ? { id: faceId(el), big: true } : { id: faceId(el) })],
  image: image(false),
  flashimage: image(true),
  voice: (el, ctx) => {
    const file = mediaFile(el, 'voice', 'voiceId', 'url', ctx);
    return file ? [seg('record', { file })] : [];
  },
  shortvideo: (el, ctx) => {
    const file = mediaFile(el, 'video', 'videoId', 'videoUrl', ctx);
    if (!file) return [];
    const thumb = given(el.thumbnailUrl);
    return [seg('video', thumb ? { file, thumb } : { file })];
  },
  xml: (el) => [seg('xml', { data: str(el.xml) })],
  json: (el) => [seg('json', { data: str(el.json) })],
  app: (el) => [seg('json', { data: str(el.content) })],
  poke: (el) => [seg('poke', pokeByName(el.name))],
  dice: (el) => {
    const v = int(el.value);
    return [seg('dice', v >= 1 && v <= 6 ? { result: v } : {})];
  },
  rockpaperscissors: () => [seg('rps')],
  musicshare: (el) => [
    seg('music', {
      type: 'custom', url: str(el.jumpUrl), audio: str(el.musicUrl), title: str(el.title),
      content: str(el.summary), image: str(el.pictureUrl),
    }),
  ],
  forward: forwardNodes,
  miraicode: (el, ctx, depth) => convert(miraiCodeToChain(str(el.code)), ctx, depth + 1),
  // Receive-only or carried elsewhere (the `quote` field): dropped on send, like MAH.
  source: ignore,
  quote: ignore,
  marketface: ignore,
  file: ignore,
};

/** The table as a Map: own keys only (no `constructor` or `__proto__`), and a cheap lookup per element. */
const SEND_BY_TYPE: ReadonlyMap<string, Send> = new Map(Object.entries(SEND));

function convert(chain: unknown, ctx: ChainContext, depth: number): Segment[] {
  if (depth > MAX_DEPTH) return [];
  const list: unknown[] = Array.isArray(chain) ? chain : typeof chain === 'string' ? [{ type: 'Plain', text: chain }] : isRecord(chain) ? [chain] : [];
  const out: Segment[] = [];
  for (const el of list) {
    if (!isRecord(el)) continue;
    const fn = SEND_BY_TYPE.get(str(el.type).toLowerCase());
    if (fn) out.push(...fn(el, ctx, depth));
  }
  return out;
}

/** Outgoing: a mirai chain (lenient: numeric strings, nulls, a bare string or element) → OneBot segments. */
export function chainToSegments(chain: unknown, ctx: ChainContext): Segment[] {
  return convert(chain, ctx, 0);
}

/**
 * A Forward element's `display`, in the parameter names of the forward-send actions that support
 * card cosmetics (`source`, `news`, `summary`, `prompt`); undefined when the chain sets none.
 */
export function forwardDisplay(chain: unknown): { source?: string; news?: { text: string }[]; summary?: string; prompt?: string } | undefined {
  const fwd = Array.isArray(chain) ? chain.find((el) => isRecord(el) && str(el.type).toLowerCase() === 'forward') : undefined;
  const d = isRecord(fwd) && isRecord(fwd.display) ? fwd.display : undefined;
  if (!d) return undefined;
  const out: { source?: string; news?: { text: string }[]; summary?: string; prompt?: string } = {};
  if (given(d.title)) out.source = str(d.title);
  if (Array.isArray(d.preview)) out.news = d.preview.map((t) => ({ text: str(t) }));
  if (given(d.summary)) out.summary = str(d.summary);
  if (given(d.brief)) out.prompt = str(d.brief);
  return Object.keys(out).length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// Incoming

type InCtx = { botId: number; media: MediaRegistry };
type Receive = (d: El, ctx: InCtx, depth: number) => MiraiObject | undefined;

const httpOrNull = (v: unknown): string | null => (isHttpUrl(v) ? str(v) : null);

function remember(ctx: InCtx, kind: MediaKind, id: string, d: El): void {
  const src = mediaSource(d);
  if (src) ctx.media.remember(kind, id, src);
}

function receiveImage(d: El, ctx: InCtx): MiraiObject {
  const imageType = imageTypeOf(d);
  const imageId = imageIdFor(mediaDigest(d), imageType);
  remember(ctx, 'image', imageId, d);
  const flash = str(d.type).toLowerCase() === 'flash' || bool(d.flash);
  return {
    type: flash ? 'FlashImage' : 'Image',
    imageId,
    url: httpOrNull(d.url),
    path: null,
    base64: null,
    width: int(d.width),
    height: int(d.height),
    size: int(d.file_size ?? d.size),
    imageType,
    isEmoji: int(d.sub_type ?? d.subType) === 1 || d.emoji_id != null,
  };
}

function receiveVoice(d: El, ctx: InCtx): MiraiObject {
  const ext = extensionOf(d.file);
  const voiceId = `${mediaDigest(d)}.${ext && /^(amr|silk|slk|mp3|wav|ogg|m4a|aac|flac)$/.test(ext) ? ext : 'amr'}`;
  remember(ctx, 'voice', voiceId, d);
  return { type: 'Voice', voiceId, url: httpOrNull(d.url), path: null, base64: null, length: int(d.seconds ?? d.length ?? d.duration) };
}

function receiveVideo(d: El, ctx: InCtx): MiraiObject {
  const md5 = mediaDigest(d);
  const ext = extensionOf(d.file) ?? extensionOf(d.url);
  const base = str(d.file).replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const videoId = md5.toLowerCase();
  remember(ctx, 'video', videoId, d);
  return {
    type: 'ShortVideo',
    videoId,
    fileMd5: md5,
    fileSize: int(d.file_size ?? d.size),
    fileFormat: ext && /^(mp4|mov|avi|mkv|flv|webm|3gp)$/.test(ext) ? ext : 'mp4',
    filename: base && !/^(https?|base64|file):/i.test(str(d.file)) ? base : md5.toLowerCase(),
    videoUrl: httpOrNull(d.url),
    thumbnailUrl: null,
  };
}

const jsonText = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v));

function musicKind(type: unknown): string {
  const t = str(type).toLowerCase();
  return MUSIC_KINDS.find(([, ty]) => ty === t)?.[0] ?? 'QQMusic';
}

/** A received forward: nodes inlined by some backends (as node segments or message objects). */
function receiveForward(d: El, ctx: InCtx, depth: number): MiraiObject {
  const raw = Array.isArray(d.content) ? d.content : Array.isArray(d.messages) ? d.messages : [];
  const nodeList = depth >= MAX_DEPTH ? [] : raw.filter(isRecord).map((n) => forwardNodeToMirai(n, ctx, depth + 1));
  return { type: 'Forward', display: null, nodeList };
}

/** A received forward node: all six keys, `messageId`/`messageRef` null (they are send-only). */
export function forwardNodeToMirai(n: El, ctx: InCtx, depth = 0): Record<string, unknown> {
  const node = n.type === 'node' && isRecord(n.data) ? n.data : n;
  const sender = isRecord(node.sender) ? node.sender : {};
  const message = node.content ?? node.message;
  return {
    senderId: int(node.user_id ?? node.uin ?? sender.user_id),
    time: int(node.time),
    senderName: str(node.nickname ?? node.name ?? sender.card) || str(sender.nickname),
    messageChain: convertIn(Array.isArray(message) ? (message as Segment[]) : typeof message === 'string' ? [seg('text', { text: message })] : [], ctx, depth),
    messageId: null,
    messageRef: null,
  };
}

/** Incoming segment type → mirai element. Types absent here (reply, node, unknown) are omitted. */
const RECEIVE: Record<string, Receive> = {
  text: (d) => ({ type: 'Plain', text: str(d.text) }),
  at: (d) => (str(d.qq).toLowerCase() === 'all' ? { type: 'AtAll', target: 0 } : { type: 'At', target: int(d.qq), display: '' }),
  face: (d) => {
    const id = int(d.id);
    const fromText = given(d.text)?.replace(/^\//, '');
    return { type: 'Face', faceId: id, name: faceNameById(id) ?? fromText ?? UNKNOWN_FACE_NAME, isSuperFace: bool(d.big) || bool(d.large) || d.resultId != null };
  },
  sface: (d) => ({ type: 'Face', faceId: int(d.id), name: faceNameById(int(d.id)) ?? UNKNOWN_FACE_NAME, isSuperFace: true }),
  image: (d, ctx) => receiveImage(d, ctx),
  flash: (d, ctx) => receiveImage({ ...d, type: 'flash' }, ctx),
  record: (d, ctx) => receiveVoice(d, ctx),
  video: (d, ctx) => receiveVideo(d, ctx),
  json: (d) => ({ type: 'App', content: jsonText(d.data) }),
  xml: (d) => ({ type: 'Xml', xml: jsonText(d.data) }),
  poke: (d) => ({ type: 'Poke', name: d.type != null ? pokeNameOf(int(d.type), int(d.id, -1)) : str(d.name) || 'ChuoYiChuo' }),
  dice: (d) => ({ type: 'Dice', value: int(d.result ?? d.value, 1) }),
  mface: (d) => ({ type: 'MarketFace', id: int(d.emoji_id ?? d.id), name: str(d.summary ?? d.name) || '[表情]' }),
  music: (d) => {
    const title = str(d.title);
    return {
      type: 'MusicShare', kind: musicKind(d.type), title, summary: str(d.content), jumpUrl: str(d.url),
      pictureUrl: str(d.image), musicUrl: str(d.audio), brief: `[分享]${title}`,
    };
  },
  forward: receiveForward,
  file: (d) => ({ type: 'File', id: str(d.file_id ?? d.id ?? d.file), name: str(d.name ?? d.file_name ?? d.file), size: int(d.file_size ?? d.size) }),
};

const RECEIVE_BY_TYPE: ReadonlyMap<string, Receive> = new Map(Object.entries(RECEIVE));

function convertIn(segments: unknown, ctx: InCtx, depth: number): MessageChain {
  const list = Array.isArray(segments) ? segments : [];
  const chain: MessageChain = [];
  for (const s of list) {
    if (!isRecord(s)) continue;
    const d = isRecord(s.data) ? s.data : {};
    const el = RECEIVE_BY_TYPE.get(str(s.type))?.(d, ctx, depth);
    if (el) chain.push(el);
  }
  return chain;
}

/** Incoming: OneBot segments → a mirai chain without Source/Quote (the event translator adds those). */
export function segmentsToChain(segments: Segment[], ctx: { botId: number; media: MediaRegistry }): MessageChain {
  return convertIn(segments, ctx, 0);
}
