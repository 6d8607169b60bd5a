/**
 * The compiled-schema cache on disk: a new cache replaces the stale ones of its own schema folder,
 * leaves other folders' caches alone, and a broken schema still fails instead of being cached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSchemas } from '../src/schemas';
import { projectRoot } from '../src/project-root';

const cacheDir = path.join(projectRoot, 'node_modules', '.cache', 'mah-bridge');
/** Cache files whose code contains `marker` (another process's files may come and go meanwhile). */
const cachesHolding = (marker: string) => fs.readdirSync(cacheDir).filter((f) => {
  try {
    return f.endsWith('.js') && fs.readFileSync(path.join(cacheDir, f), 'utf8').includes(marker);
  } catch {
    return false;
  }
});

function schemaFolder(title: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-schema-cache-'));
  fs.writeFileSync(path.join(dir, 'thing.json'), JSON.stringify({ title, type: 'object', required: ['id'] }));
  return dir;
}

test('writing a new schema cache removes that folder\'s stale caches and keeps other folders\' caches', () => {
  const run = `${process.pid}-${Date.now()}`;
  const dir = schemaFolder(`v1-${run}`);
  const planted: string[] = [];
  const plant = (name: string) => {
    planted.push(path.join(cacheDir, name));
    fs.writeFileSync(path.join(cacheDir, name), `// ${run}`);
  };
  try {
    createSchemas(dir);
    const [first] = cachesHolding(`v1-${run}`);
    assert.ok(first, 'the first compile wrote a cache');
    planted.push(path.join(cacheDir, first));
    const prefix = first.slice(0, first.lastIndexOf('-') + 1); // schemas-<folder hash>-
    const stale = `${prefix}${'0'.repeat(24)}.js`;
    const legacy = `schemas-${run.replace(/\D/g, '').padEnd(24, '0').slice(0, 24)}.js`; // named before folder hashes
    const otherFolder = `schemas-${'f'.repeat(12)}-${'0'.repeat(24)}.js`;
    for (const f of [stale, legacy, otherFolder]) plant(f);

    // The schemas change; the same folder spelled another way is compiled again in this process.
    fs.writeFileSync(path.join(dir, 'thing.json'), JSON.stringify({ title: `v2-${run}`, type: 'object', required: ['id'] }));
    const schemas = createSchemas(dir + path.sep);
    assert.throws(() => schemas.validate('thing', {}), /missing field: id/);
    const [second] = cachesHolding(`v2-${run}`);
    assert.ok(second?.startsWith(prefix), 'the new cache carries the same folder hash');
    planted.push(path.join(cacheDir, second));

    const left = fs.readdirSync(cacheDir);
    for (const gone of [first, stale, legacy]) assert.ok(!left.includes(gone), `${gone} was removed`);
    assert.ok(left.includes(otherFolder), 'another folder\'s cache stays');
    assert.ok(left.includes(second));
  } finally {
    for (const f of planted) fs.rmSync(f, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken schema still fails at compile time and leaves no cache behind', () => {
  const marker = `broken-${process.pid}-${Date.now()}`;
  const dir = schemaFolder(marker);
  try {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ title: marker, type: 12 }));
    assert.throws(() => createSchemas(dir));
    assert.deepEqual(cachesHolding(marker), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
