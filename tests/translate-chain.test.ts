import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BridgeError } from '../src/errors';
import type { Segment } from '../src/core/types';
import { createMediaRegistry } from '../src/mirai/media-registry';
import type { CachedMessage } from '../src/mirai/types';
import { chainToSegments, forwardDisplay, segmentsToChain, type ChainContext } from '../src/mirai/translate';

const BOT = 10000;

function context(cached: CachedMessage[] = [], contextId?: number): ChainContext {
  const media = createMediaRegistry({ capacity: 64 });
  return {
    botId: BOT,
    media,
    contextId,
    resolveMessage: (id, ctxId) => cached.find((m) => m.messageId === id && (ctxId === undefined || m.contextId === ctxId)),
  };
}

const out = (chain: unknown, ctx = context()) => chainToSegments(chain, ctx);

test('Plain, At and AtAll become text and at segments; numeric strings are accepted', () => {
  assert.deepEqual(out([
    { type: 'Plain', text: 'hi ' }, { type: 'At', target: '10001', display: '@x' }, { type: 'AtAll' }, { type: 'Plain', text: '' },
  ]), [
    { type: 'text', data: { text: 'hi ' } }, { type: 'at', data: { qq: 10001 } }, { type: 'at', data: { qq: 'all' } },
  ]);
});

test('Face: a faceId >= 0 wins, else the name (Chinese alias or pinyin constant), else 255', () => {
  assert.deepEqual(out([{ type: 'Face', faceId: 14, name: '惊讶' }]), [{ type: 'face', data: { id: 14 } }]);
  assert.deepEqual(out([{ type: 'Face', faceId: '0' }]), [{ type: 'face', data: { id: 0 } }]);
  assert.deepEqual(out([{ type: 'Face', name: '惊讶' }]), [{ type: 'face', data: { id: 0 } }]);
  assert.deepEqual(out([{ type: 'Face', faceId: -1, name: 'WEI_XIAO' }]), [{ type: 'face', data: { id: 14 } }]);
  assert.deepEqual(out([{ type: 'Face', name: 'no such face' }]), [{ type: 'face', data: { id: 255 } }]);
  assert.deepEqual(out([{ type: 'Face' }]), [{ type: 'face', data: { id: 255 } }]);
  assert.deepEqual(out([{ type: 'Face', faceId: 5, isSuperFace: true }]), [{ type: 'face', data: { id: 5, big: true } }]);
});

test('Image sources follow imageId > url > path > base64, with null and blank meaning absent', () => {
  const ctx = context();
  ctx.media.remember('image', '{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}.jpg', 'https://img.example/a.jpg');
  assert.deepEqual(out([{ type: 'Image', imageId: '{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}.jpg', url: 'https://other/b.png' }], ctx),
    [{ type: 'image', data: { file: 'https://img.example/a.jpg' } }]);
  // mirai-ts style: every field present, null; node-mirai-sdk style: url "" beside the id
  assert.deepEqual(out([{ type: 'Image', imageId: null, url: 'https://x/y.png', path: null, base64: null }]),
    [{ type: 'image', data: { file: 'https://x/y.png' } }]);
  assert.deepEqual(out([{ type: 'Image', imageId: '', url: '', path: '', base64: 'aGVsbG8=' }]),
    [{ type: 'image', data: { file: 'base64://aGVsbG8=' } }]);
  assert.deepEqual(out([{ type: 'Image', base64: 'data:image/png;base64,aGVs bG8=' }]),
    [{ type: 'image', data: { file: 'base64://aGVsbG8=' } }]);
  assert.deepEqual(out([{ type: 'Image', imageId: null, url: null, path: null, base64: null }]), [], 'nothing usable: dropped');
});

