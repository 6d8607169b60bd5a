import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainToMiraiCode, escapeMiraiCode, miraiCodeToChain } from '../src/mirai/translate';

test('escaping covers [ ] : , backslash, newline and CR', () => {
  assert.equal(escapeMiraiCode('['), '\\[');
  assert.equal(escapeMiraiCode(']'), '\\]');
  assert.equal(escapeMiraiCode(':'), '\\:');
  assert.equal(escapeMiraiCode(','), '\\,');
  assert.equal(escapeMiraiCode('\\'), '\\\\');
  assert.equal(escapeMiraiCode('a\nb'), 'a\\nb');
  assert.equal(escapeMiraiCode('a\rb'), 'a\\rb');
  assert.equal(escapeMiraiCode('plain text'), 'plain text');
});

test('escaped text round-trips through parse to one Plain element', () => {
  for (const text of ['[mirai:at:1]', 'a:b,c', 'back\\slash', 'multi\nline\r\n', '\\n literal', '[[]]', 'x\\']) {
    assert.deepEqual(miraiCodeToChain(escapeMiraiCode(text)), [{ type: 'Plain', text }], text);
    assert.equal(chainToMiraiCode([{ type: 'Plain', text }]), escapeMiraiCode(text));
  }
});

test('decoding: \\n is LF, \\r is CR, backslash-newline vanishes, backslash-other is that char', () => {
  assert.deepEqual(miraiCodeToChain('a\\nb\\rc\\\nd\\qe'), [{ type: 'Plain', text: 'a\nb\rc' + 'dqe' }]);
});

test('at, atall and face codes parse between plain text', () => {
  assert.deepEqual(miraiCodeToChain('hello [mirai:at:1234567] \\[not code\\]'), [
    { type: 'Plain', text: 'hello ' },
    { type: 'At', target: 1234567, display: '' },
    { type: 'Plain', text: ' [not code]' },
  ]);
  assert.deepEqual(miraiCodeToChain('[mirai:atall]'), [{ type: 'AtAll', target: 0 }]);
  assert.deepEqual(miraiCodeToChain('[mirai:face:14]'), [{ type: 'Face', faceId: 14, name: '微笑', isSuperFace: false }]);
  assert.deepEqual(miraiCodeToChain('[mirai:superface:14,abc,1]'), [{ type: 'Face', faceId: 14, name: '微笑', isSuperFace: true }]);
});

test('image, flash, poke, dice and rps codes', () => {
  const img = miraiCodeToChain('[mirai:image:{01E9451B-70ED-EAE3-B37C-101F1EEBF5B5}.jpg]');
  assert.equal(img.length, 1);
  assert.equal(img[0].type, 'Image');
  assert.equal(img[0].imageId, '{01E9451B-70ED-EAE3-B37C-101F1EEBF5B5}.jpg');
  assert.equal(miraiCodeToChain('[mirai:flash:{A}.png]')[0].type, 'FlashImage');
  assert.deepEqual(miraiCodeToChain('[mirai:poke:戳一戳,1,-1]'), [{ type: 'Poke', name: 'ChuoYiChuo' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:poke:比心,2,-1]'), [{ type: 'Poke', name: 'BiXin' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:dice:6]'), [{ type: 'Dice', value: 6 }]);
  assert.deepEqual(miraiCodeToChain('[mirai:rps:Rock]'), [{ type: 'RockPaperScissors', choice: 'rock' }]);
});

test('service (XML / JSON), app, musicshare, file and vipface codes', () => {
  assert.deepEqual(miraiCodeToChain('[mirai:service:60,<xml a\\="1"\\,b/>]'), [{ type: 'Xml', xml: '<xml a="1",b/>' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:service:1,{"a"\\:1}]'), [{ type: 'Json', json: '{"a":1}' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:app:{"app"\\:"x"\\,"b"\\:2}]'), [{ type: 'App', content: '{"app":"x","b":2}' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:musicshare:QQMusic,t,s,https\\://j,https\\://p,https\\://m,\\[分享\\]t]'), [{
    type: 'MusicShare', kind: 'QQMusic', title: 't', summary: 's', jumpUrl: 'https://j', pictureUrl: 'https://p', musicUrl: 'https://m', brief: '[分享]t',
  }]);
  assert.deepEqual(miraiCodeToChain('[mirai:file:/abc,0,a.zip,1024]'), [{ type: 'File', id: '/abc', name: 'a.zip', size: 1024 }]);
  assert.deepEqual(miraiCodeToChain('[mirai:vipface:9,榴莲,2]'), [{ type: 'Plain', text: '[榴莲]x2' }]);
});

test('unknown codes and codes with bad args stay as plain text', () => {
  assert.deepEqual(miraiCodeToChain('a[mirai:nope:1]b'), [{ type: 'Plain', text: 'a[mirai:nope:1]b' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:at:abc]'), [{ type: 'Plain', text: '[mirai:at:abc]' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:dice:7]'), [{ type: 'Plain', text: '[mirai:dice:7]' }]);
  assert.deepEqual(miraiCodeToChain('[mirai:constructor]'), [{ type: 'Plain', text: '[mirai:constructor]' }]);
  assert.deepEqual(miraiCodeToChain('x [mirai:at:1'), [{ type: 'Plain', text: 'x [mirai:at:1' }], 'unterminated');
  assert.deepEqual(miraiCodeToChain(''), []);
});

test('a chain renders to MiraiCode and parses back to the same elements', () => {
  const chain = [
    { type: 'Plain', text: 'hi, [you]: ' },
    { type: 'At', target: 10001, display: '' },
    { type: 'AtAll', target: 0 },
    { type: 'Face', faceId: 14, name: '微笑', isSuperFace: false },
    { type: 'Poke', name: 'FangDaZhao' },
    { type: 'Dice', value: 3 },
    { type: 'Xml', xml: '<a b="1,2"/>' },
    { type: 'Json', json: '{"k":[1,2]}' },
    { type: 'App', content: '{"app":"x"}' },
    { type: 'MusicShare', kind: 'NeteaseCloudMusic', title: 't', summary: 's', jumpUrl: 'https://j', pictureUrl: 'https://p', musicUrl: 'https://m', brief: 'b' },
    { type: 'File', id: '/f', name: 'n,1.zip', size: 5 },
  ];
  const code = chainToMiraiCode(chain);
  assert.match(code, /^hi\\, \\\[you\\\]\\: \[mirai:at:10001\]\[mirai:atall\]\[mirai:face:14\]/);
  assert.deepEqual(miraiCodeToChain(code), chain);
});

test('elements without a code (Source, Quote, Voice, Forward) render as nothing', () => {
  assert.equal(chainToMiraiCode([
    { type: 'Source', id: 1, time: 1 }, { type: 'Quote', id: 2 }, { type: 'Voice', voiceId: 'x' },
    { type: 'Forward', nodeList: [] }, { type: 'Plain', text: 'ok' },
  ]), 'ok');
});
