import fs from 'node:fs';
import path from 'node:path';
import type { ActionSpec, Params } from '../../src/core/types';
import { projectRoot } from '../../src/project-root';

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

type SchemaNode = { type?: string | string[]; anyOf?: SchemaNode[]; oneOf?: SchemaNode[]; properties?: Record<string, SchemaNode> };

const acceptsBoolean = (s: SchemaNode | undefined): boolean =>
  !!s &&
  (s.type === 'boolean' ||
    (Array.isArray(s.type) && s.type.includes('boolean')) ||
    !!s.anyOf?.some(acceptsBoolean) ||
    !!s.oneOf?.some(acceptsBoolean));

/**
 * Query strings and forms carry every value as a string. ajv coerces numbers and `true`/`false`,
 * but OneBot also allows `1/0/yes/no` for booleans; which keys are boolean is read once per action
 * from its schema file, so a string param such as a message `1` is never touched.
 */
export function createBooleanCoercer(schemaDir = path.join(projectRoot, 'schemas')) {
  const cache = new Map<string, Set<string>>();
  const booleanKeys = (spec: ActionSpec): Set<string> => {
    const id = spec.schema ?? `onebot/${spec.name}`;
    let keys = cache.get(id);
    if (keys) return keys;
    keys = new Set();
    const file = path.join(schemaDir, `${id}.json`);
    if (fs.existsSync(file)) {
      const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as SchemaNode;
      for (const [k, s] of Object.entries(schema.properties ?? {})) if (acceptsBoolean(s)) keys.add(k);
      for (const [from, to] of Object.entries(spec.rename ?? {})) if (keys.has(to)) keys.add(from);
    }
    cache.set(id, keys);
    return keys;
  };
  return (spec: ActionSpec, params: Params): Params => {
    const keys = booleanKeys(spec);
    if (!keys.size) return params;
    const out: Params = { ...params };
    for (const k of keys) {
      const v = out[k];
      if (typeof v !== 'string') continue;
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) out[k] = true;
      else if (FALSE.has(s)) out[k] = false;
    }
    return out;
  };
}