test('an Image path is resolved against the process cwd to a file:// URI; a missing file is file_missing', () => {
  const href = pathToFileURL(path.resolve(process.cwd(), 'package.json')).href;
  assert.deepEqual(out([{ type: 'Image', path: 'package.json' }]), [{ type: 'image', data: { file: href } }]);
  assert.throws(() => out([{ type: 'Image', path: 'no/such/file.png' }]), (e: unknown) => e instanceof BridgeError && e.kind === 'file_missing' && /文件不存在/.test(e.message));
});

test('an unknown imageId with no other source is passed through as the file token', () => {
  assert.deepEqual(out([{ type: 'Image', imageId: '{B}.png' }]), [{ type: 'image', data: { file: '{B}.png' } }]);
});

test('FlashImage becomes a flash image; Voice becomes record; ShortVideo becomes video', () => {
  assert.deepEqual(out([{ type: 'FlashImage', url: 'https://x/f.jpg' }]), [{ type: 'image', data: { file: 'https://x/f.jpg', type: 'flash' } }]);
  const ctx = context();
  ctx.media.remember('voice', 'ABC.amr', 'https://v/abc.amr');
  assert.deepEqual(out([{ type: 'Voice', voiceId: 'ABC.amr' }], ctx), [{ type: 'record', data: { file: 'https://v/abc.amr' } }]);
  assert.deepEqual(out([{ type: 'Voice', url: 'https://v/x.silk', length: 3 }]), [{ type: 'record', data: { file: 'https://v/x.silk' } }]);
  assert.deepEqual(out([{ type: 'Voice' }]), []);
  ctx.media.remember('video', 'vid1', 'https://v/1.mp4');
  assert.deepEqual(out([{ type: 'ShortVideo', videoId: 'vid1', fileMd5: 'AB', fileSize: 1, fileFormat: 'mp4', filename: 'v' }], ctx),
    [{ type: 'video', data: { file: 'https://v/1.mp4' } }]);
  assert.deepEqual(out([{ type: 'ShortVideo', videoId: 'unknown', videoUrl: 'https://v/2.mp4', thumbnailUrl: 'https://v/2.jpg' }]),
    [{ type: 'video', data: { file: 'https://v/2.mp4', thumb: 'https://v/2.jpg' } }]);
});

test('Xml, Json and App become xml / json segments', () => {
  assert.deepEqual(out([{ type: 'Xml', xml: '<a/>' }, { type: 'Json', json: '{"a":1}' }, { type: 'App', content: '{"app":1}' }]), [
    { type: 'xml', data: { data: '<a/>' } }, { type: 'json', data: { data: '{"a":1}' } }, { type: 'json', data: { data: '{"app":1}' } },
  ]);
});

test('Poke names map to type/id; unknown names fall back to ChuoYiChuo', () => {
  assert.deepEqual(out([{ type: 'Poke', name: 'ChuoYiChuo' }]), [{ type: 'poke', data: { type: 1, id: -1 } }]);
  assert.deepEqual(out([{ type: 'Poke', name: 'FangDaZhao' }]), [{ type: 'poke', data: { type: 6, id: -1 } }]);
  assert.deepEqual(out([{ type: 'Poke', name: 'ZhuaYiXia' }]), [{ type: 'poke', data: { type: 126, id: 10007 } }]);
  assert.deepEqual(out([{ type: 'Poke', name: 'ShowLove' }]), [{ type: 'poke', data: { type: 2, id: -1 } }], 'mirai 1.x name');
  assert.deepEqual(out([{ type: 'Poke', name: 'Whatever' }]), [{ type: 'poke', data: { type: 1, id: -1 } }]);
});

test('Dice carries its value as result; MusicShare becomes a custom music segment', () => {
  assert.deepEqual(out([{ type: 'Dice', value: 4 }]), [{ type: 'dice', data: { result: 4 } }]);
  assert.deepEqual(out([{ type: 'Dice' }]), [{ type: 'dice', data: {} }]);
  assert.deepEqual(out([{
    type: 'MusicShare', kind: 'NeteaseCloudMusic', title: 't', summary: 's', jumpUrl: 'https://j', pictureUrl: 'https://p', musicUrl: 'https://m', brief: 'b',
  }]), [{ type: 'music', data: { type: 'custom', url: 'https://j', audio: 'https://m', title: 't', content: 's', image: 'https://p' } }]);
});

