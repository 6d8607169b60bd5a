import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction, type ErrorObject } from 'ajv';
import { BridgeError } from './errors';
import { projectRoot } from './project-root';

export interface Schemas {
  /** Validate (and coerce, and fill defaults) in place; throws BridgeError('bad_params'). */
  validate<T = Record<string, unknown>>(id: string, data: unknown): T;
  has(id: string): boolean;
  ids(): string[];
}

function listJson(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listJson(p) : e.name.endsWith('.json') ? [p] : [];
  });
}

const compiledByDir = new Map<string, Schemas>();

/**
 * A schema's id is its path under schemas/ without `.json` (e.g. `onebot/send_like`).
 * Compiled once per process and folder: every bridge built in the same process shares them.
 */
export function createSchemas(dir = path.join(projectRoot, 'schemas')): Schemas {
  let schemas = compiledByDir.get(dir);
  if (!schemas) compiledByDir.set(dir, (schemas = compileSchemas(dir)));
  return schemas;
}

function compileSchemas(dir: string): Schemas {
  // Lenient on input, as both protocols are: numeric strings become numbers, a scalar becomes a
  // one-item array where an array is expected, declared defaults are filled in.
  const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false, allowUnionTypes: true });
  const files = listJson(dir);
  for (const file of files) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    const id = path.relative(dir, file).replace(/\\/g, '/').replace(/\.json$/, '');
    schema.$id = id;
    ajv.addSchema(schema, id);
  }
  // Compile everything once at boot: a broken schema stops the process, never a request.
  const compiled = new Map<string, ValidateFunction>();
  for (const id of Object.keys((ajv as unknown as { schemas: Record<string, unknown> }).schemas)) {
    if (id.startsWith('http')) continue;
    compiled.set(id, ajv.getSchema(id) as ValidateFunction);
  }
  return {
    validate<T>(id: string, data: unknown): T {
      const fn = compiled.get(id);
      if (!fn) throw new BridgeError('internal', `no schema ${id}`);
      if (!fn(data)) throw new BridgeError('bad_params', describe(fn.errors ?? []), { errors: fn.errors, missing: missingFields(fn.errors ?? []) });
      return data as T;
    },
    has: (id) => compiled.has(id),
    ids: () => [...compiled.keys()],
  };
}

export function missingFields(errors: ErrorObject[]): string[] {
  return errors.filter((e) => e.keyword === 'required').map((e) => String((e.params as { missingProperty: string }).missingProperty));
}

function describe(errors: ErrorObject[]): string {
  const missing = missingFields(errors);
  if (missing.length) return `missing field: ${[...new Set(missing)].join(', ')}`;
  const e = errors.find((x) => x.keyword !== 'anyOf' && x.keyword !== 'oneOf') ?? errors[0];
  if (!e) return 'invalid params';
  return `${e.instancePath || 'params'} ${e.message ?? 'is invalid'}`.trim();
}
