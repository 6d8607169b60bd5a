import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction, ErrorObject } from 'ajv';
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

// Lenient on input, as both protocols are: numeric strings become numbers, a scalar becomes a
// one-item array where an array is expected, declared defaults are filled in.
const AJV_OPTIONS = { coerceTypes: 'array', useDefaults: true, allErrors: true, strict: false, allowUnionTypes: true } as const;

interface Source { id: string; text: string }

/**
 * Compiling every schema takes ajv a second or more, on every start and in every test process; the
 * generated code is kept in node_modules/.cache, under a hash of the schema files, the ajv version
 * and the options, and loaded instead while nothing of that changes. Any trouble with the cache
 * (unwritable, unreadable, stale) falls back to compiling.
 * The name starts with a hash of the schema folder: writing a new cache removes that folder's stale
 * ones (~1 MB each) but not another folder's, which another process may be about to load.
 */
const CACHE_DIR = path.join(projectRoot, 'node_modules', '.cache', 'mah-bridge');
const sha256 = () => crypto.createHash('sha256');
const cachePrefix = (dir: string) => `schemas-${sha256().update(path.resolve(dir)).digest('hex').slice(0, 12)}-`;

function cacheFileFor(dir: string, sources: Source[]): string {
  const hash = sha256();
  const ajvVersion = (JSON.parse(fs.readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
  hash.update(JSON.stringify([ajvVersion, AJV_OPTIONS]));
  for (const s of sources) hash.update(`\0${s.id}\0${s.text}`);
  return path.join(CACHE_DIR, `${cachePrefix(dir)}${hash.digest('hex').slice(0, 24)}.js`);
}

/** Remove the folder's other caches, and those named before names had a folder hash. */
function removeStaleCaches(dir: string, keep: string): void {
  const prefix = cachePrefix(dir);
  try {
    for (const f of fs.readdirSync(CACHE_DIR)) {
      const stale = f.endsWith('.js') && (f.startsWith(prefix) || /^schemas-[0-9a-f]{24}\.js$/.test(f));
      if (stale && f !== path.basename(keep)) fs.rmSync(path.join(CACHE_DIR, f), { force: true });
    }
  } catch {
    // A stale file left behind costs disk space only.
  }
}

function loadCached(file: string): Map<string, ValidateFunction> | undefined {
  let code: string;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const mod = { exports: {} as Record<string, ValidateFunction> };
    // ajv's own way of turning generated code into functions; `require` finds ajv's runtime helpers.
    new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
    return new Map(Object.entries(mod.exports).filter(([, fn]) => typeof fn === 'function'));
  } catch {
    return undefined;
  }
}

function compileAll(dir: string, sources: Source[], cacheFile: string): Map<string, ValidateFunction> {
  // Required here, not at the top: with a warm cache the compiler is never loaded (a tenth of start-up).
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  for (const { id, text } of sources) {
    const schema = JSON.parse(text);
    schema.$id = id;
    ajv.addSchema(schema, id);
  }
  // Compile everything once at boot: a broken schema stops the process, never a request.
  const compiled = new Map<string, ValidateFunction>();
  for (const id of Object.keys((ajv as unknown as { schemas: Record<string, unknown> }).schemas)) {
    if (id.startsWith('http')) continue;
    compiled.set(id, ajv.getSchema(id) as ValidateFunction);
  }
  try {
    const code = standaloneCode(ajv, Object.fromEntries([...compiled.keys()].map((id) => [id, id])));
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`; // parallel processes: each writes its own, rename is atomic
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cacheFile);
    removeStaleCaches(dir, cacheFile);
  } catch {
    // No cache this time; the compiled schemas serve all the same.
  }
  return compiled;
}

function compileSchemas(dir: string): Schemas {
  const sources = listJson(dir).map((file) => ({
    id: path.relative(dir, file).replace(/\\/g, '/').replace(/\.json$/, ''),
    text: fs.readFileSync(file, 'utf8'),
  }));
  const cacheFile = cacheFileFor(dir, sources);
  const compiled = loadCached(cacheFile) ?? compileAll(dir, sources, cacheFile);
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
