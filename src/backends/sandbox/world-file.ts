/**
 * Loading a sandbox world file (`--world FILE`, `sandbox.world` in the config): YAML or JSON,
 * checked against `schemas/sandbox/world.json` and for references that must resolve, so a bad
 * file stops the start with a message naming the key instead of failing later inside a handler.
 */
import fs from 'node:fs';
import type { ErrorObject } from 'ajv';
import YAML from 'yaml';
import { isBridgeError } from '../../errors';
import { createSchemas } from '../../schemas';
import type { WorldData } from './world';

/** A bad world file. Its `code` makes the CLI print the message alone (no stack) and exit 1, like a bad config. */
export class WorldFileError extends Error {
  override name = 'WorldFileError';
  readonly code = 'EBADWORLD';
}

/** One schema error, naming the key (`/groups/0/members/1/role must be one of owner, admin, member`). */
function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(p.additionalProperty)} is not a known key`;
  if (e.keyword === 'required') return `${e.instancePath}/${String(p.missingProperty)} is required`;
  if (e.keyword === 'enum') return `${e.instancePath || '/'} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
}

/** Ids that must be unique, and ids that must name someone the world knows. */
function checkReferences(w: WorldData): string[] {
  const problems: string[] = [];
  const known = new Set<number>([w.self.user_id]);
  w.people.forEach((p, i) => {
    if (known.has(p.user_id)) problems.push(`/people/${i}/user_id ${p.user_id} is listed twice (or is the bot)`);
    known.add(p.user_id);
  });
  const categories = new Set((w.categories ?? [{ category_id: 0 }]).map((c) => c.category_id));
  (w.friends ?? []).forEach((f, i) => {
    if (!known.has(f.user_id) || f.user_id === w.self.user_id) problems.push(`/friends/${i}/user_id ${f.user_id} is not in people`);
    if (f.category_id !== undefined && !categories.has(f.category_id)) problems.push(`/friends/${i}/category_id ${f.category_id} is not a category`);
  });
  const groups = new Set<number>();
  (w.groups ?? []).forEach((g, i) => {
    if (groups.has(g.group_id)) problems.push(`/groups/${i}/group_id ${g.group_id} is listed twice`);
    groups.add(g.group_id);
    const members = new Set<number>();
    g.members.forEach((m, j) => {
      if (!known.has(m.user_id)) problems.push(`/groups/${i}/members/${j}/user_id ${m.user_id} is not in people`);
      if (members.has(m.user_id)) problems.push(`/groups/${i}/members/${j}/user_id ${m.user_id} is listed twice`);
      members.add(m.user_id);
    });
    if (!members.has(w.self.user_id)) problems.push(`/groups/${i}/members does not include the bot (${w.self.user_id})`);
    if (g.members.filter((m) => m.role === 'owner').length > 1) problems.push(`/groups/${i}/members has more than one owner`);
  });
  return problems;
}

/** Parse and validate world data (defaults filled in); throws WorldFileError naming the first problems. */
export function validateWorld(data: unknown, source = '(inline)'): WorldData {
  try {
    createSchemas().validate('sandbox/world', data);
  } catch (e) {
    if (!isBridgeError(e)) throw e;
    const errors = ((e.data as { errors?: ErrorObject[] } | undefined)?.errors ?? []).map(describe);
    throw new WorldFileError(`sandbox world ${source}: ${[...new Set(errors)].slice(0, 5).join('; ') || e.message}`);
  }
  const problems = checkReferences(data as WorldData);
  if (problems.length) throw new WorldFileError(`sandbox world ${source}: ${problems.slice(0, 5).join('; ')}`);
  return data as WorldData;
}

export function loadWorldFile(file: string): WorldData {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorldFileError(`sandbox world ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { uniqueKeys: true });
  } catch (e) {
    throw new WorldFileError(`sandbox world ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  return validateWorld(data, file);
}
