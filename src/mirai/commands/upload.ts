/** Multipart uploads (HTTP only): images, voices, short videos, and group files. */
import { createHash, randomUUID } from 'node:crypto';
import { BridgeError } from '../../errors';
import type { CommandContext, CommandSpec, UploadedFile } from '../types';
import { imageIdFor, sniffImageType } from '../translate/media';
import { uploadGroupFile } from './file';

const MEDIA_TYPES = new Set(['group', 'Group', 'friend', 'Friend', 'temp', 'Temp']);

function part(ctx: CommandContext, field: string): UploadedFile {
  const f = ctx.files.find((x) => x.field === field);
  if (!f) throw new BridgeError('bad_params', `缺少参数 ${field}`);
  return f;
}

function checkType(type: string, what: string): void {
  // The type only picks mirai's upload channel; anything else MAH answers with a 500.
  if (!MEDIA_TYPES.has(type)) throw new BridgeError('rejected', `${what}上传错误`);
}

/** Image format from the first bytes (the name may be a field name or absent). */
function imageExt(data: Buffer, name = ''): string {
  const sniffed = sniffImageType(data);
  if (sniffed) return sniffed.toLowerCase();
  return extOfName(name);
}

/** The image extension a file name or URL ends with (before any query), `jpg` when none. */
const extOfName = (name: string) => /\.(png|gif|bmp|jpe?g|webp)(?:$|\?)/i.exec(name)?.[1].toLowerCase().replace('jpeg', 'jpg') ?? 'jpg';

const b64 = (f: UploadedFile) => `base64://${f.data.toString('base64')}`;
const md5 = (x: Buffer | string) => createHash('md5').update(x).digest('hex');

export const UPLOAD_COMMANDS: CommandSpec[] = [
  {
    name: 'uploadImage',
    http: { method: 'POST', path: '/uploadImage', multipart: true },
    ws: false,
    reply: 'bare',
    handler: (ctx, p: { type: string; url?: string }) => {
      checkType(p.type, '图片');
      const url = p.url?.trim() ? p.url.trim() : undefined;
      const img = url ? undefined : part(ctx, 'img');
      const ext = img ? imageExt(img.data, img.filename) : extOfName(url!);
      // mirai names an uploaded picture `{MD5 as a UUID}.ext`: the same bytes received later carry the
      // same id. A URL's bytes are unknown here, so it gets a fresh UUID. The id maps to the source for sends.
      const imageId = img ? imageIdFor(md5(img.data), ext.toUpperCase()) : `{${randomUUID().toUpperCase()}}.${ext}`;
      ctx.mirai.media.remember('image', imageId, url ?? b64(img!));
      return { imageId, url: url ?? null };
    },
  },
  {
    name: 'uploadVoice',
    http: { method: 'POST', path: '/uploadVoice', multipart: true },
    ws: false,
    reply: 'bare',
    handler: (ctx, p: { type: string; url?: string }) => {
      checkType(p.type, '语音');
      const url = p.url?.trim() ? p.url.trim() : undefined;
      const voice = url ? undefined : part(ctx, 'voice');
      const voiceId = `${md5(voice ? voice.data : url!).toUpperCase()}.amr`;
      ctx.mirai.media.remember('voice', voiceId, url ?? b64(voice!));
      return { voiceId };
    },
  },
  {
    name: 'uploadShortVideo',
    http: { method: 'POST', path: '/uploadShortVideo', multipart: true },
    ws: false,
    reply: 'bare',
    handler: (ctx, p: { type: string }) => {
      checkType(p.type, '视频');
      part(ctx, 'thumbnail');
      const video = part(ctx, 'video');
      const videoId = md5(video.data);
      ctx.mirai.media.remember('video', videoId, b64(video));
      return { videoId };
    },
  },
  {
    name: 'file_upload',
    http: { method: 'POST', path: '/file/upload', multipart: true },
    ws: false,
    reply: 'restful',
    handler: async (ctx, p: { type: string; target: number; path: string }) => {
      if (p.type !== 'group') throw new BridgeError('unsupported', 'only group files are supported');
      const file = part(ctx, 'file');
      const name = file.filename || String(Date.now());
      return uploadGroupFile(ctx, { target: p.target, path: p.path, name, data: file.data });
    },
  },
];