test('Source, Quote, MarketFace, File and unknown elements are dropped on send; a bare string is plain text', () => {
  assert.deepEqual(out([
    { type: 'Source', id: 1, time: 2 }, { type: 'Quote', id: 3 }, { type: 'MarketFace', id: 1, name: 'x' },
    { type: 'File', id: '/f', name: 'n', size: 1 }, { type: 'Nope' }, { type: 'constructor' }, null, 'junk', { type: 'Plain', text: 'x' },
  ]), [{ type: 'text', data: { text: 'x' } }]);
  assert.deepEqual(out('hello'), [{ type: 'text', data: { text: 'hello' } }]);
  assert.deepEqual(out(undefined), []);
});

test('MiraiCode elements are parsed and converted', () => {
  assert.deepEqual(out([{ type: 'MiraiCode', code: 'hi [mirai:at:10001][mirai:face:14]' }]), [
    { type: 'text', data: { text: 'hi ' } }, { type: 'at', data: { qq: 10001 } }, { type: 'face', data: { id: 14 } },
  ]);
});

test('Forward nodes: messageId in the send context, messageRef in another context, or a custom node', () => {
  const cached: CachedMessage[] = [
    { botId: BOT, messageId: 456, contextId: 20001, kind: 'group', senderId: 10001, targetId: 20001, groupId: 20001, time: 1700000000,
      chain: [{ type: 'Plain', text: 'from cache' }], self: false },
    { botId: BOT, messageId: 789, contextId: 10002, kind: 'friend', senderId: 10002, targetId: BOT, groupId: 0, time: 1700000001,
      chain: [{ type: 'Plain', text: 'from ref' }], self: false,
      packet: { type: 'FriendMessage', messageChain: [], sender: { id: 10002, nickname: 'Bob', remark: '' } } },
  ];
  const segs = out([{
    type: 'Forward',
    display: { title: 'T' },
    nodeList: [
      { senderId: '123', time: 1700000002, senderName: 'Alice', messageChain: [{ type: 'Plain', text: 'x' }], messageId: null, messageRef: null },
      { messageId: 456 },
      { messageRef: { messageId: '789', target: 10002 } },
      { messageId: 999 }, // not cached: skipped
      { messageRef: { messageId: 456, target: 1 } }, // wrong context: skipped
      { senderId: 1 }, // incomplete: skipped
    ],
  }], context(cached, 20001));
  assert.deepEqual(segs, [
    { type: 'node', data: { user_id: 123, nickname: 'Alice', content: [{ type: 'text', data: { text: 'x' } }], time: 1700000002 } },
    { type: 'node', data: { user_id: 10001, nickname: '10001', content: [{ type: 'text', data: { text: 'from cache' } }], time: 1700000000 } },
    { type: 'node', data: { user_id: 10002, nickname: 'Bob', content: [{ type: 'text', data: { text: 'from ref' } }], time: 1700000001 } },
  ]);
});

test('forwardDisplay gives the card cosmetics in forward-action parameter names', () => {
  assert.deepEqual(forwardDisplay([{ type: 'Forward', display: { title: 'T', brief: 'B', preview: ['a: x'], summary: 'S' }, nodeList: [] }]),
    { source: 'T', news: [{ text: 'a: x' }], summary: 'S', prompt: 'B' });
  assert.equal(forwardDisplay([{ type: 'Forward', display: null, nodeList: [] }]), undefined);
});

// ---------------------------------------------------------------------------------------------

const inCtx = () => ({ botId: BOT, media: createMediaRegistry({ capacity: 64 }) });
const seg = (type: string, data: Record<string, unknown>): Segment => ({ type, data });

