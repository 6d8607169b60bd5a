/** Loading the YAML config file and validating it against schemas/config.json. */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { mergeConfig, resolveConfig, type BridgeConfig, type DeepPartial } from './config';
import { projectRoot } from './project-root';

/** A config problem: the message names the file or the key; the CLI prints it and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Secrets and ids that YAML would read as numbers (`verifyKey: 1234567890`, `reservedSyncId: -1`): keep their text. */
const STRING_KEYS = new Set(['verifyKey', 'reservedSyncId', 'accessToken', 'secret']);

/** Parse YAML text into a plain object (an empty file is `{}`). */
export function parseConfigText(text: string, source = 'config'): Record<string, unknown> {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new ConfigError(`config: ${source}: ${doc.errors[0].message}`);
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && STRING_KEYS.has(String(pair.key.value)) && YAML.isScalar(pair.value) && typeof pair.value.value === 'number') {
        pair.value.value = pair.value.source ?? String(pair.value.value);
      }
    },
  });
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config: ${source}: the top level must be a mapping`);
  return value as Record<string, unknown>;
}

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(projectRoot, 'schemas', 'config.json'), 'utf8'));
    // Lenient like the rest of the bridge: "5700" is a port, a lone `http` is a one-item adapter list.
    validator = new Ajv({ coerceTypes: 'array', allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
  }
  return validator;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${e.instancePath}/${String(p.additionalProperty)} is not a known key`;
    case 'required':
      return `${e.instancePath}/${String(p.missingProperty)} is required`;
    case 'enum':
      return `${at} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}

/** Validate (and coerce in place) a config object; throws ConfigError naming every bad key. */
export function validateConfig(raw: unknown): DeepPartial<BridgeConfig> {
  const validate = getValidator();
  if (!validate(raw)) {
    const messages = [...new Set((validate.errors ?? []).map(describe))];
    throw new ConfigError(`config: ${messages.slice(0, 5).join('; ')}${messages.length > 5 ? ` (+${messages.length - 5} more)` : ''}`);
  }
  return raw as DeepPartial<BridgeConfig>;
}

/** Read and validate a config file. Relative paths inside it (the sandbox world) are taken from its folder. */
export function readConfigFile(file: string): DeepPartial<BridgeConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const config = validateConfig(parseConfigText(text, file));
  const world = config.sandbox?.world;
  if (world && !path.isAbsolute(world)) config.sandbox = { ...config.sandbox, world: path.resolve(path.dirname(file), world) };
  return config;
}

/** Defaults ← file ← flags, validated as a whole (a flag can be wrong too). */
export function loadConfig(file: string | undefined, overrides: DeepPartial<BridgeConfig> = {}): BridgeConfig {
  const fromFile = file ? readConfigFile(file) : {};
  const config = resolveConfig(mergeConfig(fromFile, overrides));
  validateConfig(config);
  return config;
}
