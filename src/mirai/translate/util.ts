/** Small coercions shared by the translators: inputs are lenient (numeric strings, nulls), outputs exact. */

/** A number from a number or numeric string; `fallback` for anything else. */
export function num(v: unknown, fallback = 0): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return fallback;
}

/** An integer (truncated) from a number or numeric string. */
export const int = (v: unknown, fallback = 0): number => Math.trunc(num(v, fallback));

/** A string from a string or number; `fallback` for null/absent/other. */
export function str(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return fallback;
}

/** A non-blank string, or undefined: null, absent and "" all mean "not given". */
export function given(v: unknown): string | undefined {
  const s = str(v);
  return s.trim() === '' ? undefined : s;
}

export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export const INT32_MAX = 2147483647;

/** A table entry by a key from the wire: own keys only (`constructor`, `__proto__` are not entries). */
export function entry<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