test('text, at and face segments become Plain, At / AtAll and Face', () => {
  assert.deepEqual(segmentsToChain([
    seg('text', { text: 'hi' }), seg('at', { qq: '10001' }), seg('at', { qq: 'all' }), seg('face', { id: '14' }), seg('face', { id: 9999 }),
  ], inCtx()), [
    { type: 'Plain', text: 'hi' }, { type: 'At', target: 10001, display: '' }, { type: 'AtAll', target: 0 },
    { type: 'Face', faceId: 14, name: '微笑', isSuperFace: false }, { type: 'Face', faceId: 9999, name: '未知表情', isSuperFace: false },
  ]);
});

test('an image segment becomes an Image with every field, a mirai-style imageId, and is remembered for resending', () => {
  const ctx = inCtx();
  const [img] = segmentsToChain([seg('image', {
    file: '5eb63bbbe01eeed093cb22bb8f5acdc3.png', url: 'https://gchat.example/download?id=1', file_size: '2048', width: '640', height: 480,
  })], ctx);
  assert.deepEqual(img, {
    type: 'Image', imageId: '{5EB63BBB-E01E-EED0-93CB-22BB8F5ACDC3}.png', url: 'https://gchat.example/download?id=1', path: null, base64: null,
    width: 640, height: 480, size: 2048, imageType: 'PNG', isEmoji: false,
  });
  assert.deepEqual(Object.keys(img), ['type', 'imageId', 'url', 'path', 'base64', 'width', 'height', 'size', 'imageType', 'isEmoji']);
  const again = chainToSegments([{ type: 'Image', imageId: img.imageId }], { ...ctx, resolveMessage: () => undefined });
  assert.deepEqual(again, [{ type: 'image', data: { file: 'https://gchat.example/download?id=1' } }]);
});

test('an image without URL has url null (never ""), 0 sizes, a stable id; flash and stickers are flagged', () => {
  const ctx = inCtx();
  const [a] = segmentsToChain([seg('image', { file: 'file:///tmp/x.gif', url: '' })], ctx);
  const [b] = segmentsToChain([seg('image', { file: 'file:///tmp/x.gif' })], ctx);
  assert.equal(a.url, null);
  assert.equal(a.width, 0);
  assert.equal(a.height, 0);
  assert.equal(a.imageType, 'GIF');
  assert.match(String(a.imageId), /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}\.gif$/);
  assert.equal(a.imageId, b.imageId);
  assert.equal(ctx.media.resolve('image', String(a.imageId)), 'file:///tmp/x.gif');
  assert.equal(segmentsToChain([seg('image', { file: 'a.jpg', type: 'flash' })], ctx)[0].type, 'FlashImage');
  assert.equal(segmentsToChain([seg('image', { file: 'a.jpg', sub_type: 1 })], ctx)[0].isEmoji, true);
});

test('record and video segments become Voice and ShortVideo with every field', () => {
  const ctx = inCtx();
  const [v] = segmentsToChain([seg('record', { file: '23c477720a37feb6a9ee4bccf654014f.amr', url: 'https://v/x.amr', seconds: 3 })], ctx);
  assert.deepEqual(v, { type: 'Voice', voiceId: '23C477720A37FEB6A9EE4BCCF654014F.amr', url: 'https://v/x.amr', path: null, base64: null, length: 3 });
  assert.equal(ctx.media.resolve('voice', '23C477720A37FEB6A9EE4BCCF654014F.amr'), 'https://v/x.amr');
  const [s] = segmentsToChain([seg('video', { file: 'clip.mp4', url: 'https://v/clip.mp4', file_size: 100 })], ctx);
  assert.deepEqual(Object.keys(s), ['type', 'videoId', 'fileMd5', 'fileSize', 'fileFormat', 'filename', 'videoUrl', 'thumbnailUrl']);
  assert.equal(s.fileSize, 100);
  assert.equal(s.fileFormat, 'mp4');
  assert.equal(s.filename, 'clip');
  assert.equal(s.videoUrl, 'https://v/clip.mp4');
  assert.equal(s.thumbnailUrl, null);
  assert.match(String(s.fileMd5), /^[0-9A-F]{32}$/);
  assert.equal(ctx.media.resolve('video', String(s.videoId)), 'https://v/clip.mp4');
});

