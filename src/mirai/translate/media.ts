/** Media element details shared by both directions: mirai-style ids, image types, poke names. */
import crypto from 'node:crypto';
import { entry, given, str } from './util';

const HEX32 = /[0-9a-fA-F]{32}/;

/** The bytes of a `base64://` source, if that is what `v` is. */
function base64Bytes(v: unknown): Buffer | undefined {
  const s = str(v);
  return /^base64:\/\//i.test(s) ? Buffer.from(s.slice(9), 'base64') : undefined;
}

/**
 * The 32-hex digest that names a media file: from `md5`, else the md5 of inline (`base64://`) bytes
 * (as QQ names a picture by its content, so the same bytes keep one id whichever way they travel),
 * else found in `file`, else hashed from its source.
 */
export function mediaDigest(data: Record<string, unknown>): string {
  const inline = HEX32.test(str(data.md5)) ? undefined : base64Bytes(data.file);
  if (inline) return crypto.createHash('md5').update(inline).digest('hex').toUpperCase();
  for (const v of [data.md5, data.file, data.file_unique, data.url]) {
    const m = HEX32.exec(str(v));
    if (m) return m[0].toUpperCase();
  }
  const basis = given(data.file) ?? given(data.url) ?? given(data.path) ?? JSON.stringify(data);
  return crypto.createHash('md5').update(basis).digest('hex').toUpperCase();
}

/** The extension of a file name or URL path (lower case, no dot), if it has one. */
export function extensionOf(name: unknown): string | undefined {
  const s = str(name).split(/[?#]/)[0];
  const m = /\.([A-Za-z0-9]{2,5})$/.exec(s);
  return m ? m[1].toLowerCase() : undefined;
}

const IMAGE_TYPES: Record<string, string> = { jpg: 'JPG', jpeg: 'JPG', png: 'PNG', gif: 'GIF', bmp: 'BMP', apng: 'APNG' };

/** An image format from its first bytes. */
export function sniffImageType(b: Buffer): string | undefined {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return 'PNG';
  if (b[0] === 0xff && b[1] === 0xd8) return 'JPG';
  if (b.subarray(0, 3).toString('latin1') === 'GIF') return 'GIF';
  if (b.subarray(0, 2).toString('latin1') === 'BM') return 'BMP';
  return undefined;
}

export function imageTypeOf(data: Record<string, unknown>): string {
  for (const v of [data.file, data.url, data.filename]) {
    const ext = extensionOf(v);
    const t = ext && entry(IMAGE_TYPES, ext);
    if (t) return t;
  }
  // Inline bytes carry no name: their first bytes tell (only the head is decoded).
  const head = base64Bytes(str(data.file).slice(0, 9 + 16));
  const sniffed = head && sniffImageType(head);
  if (sniffed) return sniffed;
  const t = str(data.imageType ?? data.image_type).toUpperCase();
  return Object.values(IMAGE_TYPES).includes(t) ? t : 'UNKNOWN';
}

/** mirai's image id form: `{8-4-4-4-12}.ext` over the digest. */
export function imageIdFor(digest: string, imageType: string): string {
  const h = digest.toUpperCase();
  const ext = imageType === 'UNKNOWN' ? 'jpg' : imageType === 'JPG' ? 'jpg' : imageType.toLowerCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}.${ext}`;
}

export const isHttpUrl = (v: unknown): v is string => /^https?:\/\//i.test(str(v));

/** What to remember for a received media element: its http(s) URL, else its `file` as given. */
export function mediaSource(data: Record<string, unknown>): string | undefined {
  if (isHttpUrl(data.url)) return str(data.url);
  return given(data.file) ?? given(data.path);
}

/** mirai poke names ⇄ the poke (type, id) pair. SVIP pokes share type 126 and differ by id. */
export const POKES: [name: string, type: number, id: number][] = [
  ['ChuoYiChuo', 1, -1], ['BiXin', 2, -1], ['DianZan', 3, -1], ['XinSui', 4, -1], ['LiuLiuLiu', 5, -1], ['FangDaZhao', 6, -1],
  ['BaoBeiQiu', 126, 2011], ['Rose', 126, 10001], ['ZhaoHuanShu', 126, 10002], ['RangNiPi', 126, 10003], ['JieYin', 126, 10004],
  ['ShouLei', 126, 10005], ['GouYin', 126, 10006], ['ZhuaYiXia', 126, 10007], ['SuiPing', 126, 10008], ['QiaoMen', 126, 10009],
];
/** mirai 1.x names some clients still send, mapped to what they meant. */
const LEGACY_POKES: Record<string, string> = { poke: 'ChuoYiChuo', showlove: 'BiXin', like: 'DianZan', heartbroken: 'XinSui', sixsixsix: 'LiuLiuLiu' };
export const UNKNOWN_POKE_NAME = '未知戳一戳';

export function pokeByName(name: unknown): { type: number; id: number } {
  const n = str(name).trim().toLowerCase();
  const wanted = entry(LEGACY_POKES, n)?.toLowerCase() ?? n;
  const hit = POKES.find(([p]) => p.toLowerCase() === wanted) ?? POKES[0];
  return { type: hit[1], id: hit[2] };
}

export function pokeNameOf(type: number, id: number): string {
  const exact = POKES.find(([, t, i]) => t === type && i === id);
  if (exact) return exact[0];
  const byType = type !== 126 ? POKES.find(([, t]) => t === type) : undefined;
  return byType ? byType[0] : UNKNOWN_POKE_NAME;
}

/** MusicShare kinds ⇄ OneBot music types. */
export const MUSIC_KINDS: [kind: string, type: string][] = [
  ['NeteaseCloudMusic', '163'], ['QQMusic', 'qq'], ['MiguMusic', 'migu'], ['KugouMusic', 'kugou'], ['KuwoMusic', 'kuwo'],
];
