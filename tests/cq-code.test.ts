import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cqToSegments, escapeCq, segmentsToCq, unescapeCq } from '../src/core/cq-code';
import { messageToSegments, segmentsToText } from '../src/core/segments';
import { BridgeError } from '../src/errors';

test('escapeCq escapes & [ ] in text and also , in parameters', () => {
  assert.equal(escapeCq('a&b[c]d,e'), 'a&amp;b&#91;c&#93;d,e');
  assert.equal(escapeCq('a&b[c]d,e', true), 'a&amp;b&#91;c&#93;d&#44;e');
  assert.equal(escapeCq('&amp;'), '&amp;amp;');
});

test('unescapeCq reverses escaping in one pass (no double unescape)', () => {
  assert.equal(unescapeCq('&amp;#91;'), '&#91;');
  assert.equal(unescapeCq('&#91;&#93;&#44;&amp;'), '[],&');
  assert.equal(unescapeCq('&lt; & plain'), '&lt; & plain');
  for (const s of ['', 'x', '&amp;&#91;', '[CQ:at,qq=1]', 'a,b&c]']) {
    assert.equal(unescapeCq(escapeCq(s, true)), s);
    assert.equal(unescapeCq(escapeCq(s)), s);
  }
});

test('cqToSegments splits text and codes, unescaping both', () => {
  assert.deepEqual(cqToSegments('hi [CQ:at,qq=10001] &#91;x&#93;[CQ:face,id=14]'), [
    { type: 'text', data: { text: 'hi ' } },
    { type: 'at', data: { qq: '10001' } },
    { type: 'text', data: { text: ' [x]' } },
    { type: 'face', data: { id: '14' } },
  ]);
  assert.deepEqual(cqToSegments('[CQ:share,url=http://a/?x=1&amp;y=2,title=a&#44;b]'), [
    { type: 'share', data: { url: 'http://a/?x=1&y=2', title: 'a,b' } },
  ]);
});

test('cqToSegments keeps parameter values as strings, including "=" inside a value', () => {
  assert.deepEqual(cqToSegments('[CQ:image,file=base64://QUJD==,type=flash]'), [
    { type: 'image', data: { file: 'base64://QUJD==', type: 'flash' } },
  ]);
});

test('cqToSegments passes unknown types through and keeps malformed codes as text', () => {
  assert.deepEqual(cqToSegments('[CQ:my_custom,k=v]'), [{ type: 'my_custom', data: { k: 'v' } }]);
  assert.deepEqual(cqToSegments('[CQ:rps]'), [{ type: 'rps', data: {} }]);
  assert.deepEqual(cqToSegments('a [CQ:at,qq=1'), [{ type: 'text', data: { text: 'a [CQ:at,qq=1' } }]);
  assert.deepEqual(cqToSegments('[CQ:bad type,x=1]ok'), [{ type: 'text', data: { text: '[CQ:bad type,x=1]ok' } }]);
  assert.deepEqual(cqToSegments(''), []);
});

test('segmentsToCq escapes text and parameter values and stringifies non-strings', () => {
  const cq = segmentsToCq([
    { type: 'text', data: { text: 'a[b],c&' } },
    { type: 'at', data: { qq: 10001 } },
    { type: 'json', data: { data: { a: [1, 2] } } },
    { type: 'share', data: { url: 'http://x/?a=1,2', title: null } },
  ]);
  assert.equal(cq, 'a&#91;b&#93;,c&amp;[CQ:at,qq=10001][CQ:json,data={"a":&#91;1&#44;2&#93;}][CQ:share,url=http://x/?a=1&#44;2]');
});

test('CQ round-trips: segments → CQ → segments keeps every string value', () => {
  const segs = [
    { type: 'text', data: { text: '[CQ:fake] & , ] [' } },
    { type: 'image', data: { file: 'A.png', url: 'http://h/a?b=1&c=[2],3' } },
    { type: 'text', data: { text: 'tail' } },
    { type: 'unknown_thing', data: { v: 'a=b' } },
  ];
  assert.deepEqual(cqToSegments(segmentsToCq(segs)), segs);
  const s = 'x&amp;y[CQ:face,id=1]z&#91;';
  assert.equal(segmentsToCq(cqToSegments(s)), s);
});

test('messageToSegments accepts arrays, a single segment and CQ strings', () => {
  assert.deepEqual(messageToSegments([{ type: 'text', data: { text: 'a' } }, { type: 'face', data: { id: 1 } }]), [
    { type: 'text', data: { text: 'a' } },
    { type: 'face', data: { id: 1 } },
  ]);
  assert.deepEqual(messageToSegments({ type: 'dice' }), [{ type: 'dice', data: {} }]);
  assert.deepEqual(messageToSegments({ type: 'dice', data: null }), [{ type: 'dice', data: {} }]);
  assert.deepEqual(messageToSegments('[CQ:face,id=2]'), [{ type: 'face', data: { id: '2' } }]);
});

test('messageToSegments with autoEscape treats a string as plain text', () => {
  assert.deepEqual(messageToSegments('[CQ:face,id=2]&amp;', true), [{ type: 'text', data: { text: '[CQ:face,id=2]&amp;' } }]);
});

test('messageToSegments rejects empty and malformed messages with bad_params', () => {
  const bad = (v: unknown, esc = false) =>
    assert.throws(() => messageToSegments(v, esc), (e: unknown) => e instanceof BridgeError && e.kind === 'bad_params');
  bad('');
  bad('', true);
  bad([]);
  bad(42);
  bad(null);
  bad(undefined);
  bad({ data: { text: 'no type' } });
  bad([{ type: 'text', data: 'not an object' }]);
  bad([1, 2]);
});

test('segmentsToText summarises a message as QQ lists it', () => {
  assert.equal(
    segmentsToText([
      { type: 'reply', data: { id: '1' } },
      { type: 'at', data: { qq: '10001', name: 'Alice' } },
      { type: 'text', data: { text: ' look ' } },
      { type: 'image', data: { file: 'x.png' } },
      { type: 'at', data: { qq: 'all' } },
      { type: 'weird', data: {} },
    ]),
    '@Alice look [图片]@全体成员[weird]',
  );
});
