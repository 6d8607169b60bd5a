/**
 * The bounded map behind every cache and registry: it keeps the youngest `capacity` entries in order
 * through long churn, counts and reports what it evicts, and refreshes entries as documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoundedMap } from '../src/bounded';

test('through long churn it keeps exactly the newest `capacity` keys, oldest first, and counts every eviction', () => {
  const m = createBoundedMap<number, string>({ capacity: 100 });
  for (let i = 0; i < 200_000; i++) {
    m.set(i, `v${i}`);
    assert.ok(m.size <= 100);
  }
  assert.equal(m.size, 100);
  assert.equal(m.evicted, 199_900);
  assert.deepEqual([...m.keys()], Array.from({ length: 100 }, (_, i) => 199_900 + i));
  assert.equal(m.get(199_999), 'v199999');
  assert.equal(m.get(199_899), undefined);
});

test('setting a key again makes it the youngest, without counting an eviction', () => {
  const m = createBoundedMap<string, number>({ capacity: 3 });
  m.set('a', 1).set('b', 2).set('c', 3);
  m.set('a', 10);
  assert.equal(m.evicted, 0);
  m.set('d', 4); // b is now the oldest
  assert.deepEqual([...m.entries()], [['c', 3], ['a', 10], ['d', 4]]);
  assert.equal(m.evicted, 1);
});

test('without lru a read does not save an entry; with lru a read does, and has() never does', () => {
  const fifo = createBoundedMap<string, number>({ capacity: 2 });
  fifo.set('a', 1).set('b', 2);
  assert.equal(fifo.get('a'), 1);
  fifo.set('c', 3);
  assert.deepEqual([...fifo.keys()], ['b', 'c']);

  const lru = createBoundedMap<string, number>({ capacity: 2, lru: true });
  lru.set('a', 1).set('b', 2);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.get('missing'), undefined);
  lru.set('c', 3); // b was least recently used
  assert.deepEqual([...lru.keys()], ['a', 'c']);
  assert.ok(lru.has('a'));
  lru.set('d', 4); // has() did not refresh a
  assert.deepEqual([...lru.keys()], ['c', 'd']);
});

test('onEvict gets each evicted entry once it has left the map, and never for delete or clear', () => {
  const seen: [string, number, boolean][] = [];
  const m = createBoundedMap<string, number>({ capacity: 2, onEvict: (k, v) => seen.push([k, v, m.has(k)]) });
  m.set('a', 1).set('b', 2).set('c', 3);
  m.delete('b');
  m.set('d', 4).set('e', 5);
  m.clear();
  m.set('f', 6);
  assert.deepEqual(seen, [['a', 1, false], ['c', 3, false]]);
  assert.equal(m.evicted, 2);
});

test('eviction stays oldest first after deletes, clears and table regrowth', () => {
  // A reference model (an array in insertion order) replayed against a long pseudo-random workload.
  for (const lru of [false, true]) {
    const capacity = 64;
    const m = createBoundedMap<number, number>({ capacity, lru });
    let model: number[] = [];
    let evicted = 0;
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const touch = (k: number) => {
      model = model.filter((x) => x !== k);
      model.push(k);
    };
    for (let step = 0; step < 50_000; step++) {
      const k = rand(400);
      const op = rand(100);
      if (op < 60) {
        m.set(k, step);
        touch(k);
        if (model.length > capacity) {
          model.shift();
          evicted++;
        }
      } else if (op < 85) {
        const had = model.includes(k);
        assert.equal(m.get(k) !== undefined, had);
        if (lru && had) touch(k);
      } else if (op < 99) {
        assert.equal(m.delete(k), model.includes(k));
        model = model.filter((x) => x !== k);
      } else {
        m.clear();
        model = [];
      }
    }
    assert.deepEqual([...m.keys()], model, `lru: ${lru}`);
    assert.equal(m.evicted, evicted);
  }
});

test('it is a Map: iterates, spreads and sizes like one; a capacity below 1 keeps one entry', () => {
  const m = createBoundedMap<string, number>({ capacity: 0 });
  assert.ok(m instanceof Map);
  assert.equal(m.capacity, 1);
  m.set('a', 1).set('b', 2);
  assert.deepEqual([...m], [['b', 2]]);
  assert.deepEqual(Object.fromEntries(m), { b: 2 });
  assert.equal(m.size, 1);
});
