/** The house rules that a reviewer would otherwise check by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ACTIONS } from '../src/core/actions';
import { buildActionIndex } from '../src/core/action-core';
import { COMMANDS, indexCommands } from '../src/mirai/commands';
import { createSchemas } from '../src/schemas';
import { projectRoot } from '../src/project-root';
import { SANDBOX_CONTROL } from '../src/backends/sandbox/handlers';
import { parseConfigText, validateConfig } from '../src/config-file';

const schemas = createSchemas();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every OneBot action is declared once and has a schema unless it is a stub', () => {
  assert.ok(ACTIONS.length > 0);
  buildActionIndex(ACTIONS); // throws on a duplicate name or alias
  for (const a of ACTIONS) {
    if (a.stub) continue;
    assert.ok(schemas.has(a.schema ?? `onebot/${a.name}`), `no schema for ${a.name}`);
  }
});

test('every mirai command is declared once and has a schema', () => {
  assert.ok(COMMANDS.length > 0);
  indexCommands(COMMANDS); // throws on a duplicate name or route
  for (const c of COMMANDS) {
    const id = c.schema ?? (c.subCommand ? `mirai/${c.name}.${c.subCommand}` : `mirai/${c.name}`);
    assert.ok(schemas.has(id), `no schema for mirai command ${c.name}${c.subCommand ? ':' + c.subCommand : ''}`);
  }
});

test('src/ never imports adapters/ (the composition root aside)', () => {
  const offenders = sourceFiles(path.join(projectRoot, 'src'))
    .filter((f) => !f.endsWith(path.join('src', 'app.ts')))
    .filter((f) => /from\s+['"](\.\.\/)+adapters\//.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(projectRoot, f)), []);
});

test('adapters never import each other', () => {
  const root = path.join(projectRoot, 'adapters');
  const offenders: string[] = [];
  for (const f of sourceFiles(root)) {
    const own = path.relative(root, f).split(path.sep)[0];
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/from\s+['"](\.[^'"]+)['"]/g)) {
      const target = path.relative(root, path.resolve(path.dirname(f), m[1]));
      const top = target.split(path.sep)[0];
      if (!target.startsWith('..') && top !== own && top !== 'types' && !top.endsWith('-common') && top !== 'shared') offenders.push(`${path.relative(projectRoot, f)} → ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the README lists every OneBot action and every mirai command', () => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const missing = [
    ...ACTIONS.map((a) => a.name).filter((n) => !readme.includes(`\`${n}\``)),
    ...COMMANDS.map((c) => c.http ? c.http.path : c.name).filter((n) => !readme.includes(`\`${n}\``)),
  ];
  assert.deepEqual(missing, []);
});

test('the README lists every sandbox control op', () => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  assert.deepEqual([...SANDBOX_CONTROL.keys()].filter((op) => !readme.includes(`\`${op}\``) && !readme.includes(`/sandbox/${op}`)), []);
});

test("the README's example config file is valid", () => {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(yaml, 'README has a yaml example');
  const config = validateConfig(parseConfigText(yaml));
  assert.equal(config.mirai?.adapterSettings?.http?.port, 8080);
  assert.equal(config.upstream?.url, 'ws://127.0.0.1:3001');
});