test('json, xml, poke, dice, mface, music and file segments', () => {
  assert.deepEqual(segmentsToChain([
    seg('json', { data: '{"app":"x"}' }), seg('json', { data: { app: 'y' } }), seg('xml', { data: '<a/>' }),
    seg('poke', { type: 1, id: -1 }), seg('poke', { type: 126, id: 10007 }), seg('poke', { type: 999, id: 1 }),
    seg('dice', { result: '5' }), seg('mface', { emoji_id: '123', summary: '[doge]' }),
    seg('music', { type: '163', url: 'https://j', audio: 'https://m', title: 't', content: 's', image: 'https://p' }),
    seg('file', { file_id: '/abc', name: 'a.zip', file_size: 1024 }),
  ], inCtx()), [
    { type: 'App', content: '{"app":"x"}' }, { type: 'App', content: '{"app":"y"}' }, { type: 'Xml', xml: '<a/>' },
    { type: 'Poke', name: 'ChuoYiChuo' }, { type: 'Poke', name: 'ZhuaYiXia' }, { type: 'Poke', name: '未知戳一戳' },
    { type: 'Dice', value: 5 }, { type: 'MarketFace', id: 123, name: '[doge]' },
    { type: 'MusicShare', kind: 'NeteaseCloudMusic', title: 't', summary: 's', jumpUrl: 'https://j', pictureUrl: 'https://p', musicUrl: 'https://m', brief: '[分享]t' },
    { type: 'File', id: '/abc', name: 'a.zip', size: 1024 },
  ]);
});

test('a forward segment becomes Forward with display null; inlined nodes get all six keys', () => {
  assert.deepEqual(segmentsToChain([seg('forward', { id: 'res1' })], inCtx()), [{ type: 'Forward', display: null, nodeList: [] }]);
  const [f] = segmentsToChain([seg('forward', {
    id: 'res2',
    content: [
      { type: 'node', data: { user_id: 1, nickname: 'A', content: [{ type: 'text', data: { text: 'x' } }], time: 5 } },
      { message: [{ type: 'text', data: { text: 'y' } }], sender: { user_id: 2, nickname: 'B' }, time: 6 },
    ],
  })], inCtx());
  assert.deepEqual(f, {
    type: 'Forward', display: null, nodeList: [
      { senderId: 1, time: 5, senderName: 'A', messageChain: [{ type: 'Plain', text: 'x' }], messageId: null, messageRef: null },
      { senderId: 2, time: 6, senderName: 'B', messageChain: [{ type: 'Plain', text: 'y' }], messageId: null, messageRef: null },
    ],
  });
});

test('reply, node and unknown segments are omitted from received chains', () => {
  assert.deepEqual(segmentsToChain([
    seg('reply', { id: 1 }), seg('markdown', { content: 'x' }), seg('constructor', {}), seg('text', { text: 'ok' }),
  ], inCtx()), [{ type: 'Plain', text: 'ok' }]);
});

test('the media registry is a bounded LRU that counts evictions', () => {
  const m = createMediaRegistry({ capacity: 2 });
  m.remember('image', 'a', 'https://a');
  m.remember('image', 'b', 'https://b');
  assert.equal(m.resolve('image', 'a'), 'https://a'); // a is now the most recent
  m.remember('voice', 'c', 'https://c');
  assert.equal(m.resolve('image', 'b'), undefined);
  assert.equal(m.resolve('image', 'a'), 'https://a');
  assert.equal(m.resolve('voice', 'a'), undefined, 'kinds are separate');
  assert.deepEqual(m.stats(), { size: 2, capacity: 2, evicted: 1 });
});
